"""Wrangling files tags; filter sets and tag pages follow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag, TagType, WranglingLog
from ficarchive.tags.services import tags_for
from ficarchive.works.models import Work
from tests.conftest import client_for, make_work


def tag(name: str, tag_type: str = TagType.ADDITIONAL, canonical: bool = False) -> Tag:
    found = tags_for([name], tag_type)[0]
    if canonical:
        wrangling.set_canonical(found, True)
        found.refresh_from_db()
    return found


def in_filter(name: str) -> set[str]:
    return set(Work.objects.filter(filters__name=name).values_list("title", flat=True))


@pytest.fixture
def alternate_universe(alice):
    """'Alternate Universe' with synonym 'AU', two canonical subtags (one with a synonym),
    and an unwrangled 'Coffee Shop AU' - one work tagged with each."""
    au = tag("Alternate Universe", canonical=True)
    space = tag("Alternate Universe - Space", canonical=True)
    school = tag("Alternate Universe - School", canonical=True)
    wrangling.add_metatag(space, au)
    wrangling.add_metatag(school, au)
    wrangling.set_synonym(tag("AU"), au)
    wrangling.set_synonym(tag("School AU"), school)
    tag("Coffee Shop AU")
    for name in ["Alternate Universe", "AU", "Alternate Universe - Space",
                 "Alternate Universe - School", "School AU", "Coffee Shop AU"]:  # fmt: skip
        make_work(alice, f"Tagged {name}", additional=(name,))
    return au


def test_a_canonical_tag_finds_its_synonyms_and_subtags_but_not_unwrangled_lookalikes(
    alternate_universe,
):
    assert in_filter("Alternate Universe") == {
        "Tagged Alternate Universe",
        "Tagged AU",
        "Tagged Alternate Universe - Space",
        "Tagged Alternate Universe - School",
        "Tagged School AU",
    }


def test_the_tag_page_lists_the_same_works(alternate_universe, bob):
    page = client_for(bob).get("/tags/Alternate Universe/works/")
    assert "1 – 5 of 5 Works" in page.content.decode()
    assert "Tagged Coffee Shop AU" not in page.content.decode()


def test_a_synonym_page_redirects_to_its_canonical(alternate_universe, bob):
    response = client_for(bob).get("/tags/AU/works/")
    assert response.status_code == 302
    assert response["Location"] == "/tags/Alternate%20Universe/works/"


def test_making_a_tag_a_synonym_after_posting_moves_works_in_and_undoing_moves_them_out(alice):
    au = tag("Alternate Universe", canonical=True)
    make_work(alice, "Posted with AU", additional=("AU",))
    assert in_filter("Alternate Universe") == set()

    wrangling.set_synonym(Tag.objects.get(name="AU"), au)
    assert in_filter("Alternate Universe") == {"Posted with AU"}

    wrangling.set_synonym(Tag.objects.get(name="AU"), None)
    assert in_filter("Alternate Universe") == set()


def test_removing_a_metatag_takes_the_subtags_works_out(alternate_universe):
    space = Tag.objects.get(name="Alternate Universe - Space")
    wrangling.remove_metatag(space, alternate_universe)
    assert "Tagged Alternate Universe - Space" not in in_filter("Alternate Universe")
    assert in_filter("Alternate Universe - Space") == {"Tagged Alternate Universe - Space"}


def test_metatags_reach_through_several_levels(alice):
    top = tag("Fluff", canonical=True)
    middle = tag("Domestic Fluff", canonical=True)
    bottom = tag("Kitchen Fluff", canonical=True)
    make_work(alice, "Baking", additional=("Kitchen Fluff",))
    wrangling.add_metatag(bottom, middle)
    wrangling.add_metatag(middle, top)
    assert in_filter("Fluff") == {"Baking"}


def test_a_metatag_loop_is_refused(alice):
    a = tag("Angst", canonical=True)
    b = tag("Light Angst", canonical=True)
    wrangling.add_metatag(b, a)
    with pytest.raises(ValidationError, match="loop"):
        wrangling.add_metatag(a, b)


def test_renaming_a_canonical_tag_keeps_every_work_attached(alternate_universe, bob):
    wrangling.rename(alternate_universe, "Alternate Universes")
    assert len(in_filter("Alternate Universes")) == 5
    page = client_for(bob).get("/tags/Alternate Universes/works/")
    assert "1 – 5 of 5 Works" in page.content.decode()


def test_merging_moves_works_and_deletes_the_old_tag(alice):
    target = tag("Found Family", canonical=True)
    make_work(alice, "Gathered", additional=("found fam",))
    moved = wrangling.merge(Tag.objects.get(name="found fam"), target)
    assert moved == 1
    assert not Tag.objects.filter(name="found fam").exists()
    assert in_filter("Found Family") == {"Gathered"}


@pytest.mark.parametrize("name", ["a^b", "a*b", "a<b", "a>b", "a{b", "a}b", "a=b", "a`b",
                                  "a\\b", "a%b", "x" * 151])  # fmt: skip
def test_renaming_to_a_forbidden_name_is_refused_with_a_message(alice, name):
    fandom = tag("Lanternwick Chronicles", TagType.FANDOM, canonical=True)
    with pytest.raises(ValidationError) as error:
        wrangling.rename(fandom, name)
    assert "Tag" in error.value.messages[0]
    fandom.refresh_from_db()
    assert fandom.name == "Lanternwick Chronicles"


def test_synonyms_must_point_at_a_canonical_tag_of_the_same_type(alice):
    character = tag("Mira Vell", TagType.CHARACTER, canonical=True)
    with pytest.raises(ValidationError, match="same type"):
        wrangling.set_synonym(tag("Mira"), character)
    with pytest.raises(ValidationError, match="not canonical"):
        wrangling.set_synonym(tag("Mirra"), tag("Miraa"))


def test_a_relationship_under_a_character_is_filed_under_the_characters_fandom_too(alice):
    fandom = tag("Lanternwick Chronicles", TagType.FANDOM, canonical=True)
    mira = tag("Mira Vell", TagType.CHARACTER, canonical=True)
    wrangling.add_parent(mira, fandom)
    pairing = tag("Mira Vell/Oren Tallow", TagType.RELATIONSHIP, canonical=True)
    wrangling.add_parent(pairing, mira)
    assert set(pairing.parents.values_list("name", flat=True)) == {
        "Mira Vell",
        "Lanternwick Chronicles",
    }


def test_fixed_tags_cannot_be_wrangled(alice):
    with pytest.raises(ValidationError, match="fixed tag"):
        wrangling.rename(Tag.objects.get(name="Explicit"), "Very Explicit")


def test_every_change_is_logged_with_who_and_what(alice, staff):
    au = tag("Alternate Universe", canonical=True)
    wrangling.set_synonym(tag("AU"), au, user=staff)
    entry = WranglingLog.objects.filter(tag_name="AU").first()
    assert entry.user == staff
    assert entry.detail == "synonym of Alternate Universe"


def test_counts_follow_posting_restriction_and_wrangling(alice):
    au = tag("Alternate Universe", canonical=True)
    make_work(alice, "Open", additional=("AU",))
    make_work(alice, "Members only", additional=("AU",), restricted=True)
    make_work(alice, "Draft", additional=("AU",), posted=False)
    wrangling.set_synonym(Tag.objects.get(name="AU"), au)
    au.refresh_from_db()
    assert (au.public_works_count, au.works_count) == (1, 2)


def test_a_tag_taken_off_a_work_counts_one_work_fewer(alice):
    """Found by the crash test (bench/crash.py): editing a work to drop an unwrangled tag
    left that tag's stored counts one too high."""
    from ficarchive.works.services import WorkInput, save_work

    work = make_work(alice, "Harbour", additional=("Rainy Days", "Ferries"))
    ferries = Tag.objects.get(name="Ferries")
    assert (ferries.public_works_count, ferries.works_count) == (1, 1)
    kept = [t for t in work.tags.all() if t.name != "Ferries"]
    save_work(work, WorkInput(fields={}, creators=[alice.default_pseud], tags=kept))
    ferries.refresh_from_db()
    assert (ferries.public_works_count, ferries.works_count) == (0, 0)
    assert Tag.objects.get(name="Rainy Days").works_count == 1
