"""Tag suggestions for the posting form, and the fandom index."""

from __future__ import annotations

from ficarchive.tags import wrangling
from ficarchive.tags.models import TagType
from ficarchive.tags.services import tags_for
from tests.conftest import client_for, make_work


def canonical(name: str, tag_type: str = TagType.FANDOM):
    tag = tags_for([name], tag_type)[0]
    wrangling.set_canonical(tag, True)
    return tag


def test_suggestions_list_canonical_tags_first_then_synonyms_with_what_they_mean(db, guest_client):
    lantern = canonical("Lanternwick Chronicles")
    canonical("The Old Lantern")
    wrangling.set_synonym(tags_for(["Lanternwick"], TagType.FANDOM)[0], lantern)
    tags_for(["Lantern Unwrangled"], TagType.FANDOM)
    data = guest_client.get("/autocomplete/tags/?format=json&type=fandom&term=lantern").json()
    assert [item["name"] for item in data["results"]] == [
        "Lanternwick Chronicles",
        "The Old Lantern",
        "Lanternwick",
    ]
    assert data["results"][2]["synonym_of"] == "Lanternwick Chronicles"


def test_suggestions_respect_the_type(db, guest_client):
    canonical("Lanternwick Chronicles")
    canonical("Lantern Keeper", TagType.CHARACTER)
    data = guest_client.get("/autocomplete/tags/?format=json&type=character&term=lantern").json()
    assert [item["name"] for item in data["results"]] == ["Lantern Keeper"]


def test_without_javascript_the_same_suggestions_are_a_page(db, guest_client):
    canonical("Lanternwick Chronicles")
    page = guest_client.get("/autocomplete/tags/?term=lantern").content.decode()
    assert "Lanternwick Chronicles" in page
    assert '<form method="get"' in page


def test_an_empty_term_suggests_nothing(db, guest_client):
    canonical("Lanternwick Chronicles")
    assert guest_client.get("/autocomplete/tags/?format=json&term=").json()["results"] == []


def test_the_fandom_index_is_alphabetical_with_a_letter_bar_and_honest_counts(alice, bob):
    make_work(alice, "One", fandoms=("Brightwater",))
    make_work(alice, "Two", fandoms=("Ashfall",))
    make_work(alice, "Three", fandoms=("Ashfall",))
    make_work(alice, "Locked", fandoms=("Ashfall",), restricted=True)
    guest = client_for(None).get("/fandoms/").content.decode()
    assert guest.index("Ashfall") < guest.index("Brightwater")
    assert 'href="#letter-A"' in guest and 'href="#letter-B"' in guest
    assert "Ashfall</a> (2)" in guest
    assert "Ashfall</a> (3)" in client_for(bob).get("/fandoms/").content.decode()


def test_a_canonical_fandom_counts_the_works_of_its_synonyms(alice, guest_client):
    fandom = canonical("Ashfall")
    make_work(alice, "One", fandoms=("Ashfall",))
    make_work(alice, "Two", fandoms=("Ash Fall",))
    wrangling.set_synonym(tags_for(["Ash Fall"], TagType.FANDOM)[0], fandom)
    page = guest_client.get("/fandoms/").content.decode()
    assert "Ashfall</a> (2)" in page
    assert "Ash Fall" not in page
