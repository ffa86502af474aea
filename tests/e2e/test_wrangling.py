"""Wrangling in a real browser: a wrangler files tags and guests see works regroup; other
people are kept out; authors get tag suggestions on the posting form, with or without
JavaScript."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from ficarchive.accounts.models import WRANGLERS_GROUP, User
from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag, TagType
from ficarchive.tags.services import tags_for
from tests.conftest import PASSWORD, make_user, make_work

pytestmark = [
    pytest.mark.e2e,
    # The live server runs in another thread, so the tests need real transactions; the
    # serialized rollback brings back the fixed tags and the Wranglers group after each flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 900}
FORBIDDEN = "Sorry, you don't have permission to do that."
CANONICAL_WORK = "Parallel Lines"
SYNONYM_WORK = "Another Life Entirely"
OTHER_WORK = "Latte Art for Beginners"


def site_nav(page: Page):
    return page.get_by_role("navigation", name="Site")


def wrangling_nav(page: Page):
    return page.get_by_role("navigation", name="Wrangling")


def field(page: Page, label: str):
    """The form field with exactly this label (Django adds a ":" to labels)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def log_in(page: Page, username: str) -> None:
    page.goto("/account/login/")
    field(page, "User name").fill(username)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Log In").click()
    expect(site_nav(page).get_by_role("link", name=f"Hi, {username}!")).to_be_visible()


def listed_works(page: Page) -> list[str]:
    """The headings ("Title by creator") of the works listed on a works page, in order."""
    return page.locator("ol.works > li.blurb").get_by_role("heading", level=3).all_inner_texts()


@pytest.fixture
def wrangler(db) -> User:
    user = make_user("wendy")
    # A migration creates the group; get_or_create keeps the test honest if it ever doesn't.
    group, _ = Group.objects.get_or_create(name=WRANGLERS_GROUP)
    user.groups.add(group)
    return user


