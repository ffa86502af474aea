"""The wrangling pages: who may use them, bulk changes, one tag's form, and the log."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.auth.models import Group

from ficarchive.accounts.models import WRANGLERS_GROUP
from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag, TagType, WranglingLog
from ficarchive.tags.services import tags_for
from ficarchive.works.models import Work
from tests.conftest import client_for, make_user, make_work

PAGES = [
    "/wrangling/",
    "/wrangling/unwrangled/?type=character",
    "/wrangling/log/",
    "/tags/Fluff/wrangle/",
]


@pytest.fixture
def wrangler(db):
    user = make_user("wren")
    user.groups.add(Group.objects.get(name=WRANGLERS_GROUP))
    return user


@pytest.fixture
def fluff(alice):
    make_work(alice, "Soft", additional=("Fluff",))
    return Tag.objects.get(name="Fluff")


def titles_in(name: str) -> set[str]:
    return set(Work.objects.filter(filters__name=name).values_list("title", flat=True))


@pytest.mark.parametrize("url", PAGES)
def test_guests_are_asked_to_log_in(fluff, guest_client, url):
    response = guest_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize("url", PAGES)
def test_people_who_are_not_wranglers_get_403(fluff, bob, url):
    response = client_for(bob).get(url)
    assert response.status_code == 403
    assert "Sorry, you don't have permission to do that." in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_wranglers_and_superusers_may_use_every_page(fluff, wrangler, url):
    assert client_for(wrangler).get(url).status_code == 200
    boss = make_user("boss", is_superuser=True, is_staff=True)
    assert client_for(boss).get(url).status_code == 200


def test_non_wranglers_cannot_post_changes_either(fluff, bob):
    response = client_for(bob).post(
        "/wrangling/unwrangled/?type=additional", {"tags": [fluff.pk], "action": "canonical"}
    )
    assert response.status_code == 403
    fluff.refresh_from_db()
    assert not fluff.canonical


def test_the_header_shows_wrangling_only_to_wranglers(fluff, wrangler, bob):
    assert 'href="/wrangling/"' in client_for(wrangler).get("/").content.decode()
    assert 'href="/wrangling/"' not in client_for(bob).get("/").content.decode()


def test_unwrangled_tags_are_listed_per_fandom(alice, wrangler):
    fandom = tags_for(["Lanternwick Chronicles"], TagType.FANDOM)[0]
    wrangling.set_canonical(fandom, True)
    make_work(alice, "In fandom", characters=("Mira Vell",))
    make_work(alice, "Elsewhere", fandoms=("Other Place",), characters=("Oren Tallow",))
    page = client_for(wrangler).get(
        "/wrangling/unwrangled/?fandom=Lanternwick Chronicles&type=character"
    )
    assert "Mira Vell" in page.content.decode()
    assert "Oren Tallow" not in page.content.decode()
    home = client_for(wrangler).get("/wrangling/").content.decode()
    assert "Lanternwick Chronicles" in home


def test_bulk_make_canonical_then_synonym(alice, wrangler):
    make_work(alice, "One", additional=("Alternate Universe",))
    make_work(alice, "Two", additional=("AU",))
    client = client_for(wrangler)
    url = "/wrangling/unwrangled/?type=additional"
    au_long = Tag.objects.get(name="Alternate Universe")
    response = client.post(url, {"tags": [au_long.pk], "action": "canonical"}, follow=True)
    assert "1 tag wrangled." in response.content.decode()
    au = Tag.objects.get(name="AU")
    client.post(url, {"tags": [au.pk], "action": "synonym", "target": "Alternate Universe"})
    assert titles_in("Alternate Universe") == {"One", "Two"}
    assert WranglingLog.objects.filter(user=wrangler).count() == 2


def test_a_bulk_change_naming_an_unknown_tag_says_so_and_changes_nothing(alice, wrangler):
    make_work(alice, "Two", additional=("AU",))
    au = Tag.objects.get(name="AU")
    response = client_for(wrangler).post(
        "/wrangling/unwrangled/?type=additional",
        {"tags": [au.pk], "action": "synonym", "target": "Nowhere Tag"},
    )
    assert response.status_code == 200
    assert "There is no tag named “Nowhere Tag”." in response.content.decode()
    au.refresh_from_db()
    assert au.merger is None


def test_a_refused_step_in_a_bulk_change_rolls_back_every_tag(alice, wrangler):
    make_work(alice, "One", additional=("Fluff", "Angst"))
    target = tags_for(["Comfort"], TagType.ADDITIONAL)[0]  # not canonical
    fluff, angst = Tag.objects.get(name="Fluff"), Tag.objects.get(name="Angst")
    response = client_for(wrangler).post(
        "/wrangling/unwrangled/?type=additional",
        {"tags": [fluff.pk, angst.pk], "action": "synonym", "target": target.name},
    )
    assert "“Comfort” is not canonical" in response.content.decode()
    assert not Tag.objects.filter(merger__isnull=False).exists()


def test_the_tag_form_renames_and_adds_metatags_and_subtags(alice, wrangler):
    top = tags_for(["Comfort"], TagType.ADDITIONAL)[0]
    wrangling.set_canonical(top, True)
    make_work(alice, "Soft", additional=("Fluf",))
    response = client_for(wrangler).post(
        "/tags/Fluf/wrangle/",
        {"name": "Fluff", "canonical": "on", "add_metatags": "Comfort"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/tags/Fluff/wrangle/"
    assert titles_in("Comfort") == {"Soft"}
    assert titles_in("Fluff") == {"Soft"}


def test_the_tag_form_refuses_canonical_and_synonym_together(fluff, wrangler):
    response = client_for(wrangler).post(
        "/tags/Fluff/wrangle/", {"name": "Fluff", "canonical": "on", "synonym_of": "Fluff"}
    )
    assert "A tag can be canonical or a synonym, not both." in response.content.decode()


def test_the_tag_form_refuses_a_forbidden_name_and_keeps_the_old_one(fluff, wrangler):
    response = client_for(wrangler).post("/tags/Fluff/wrangle/", {"name": "Fluff^2"})
    assert "contains a character tags can't have" in unescape(response.content.decode())
    assert Tag.objects.filter(name="Fluff").exists()


def test_merging_from_the_tag_form_moves_works_and_goes_to_the_target(alice, wrangler):
    target = tags_for(["Found Family"], TagType.ADDITIONAL)[0]
    wrangling.set_canonical(target, True)
    make_work(alice, "Gathered", additional=("found fam",))
    response = client_for(wrangler).post(
        "/tags/found fam/wrangle/", {"name": "found fam", "merge_into": "Found Family"}
    )
    assert response["Location"] == "/tags/Found%20Family/wrangle/"
    assert titles_in("Found Family") == {"Gathered"}


def test_the_log_can_be_read_back_and_filtered_by_tag(fluff, wrangler):
    wrangling.set_canonical(fluff, True, user=wrangler)
    angst = tags_for(["Angst"], TagType.ADDITIONAL)[0]
    wrangling.set_canonical(angst, True, user=wrangler)
    page = client_for(wrangler).get("/wrangling/log/?tag=Fluff").content.decode()
    assert "Fluff" in page and "canonical" in page and "wren" in page
    assert "Angst" not in page.split("<table")[1]


def test_the_tag_page_shows_type_status_parents_metatags_subtags_and_synonyms(alice, bob):
    fandom = tags_for(["Lanternwick Chronicles"], TagType.FANDOM)[0]
    wrangling.set_canonical(fandom, True)
    au = tags_for(["Alternate Universe"], TagType.ADDITIONAL)[0]
    wrangling.set_canonical(au, True)
    space = tags_for(["Space AU"], TagType.ADDITIONAL)[0]
    wrangling.set_canonical(space, True)
    wrangling.add_metatag(space, au)
    wrangling.set_synonym(tags_for(["AU"], TagType.ADDITIONAL)[0], au)
    wrangling.add_parent(au, fandom)
    page = client_for(bob).get("/tags/Alternate Universe/").content.decode()
    for text in ["Additional Tags tag", "canonical", "Lanternwick Chronicles", "Space AU", "AU"]:
        assert text in page
    assert "Wrangle this tag" not in page


def test_the_wrangler_command_adds_lists_and_removes_wranglers(bob, capsys):
    from django.core.management import call_command

    call_command("wrangler", "BOB")
    assert bob.is_wrangler
    call_command("wrangler", list=True)
    assert "bob" in capsys.readouterr().out
    call_command("wrangler", "bob", remove=True)
    bob.refresh_from_db()
    assert not bob.is_wrangler
