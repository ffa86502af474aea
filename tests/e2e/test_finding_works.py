"""Finding works in a real browser: search inside the text, read the snippet, narrow the
results from the sidebar, mute a tag, and save the search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag
from tests.conftest import PASSWORD, make_user, make_work

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def shelf(alice):
    make_work(
        alice,
        "The Lamp Room",
        additional=("Fluff",),
        chapters=("Up in the lamp room the keeper polished brass until it shone.",),
    )
    make_work(
        alice,
        "Storm Night",
        additional=("Angst",),
        chapters=("The keeper watched the storm break against the lamp room glass.",),
    )
    make_work(
        alice,
        "Orchard Days",
        additional=("Fluff",),
        chapters=("Apples and bees, and nobody needed a keeper at all.",),
    )
    for name in ["Fluff", "Angst"]:
        wrangling.set_canonical(Tag.objects.get(name=name), True)


def results(page: Page) -> list[str]:
    return page.locator("ol.works > li.blurb h3 a[href^='/works/']").all_inner_texts()


def test_a_reader_searches_filters_mutes_and_saves(page: Page, shelf, db):
    make_user("reader")
    page.goto("/account/login/")
    page.get_by_label(re.compile("^User name")).fill("reader")
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log In").click()

    page.get_by_role("searchbox", name="Search works").fill('"lamp room"')
    page.get_by_role("button", name="Search", exact=True).click()
    assert sorted(results(page)) == ["Storm Night", "The Lamp Room"]
    expect(page.locator(".snippet mark").first).to_have_text(re.compile("lamp|room", re.I))
    assert "q=%22lamp+room%22" in page.url  # the search is in the address

    page.get_by_role("link", name="Include Angst").click()
    assert results(page) == ["Storm Night"]
    page.get_by_role("link", name="Clear Filters").click()

    page.goto("/tags/Angst/")
    page.get_by_role("button", name="Mute this tag").click()
    page.goto("/search/?q=keeper")
    assert sorted(results(page)) == ["Orchard Days", "The Lamp Room"]
    expect(page.get_by_text("1 – 2 of 2 Works")).to_be_visible()

    page.get_by_label("Save this search as").fill("Keepers")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved “Keepers”.")).to_be_visible()
    page.get_by_role("link", name="Keepers").click()
    assert sorted(results(page)) == ["Orchard Days", "The Lamp Room"]