@pytest.fixture
def open_page(browser, live_server, browser_log):
    """Open a page in a fresh browser context: another person, with their own cookies."""
    contexts = []

    def open_page(**options) -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, **options)
        context.set_default_timeout(10_000)
        context.on("request", lambda request: browser_log.requests.append(request.url))
        context.on("response", browser_log.record_response)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: browser_log.errors.append(f"script error: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_wrangler_files_synonyms_and_guests_see_works_regroup(
    page: Page, live_server, browser_log, alice, wrangler, open_page
):
    make_work(alice, CANONICAL_WORK, additional=("Alternate Universe",))
    make_work(alice, SYNONYM_WORK, additional=("AU",))
    make_work(alice, OTHER_WORK, additional=("Coffee Shop AU",))

    # The wrangler logs in and finds the wrangling pages from the header.
    log_in(page, wrangler.username)
    site_nav(page).get_by_role("link", name="Wrangling", exact=True).click()
    expect(page.get_by_role("heading", name="Wrangling", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Additional Tags: 3")

    # Unwrangled additional tags: all three are waiting.
    wrangling_nav(page).get_by_role("link", name="Unwrangled fandoms").click()
    page.get_by_role("navigation", name="Tag types").get_by_role(
        "link", name="Additional Tags"
    ).click()
    expect(page).to_have_url(re.compile(r"/wrangling/unwrangled/\?type=additional$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Unwrangled Additional Tags")
    for name in ["Alternate Universe", "AU", "Coffee Shop AU"]:
        expect(page.get_by_role("checkbox", name=name, exact=True)).to_be_visible()

    # "Alternate Universe" becomes canonical...
    page.get_by_role("checkbox", name="Alternate Universe", exact=True).check()
    field(page, "Change").select_option(label="Make canonical")
    page.get_by_role("button", name="Wrangle").click()
    expect(page.get_by_role("status")).to_have_text("1 tag wrangled.")
    expect(page.get_by_role("checkbox", name="Alternate Universe", exact=True)).to_have_count(0)

    # ...and "AU" a synonym of it.
    page.get_by_role("checkbox", name="AU", exact=True).check()
    field(page, "Change").select_option(label="Make synonyms of…")
    field(page, "Tag to use").fill("Alternate Universe")
    page.get_by_role("button", name="Wrangle").click()
    expect(page.get_by_role("status")).to_have_text("1 tag wrangled.")
    expect(page.get_by_role("checkbox", name="AU", exact=True)).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Coffee Shop AU", exact=True)).to_be_visible()
    au = Tag.objects.get(name="AU")
    assert au.merger == Tag.objects.get(name="Alternate Universe", canonical=True)

    # A guest finds both works under the canonical tag, and not the coffee shop one.
    guest = open_page()
    guest.goto("/tags/Alternate Universe/works/")
    expect(guest.get_by_role("heading", name="Works in Alternate Universe")).to_be_visible()
    expect(guest.get_by_text("1 – 2 of 2 Works")).to_be_visible()
    assert sorted(listed_works(guest)) == sorted(
        [f"{CANONICAL_WORK} by alice", f"{SYNONYM_WORK} by alice"]
    )

    # The synonym's page leads to the canonical tag's.
    guest.goto("/tags/AU/works/")
    expect(guest).to_have_url(re.compile(r"/tags/Alternate%20Universe/works/$"))
    expect(guest.get_by_role("heading", name="Works in Alternate Universe")).to_be_visible()

    # The wrangler changes their mind: "AU" is no longer a synonym.
    page.goto("/tags/AU/wrangle/")
    expect(page.get_by_role("heading", name="Wrangle AU")).to_be_visible()
    synonym_of = field(page, "Synonym of")
    expect(synonym_of).to_have_value("Alternate Universe")
    synonym_of.clear()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("“AU” was updated.")
    expect(field(page, "Synonym of")).to_have_value("")
    recent = page.get_by_role("list").filter(has_text="no longer a synonym")
    expect(recent).to_contain_text("wendy · synonym: synonym of Alternate Universe")

    # The guest's listing is back to the one work tagged "Alternate Universe" itself.
    guest.goto("/tags/Alternate Universe/works/")
    expect(guest.get_by_text("1 – 1 of 1 Work", exact=True)).to_be_visible()
    assert listed_works(guest) == [f"{CANONICAL_WORK} by alice"]
    guest.goto("/tags/AU/works/")
    expect(guest.get_by_role("heading", name="Works in AU")).to_be_visible()
    assert listed_works(guest) == [f"{SYNONYM_WORK} by alice"]

    # Every change is in the wrangling log, newest first.
    wrangling_nav(page).get_by_role("link", name="Wrangling log").click()
    expect(page.get_by_role("heading", name="Wrangling log", level=1)).to_be_visible()
    rows = page.get_by_role("row").filter(has=page.get_by_role("cell", name="wendy"))
    when = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")
    expect(rows).to_have_count(3)
    for row, change in zip(
        rows.all(),
        [
            ("AU", "synonym: no longer a synonym"),
            ("AU", "synonym: synonym of Alternate Universe"),
            ("Alternate Universe", "canonical"),
        ],
        strict=True,
    ):
        expect(row.get_by_role("cell")).to_have_text([when, "wendy", *change])

    browser_log.assert_only_local(live_server.url)
    browser_log.assert_no_errors()


def test_people_who_are_not_wranglers_are_kept_out(page: Page, live_server, browser_log, bob):
    log_in(page, bob.username)
    expect(site_nav(page).get_by_role("link", name="Wrangling", exact=True)).to_have_count(0)

    response = page.goto("/wrangling/")
    assert response.status == 403
    expect(page.get_by_role("heading", name=FORBIDDEN)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Unwrangled")

    # The 403 is the only thing that went wrong, and it was meant to.
    assert browser_log.errors == [f"HTTP 403 for {live_server.url}/wrangling/"]
    browser_log.assert_only_local(live_server.url)


@pytest.fixture
def lanternwick(db) -> Tag:
    """A canonical fandom, with a shorter name filed as its synonym."""
    (fandom,) = tags_for(["Lanternwick Chronicles"], TagType.FANDOM)
    wrangling.set_canonical(fandom, True)
    (short,) = tags_for(["Lanternwick"], TagType.FANDOM)
    wrangling.set_synonym(short, fandom)
    # A canonical tag of another type, which the Fandoms field must not offer.
    (festival,) = tags_for(["Lantern Festival"], TagType.ADDITIONAL)
    wrangling.set_canonical(festival, True)
    return fandom


def suggestions_of(page: Page, input_id: str) -> list[list[str]]:
    """(value, label) of each option in the field's datalist."""
    return page.locator(f"#{input_id}-suggestions option").evaluate_all(
        "options => options.map(o => [o.value, o.label])"
    )


def test_posting_form_suggests_canonical_tags_and_synonyms(
    page: Page, live_server, browser_log, alice, lanternwick, open_page
):
    log_in(page, alice.username)
    site_nav(page).get_by_role("link", name="Post New Work").click()
    expect(page.get_by_role("heading", name="Post New Work")).to_be_visible()

    # Typing part of a fandom offers the canonical fandom first, then the synonym and what it
    # stands for; "Lantern Festival" is an additional tag, so it isn't offered here.
    fandoms = field(page, "Fandoms")
    input_id = fandoms.get_attribute("id")
    expect(fandoms).to_have_attribute("list", f"{input_id}-suggestions")
    fandoms.fill("Lantern")
    options = page.locator(f"#{input_id}-suggestions option")
    expect(options).to_have_count(2)
    assert suggestions_of(page, input_id) == [
        ["Lanternwick Chronicles", "Lanternwick Chronicles"],
        ["Lanternwick", "Lanternwick → Lanternwick Chronicles"],
    ]
    assert any("/autocomplete/tags/?format=json&type=fandom" in url for url in browser_log.requests)

    # After a comma, suggestions complete the last name and keep the ones already typed.
    fandoms.fill("Other Fandom, Lant")
    expect(options.first).to_have_attribute("value", "Other Fandom, Lanternwick Chronicles")
    values = [value for value, _ in suggestions_of(page, input_id)]
    assert values == ["Other Fandom, Lanternwick Chronicles", "Other Fandom, Lanternwick"]

    # Without JavaScript, the fields are plain text boxes and "find a tag" is a normal page.
    no_script = open_page(java_script_enabled=False)
    log_in(no_script, alice.username)
    no_script.goto("/works/new/")
    expect(field(no_script, "Fandoms")).not_to_have_attribute("list", re.compile(".*"))
    find_a_tag = no_script.get_by_role("link", name="find a tag")
    no_script.goto(find_a_tag.get_attribute("href"))
    expect(no_script.get_by_role("heading", name="Find a tag")).to_be_visible()
    field(no_script, "Part of a tag name").fill("Lantern")
    field(no_script, "Type").select_option(label="Fandom")
    no_script.get_by_role("button", name="Find tags").click()
    expect(no_script).to_have_url(re.compile(r"/autocomplete/tags/\?term=Lantern&type=fandom$"))
    found = no_script.get_by_role("main").get_by_role("listitem")
    expect(found).to_have_text(["Lanternwick Chronicles", "Lanternwick → Lanternwick Chronicles"])
    expect(no_script.get_by_role("link", name="Lanternwick Chronicles")).to_have_attribute(
        "href", "/tags/Lanternwick%20Chronicles/"
    )

    # Asked for directly, with no type, it finds tags of every type: canonical ones first.
    no_script.goto("/autocomplete/tags/?term=Lantern")
    expect(field(no_script, "Part of a tag name")).to_have_value("Lantern")
    expect(found).to_have_text(
        ["Lantern Festival", "Lanternwick Chronicles", "Lanternwick → Lanternwick Chronicles"]
    )

    browser_log.assert_only_local(live_server.url)
    browser_log.assert_no_errors()
