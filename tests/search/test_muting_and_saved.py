"""Muting tags and creators, saved searches, and crossovers."""

from __future__ import annotations

from html import unescape

import pytest

from ficarchive.accounts import muting
from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag, TagType
from ficarchive.tags.services import tags_for
from ficarchive.works.models import Work
from tests.conftest import client_for, make_user, make_work


def titles(response) -> set[str]:
    return {work.title for work in response.context["page"]}


@pytest.fixture
def shelf(alice, carol):
    make_work(alice, "Angsty", additional=("Angst",), chapters=("Rain fell on the quay.",))
    make_work(alice, "Fluffy", additional=("Fluff",), chapters=("Rain fell on the meadow.",))
    make_work(carol, "By Carol", additional=("Fluff",), chapters=("Rain fell on the roof.",))
    for name in ["Angst", "Fluff"]:
        wrangling.set_canonical(Tag.objects.get(name=name), True)


LISTINGS = [
    "/works/",
    "/search/?q=rain",
    "/tags/Fluff/works/",
    "/users/carol/works/",
    "/users/carol/",
    "/",
]


@pytest.mark.parametrize("url", LISTINGS)
def test_a_muted_creator_vanishes_from_every_listing(shelf, bob, carol, url):
    muting.mute_user(bob, carol)
    page = client_for(bob).get(url).content.decode()
    assert "By Carol" not in page
    assert "By Carol" in client_for(make_user("dora")).get(url).content.decode()


def test_a_muted_tag_removes_its_works_and_counts_stay_true(shelf, bob):
    muting.mute_tags(bob, [Tag.objects.get(name="Angst")])
    response = client_for(bob).get("/works/")
    assert titles(response) == {"Fluffy", "By Carol"}
    assert "1 – 2 of 2 Works" in response.content.decode()
    facets = response.context["facets"]["Additional Tags"]
    assert [i["tag"].name for i in facets] == ["Fluff"]
    assert "Angsty" not in titles(client_for(bob).get("/search/", {"q": "rain"}))


def test_muting_a_canonical_tag_mutes_its_synonyms_works_too(alice, bob):
    angst = tags_for(["Angst"], TagType.ADDITIONAL)[0]
    wrangling.set_canonical(angst, True)
    make_work(alice, "Sad", additional=("angsty feelings",))
    wrangling.set_synonym(Tag.objects.get(name="angsty feelings"), angst)
    muting.mute_tags(bob, [angst])
    assert "Sad" not in titles(client_for(bob).get("/works/"))


def test_your_own_works_always_show(shelf, alice):
    muting.mute_tags(alice, [Tag.objects.get(name="Angst")])
    assert "Angsty" in titles(client_for(alice).get("/works/"))


def test_a_muted_work_still_opens_from_its_address_with_a_notice(shelf, bob):
    muting.mute_tags(bob, [Tag.objects.get(name="Angst")])
    work = Work.objects.get(title="Angsty")
    page = client_for(bob).get(f"/works/{work.pk}/").content.decode()
    assert "Rain fell on the quay." in page
    assert "You muted a tag or a creator of this work" in page


def test_muting_through_the_pages(shelf, bob):
    client = client_for(bob)
    client.post("/account/muted/", {"mute": "1", "tags": "Angst", "username": "carol"})
    assert titles(client.get("/works/")) == {"Fluffy"}
    page = client.get("/account/muted/").content.decode()
    assert "Angst" in page and "carol" in page
    angst = Tag.objects.get(name="Angst")
    client.post("/account/muted/", {"unmute_tag": angst.pk})
    assert titles(client.get("/works/")) == {"Fluffy", "Angsty"}


def test_muting_mistakes_are_explained(shelf, bob):
    client = client_for(bob)
    page = unescape(
        client.post("/account/muted/", {"mute": "1", "username": "nobody"}).content.decode()
    )
    assert "There is no user named “nobody”." in page
    page = unescape(
        client.post("/account/muted/", {"mute": "1", "username": "bob"}).content.decode()
    )
    assert "You can't mute yourself." in page


def test_guests_are_asked_to_log_in_to_mute(guest_client):
    assert guest_client.get("/account/muted/").status_code == 302


def test_mute_limit(bob, monkeypatch):
    monkeypatch.setattr(muting, "MUTE_LIMIT", 1)
    tags = tags_for(["One", "Two"], TagType.ADDITIONAL)
    with pytest.raises(Exception, match="at most 1 tags"):
        muting.mute_tags(bob, tags)
    assert not bob.muted_tags.exists()


# -- saved searches ------------------------------------------------------------------------


def test_a_search_can_be_saved_rerun_subscribed_and_deleted(shelf, bob):
    client = client_for(bob)
    client.post(
        "/account/searches/",
        {"save": "1", "name": "Rainy fluff", "path": "/search/", "query": "q=rain&include=Fluff"},
    )
    saved = bob.saved_searches.get()
    assert saved.url == "/search/?q=rain&include=Fluff"
    page = client.get("/account/searches/").content.decode()
    assert 'href="/search/?q=rain&amp;include=Fluff"' in page
    assert titles(client.get(saved.url)) == {"Fluffy", "By Carol"}
    client.post("/account/searches/", {"subscribe": saved.pk})
    saved.refresh_from_db()
    assert saved.subscribed
    client.post("/account/searches/", {"delete": saved.pk})
    assert not bob.saved_searches.exists()


def test_only_listings_can_be_saved_and_names_are_unique(shelf, bob):
    client = client_for(bob)
    page = client.post("/account/searches/", {"save": "1", "name": "x", "path": "/admin/"})
    assert "Only works listings and searches can be saved." in page.content.decode()
    data = {"save": "1", "name": "Mine", "path": "/works/", "query": ""}
    client.post("/account/searches/", data)
    page = unescape(client.post("/account/searches/", data).content.decode())
    assert "You already have a saved search with that name." in page


def test_listings_offer_saving_to_logged_in_readers_only(shelf, bob, guest_client):
    assert "Save this search as" in client_for(bob).get("/works/").content.decode()
    assert "Save this search as" not in guest_client.get("/works/").content.decode()


# -- crossovers ----------------------------------------------------------------------------


def canonical(name: str):
    tag = tags_for([name], TagType.FANDOM)[0]
    wrangling.set_canonical(tag, True)
    return tag


def test_works_in_unrelated_fandoms_are_crossovers_and_metatags_unite_fandoms(alice, guest_client):
    saga, film, book = canonical("Saga"), canonical("Saga - Film"), canonical("Other Book")
    make_work(alice, "Cross", fandoms=("Saga", "Other Book"))
    make_work(alice, "Same world", fandoms=("Saga", "Saga - Film"))
    make_work(alice, "Single", fandoms=("Saga",))
    assert set(Work.objects.filter(crossover=True).values_list("title", flat=True)) == {
        "Cross",
        "Same world",
    }
    wrangling.add_metatag(film, saga)
    assert titles(guest_client.get("/works/", {"crossover": "only"})) == {"Cross"}
    assert titles(guest_client.get("/works/", {"crossover": "exclude"})) == {
        "Same world",
        "Single",
    }
    assert book.pk
