"""Series parts and neighbours as each reader sees them, logging in to a restricted work, and
the adult-content gate. Who sees a work on every surface is tests/test_visibility_matrix.py.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from ficarchive.tags.models import Tag
from ficarchive.works.models import Series, Work
from tests.conftest import client_for, make_user, make_work

TITLE = "Saltwater Lanterns"
FANDOM = "Lanternwick Chronicles"
SERIES = "Harbour Lights"
FIRST_TEXT = "The boats came in at dawn, one after another."
SECOND_TEXT = "By noon the harbourmaster had counted every lantern twice."
GATE_TEXT = (
    "This work could have adult content. If you continue, you have agreed that you are "
    "willing to see such content."
)


def alices_work(alice, **options) -> Work:
    """A General Audiences work of two chapters, the only part of a series: no adult gate."""
    return make_work(
        alice,
        TITLE,
        fandoms=(FANDOM,),
        chapters=(FIRST_TEXT, SECOND_TEXT),
        series=SERIES,
        **options,
    )


def test_a_guest_who_logs_in_from_a_restricted_work_comes_back_to_it(alice, bob):
    work = alices_work(alice, restricted=True)
    client = client_for(None)

    login_page = client.get(f"/works/{work.pk}/", follow=True)
    assertContains(login_page, f'name="next" value="/works/{work.pk}/"')
    response = client.post(
        "/account/login/",
        {"username": "bob", "password": "a long test password 1", "next": f"/works/{work.pk}/"},
        follow=True,
    )

    assertContains(response, FIRST_TEXT)


# -- series: parts and neighbours count only what the viewer may see --------------------------


@pytest.fixture
def harbour(alice):
    """Three parts by alice; the middle one is a draft only she can see."""
    first = make_work(alice, "Low Tide", series=SERIES)
    series = Series.objects.get(title=SERIES)
    middle = make_work(alice, "Fog Bank", series=series, posted=False)
    last = make_work(alice, "High Water", series=series)
    return SimpleNamespace(series=series, first=first, middle=middle, last=last)


def test_readers_see_part_numbers_counting_only_works_they_may_see(bob, harbour):
    response = client_for(bob).get(f"/works/{harbour.last.pk}/")

    assertContains(response, "Part 2 of")
    assertNotContains(response, "Part 3 of")


def test_previous_work_skips_a_part_the_reader_may_not_see(bob, harbour):
    response = client_for(bob).get(f"/works/{harbour.last.pk}/")

    assertContains(response, f'<a href="/works/{harbour.first.pk}/" rel="prev">← Previous Work</a>')
    assertNotContains(response, f"/works/{harbour.middle.pk}/")


def test_next_work_skips_a_part_the_reader_may_not_see(bob, harbour):
    response = client_for(bob).get(f"/works/{harbour.first.pk}/")

    assertContains(response, f'<a href="/works/{harbour.last.pk}/" rel="next">Next Work →</a>')
    assertNotContains(response, f"/works/{harbour.middle.pk}/")


def test_the_creator_sees_every_part_and_its_neighbours(alice, harbour):
    response = client_for(alice).get(f"/works/{harbour.middle.pk}/")

    assertContains(response, "Part 2 of")
    assertContains(response, f'href="/works/{harbour.first.pk}/" rel="prev"')
    assertContains(response, f'href="/works/{harbour.last.pk}/" rel="next"')


def test_the_series_page_counts_and_lists_only_works_the_reader_may_see(bob, harbour):
    response = client_for(bob).get(f"/series/{harbour.series.pk}/")

    assertContains(response, "<dt>Works:</dt><dd>2</dd>", html=True)
    assertContains(response, "Low Tide")
    assertContains(response, "High Water")
    assertNotContains(response, "Fog Bank")


def test_blurbs_on_the_series_page_number_parts_among_the_works_the_reader_may_see(bob, harbour):
    response = client_for(bob).get(f"/series/{harbour.series.pk}/")

    assertContains(response, "Part <strong>2</strong> of")
    assertNotContains(response, "Part <strong>3</strong> of")


# -- the adult-content gate ---------------------------------------------------------------------

ADULT_RATINGS = ["Mature", "Explicit", "Not Rated"]


def adult_work(creator, rating="Mature", title="Undertow", **options) -> Work:
    return make_work(creator, title, rating=rating, chapters=(FIRST_TEXT, SECOND_TEXT), **options)


@pytest.mark.parametrize("rating", ADULT_RATINGS)
def test_a_guest_is_asked_before_an_adult_work_is_shown(alice, rating):
    work = adult_work(alice, rating)

    response = client_for(None).get(f"/works/{work.pk}/")

    assertContains(response, GATE_TEXT)
    assertContains(response, "Yes, Continue")
    assertContains(response, "No, Go Back")
    assertNotContains(response, "Set your preferences now")
    assertNotContains(response, FIRST_TEXT)


def test_a_work_without_any_rating_is_gated_like_not_rated(alice):
    work = adult_work(alice)
    work.tags.remove(Tag.objects.get(name="Mature"))

    response = client_for(None).get(f"/works/{work.pk}/")

    assertContains(response, GATE_TEXT)


def test_a_logged_in_reader_is_offered_to_set_preferences_at_the_gate(alice, bob):
    work = adult_work(alice)

    response = client_for(bob).get(f"/works/{work.pk}/")

    assertContains(response, GATE_TEXT)
    assertContains(response, f'href="{reverse("preferences")}">Set your preferences now</a>')


@pytest.mark.parametrize("rating", ["General Audiences", "Teen And Up Audiences"])
def test_general_and_teen_works_are_never_gated(alice, rating):
    work = adult_work(alice, rating)

    response = client_for(None).get(f"/works/{work.pk}/")

    assertNotContains(response, GATE_TEXT)
    assertContains(response, FIRST_TEXT)


def test_yes_continue_shows_the_work(alice):
    work = adult_work(alice)

    response = client_for(None).get(f"/works/{work.pk}/?view_adult=true")

    assertNotContains(response, GATE_TEXT)
    assertContains(response, FIRST_TEXT)


def test_the_yes_continue_link_leads_to_the_page_asked_for(alice):
    work = adult_work(alice)

    response = client_for(None).get(f"/works/{work.pk}/?view_full_work=true")

    assertContains(response, f'href="/works/{work.pk}/?view_full_work=true&amp;view_adult=true"')


def test_after_saying_yes_the_next_adult_work_shows_directly(alice):
    first = adult_work(alice, "Mature")
    second = adult_work(alice, "Explicit", title="Riptide")
    client = client_for(None)

    client.get(f"/works/{first.pk}/?view_adult=true")
    response = client.get(f"/works/{second.pk}/")

    assertNotContains(response, GATE_TEXT)
    assertContains(response, "Riptide")
    assertContains(response, FIRST_TEXT)


def test_the_gate_applies_on_chapter_pages_and_hides_that_chapter(alice):
    work = adult_work(alice)
    chapter = work.chapters.last()

    response = client_for(None).get(f"/works/{work.pk}/chapters/{chapter.pk}/")

    assertContains(response, GATE_TEXT)
    assertContains(response, f'href="/works/{work.pk}/chapters/{chapter.pk}/?view_adult=true"')
    assertNotContains(response, SECOND_TEXT)


def test_the_gate_on_the_entire_work_hides_every_chapter(alice):
    work = adult_work(alice)

    response = client_for(None).get(f"/works/{work.pk}/?view_full_work=true")

    assertContains(response, GATE_TEXT)
    assertNotContains(response, FIRST_TEXT)
    assertNotContains(response, SECOND_TEXT)


def test_the_creator_skips_the_gate_on_her_own_work(alice):
    work = adult_work(alice)

    response = client_for(alice).get(f"/works/{work.pk}/")

    assertNotContains(response, GATE_TEXT)
    assertContains(response, FIRST_TEXT)


def test_staff_skip_the_gate(alice, staff):
    work = adult_work(alice)

    response = client_for(staff).get(f"/works/{work.pk}/")

    assertNotContains(response, GATE_TEXT)
    assertContains(response, FIRST_TEXT)


def test_a_reader_who_chose_to_skip_the_gate_is_not_asked(alice):
    dora = make_user("dora", skip_adult_gate=True)
    work = adult_work(alice)

    response = client_for(dora).get(f"/works/{work.pk}/")

    assertNotContains(response, GATE_TEXT)
    assertContains(response, FIRST_TEXT)


def test_no_go_back_links_to_the_page_the_reader_came_from(alice):
    work = adult_work(alice)

    response = client_for(None).get(f"/works/{work.pk}/", HTTP_REFERER="http://testserver/fandoms/")

    assertContains(response, 'href="/adult/back/?next=http%3A//testserver/fandoms/"')


def test_no_go_back_returns_to_a_page_on_this_site(db):
    response = client_for(None).get("/adult/back/", {"next": "/fandoms/"})

    assertRedirects(response, "/fandoms/", fetch_redirect_response=False)


@pytest.mark.parametrize(
    "elsewhere",
    ["https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)", ""],
    ids=["other site", "scheme-relative", "javascript", "no referrer"],
)
def test_no_go_back_never_leaves_the_site(db, elsewhere):
    response = client_for(None).get("/adult/back/", {"next": elsewhere})

    assertRedirects(response, "/works/", fetch_redirect_response=False)
