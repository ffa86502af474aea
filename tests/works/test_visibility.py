"""Who sees a work, on every page that can show it, and the adult-content gate.

The matrix below is built from three lists: the states a work can be in, the people who
might look, and the pages ("surfaces") that can show a work. Adding a surface is one line
in SURFACES: a function returning the page's URL and how to tell whether the work is on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote

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


# -- how to tell whether the work is on a page ------------------------------------------------


class ReaderPage:
    """A page showing the work itself: it shows the title and `texts`, or is not found."""

    def __init__(self, *texts: str):
        self.texts = texts

    def assert_shows(self, response, work: Work) -> None:
        assertContains(response, work.title)
        for text in self.texts:
            assertContains(response, text)

    def assert_hides(self, response, work: Work) -> None:
        assertNotContains(response, work.title, status_code=404)


class Listing:
    """A page of work blurbs whose count line must agree with what is listed."""

    def assert_shows(self, response, work: Work) -> None:
        assertContains(response, f'id="work_{work.pk}"')
        assertContains(response, work.title)
        assertContains(response, "1 – 1 of 1 Work</p>")

    def assert_hides(self, response, work: Work) -> None:
        assertNotContains(response, work.title)
        assertContains(response, "No works yet.")


class FandomIndex:
    """The fandom list, with the number of works each fandom has for this viewer."""

    def assert_shows(self, response, work: Work) -> None:
        assertContains(response, f"{FANDOM}</a> (1)")

    def assert_hides(self, response, work: Work) -> None:
        assertNotContains(response, FANDOM)
        assertContains(response, "No fandoms yet.")


class SeriesPage:
    """The series the work is the only part of: the series is not found when the work isn't."""

    def assert_shows(self, response, work: Work) -> None:
        assertContains(response, work.title)
        assertContains(response, "<dt>Works:</dt><dd>1</dd>", html=True)

    def assert_hides(self, response, work: Work) -> None:
        assertNotContains(response, work.title, status_code=404)
        assertNotContains(response, SERIES, status_code=404)


class Profile:
    """A user's profile: recent works, and links with work and series counts."""

    def assert_shows(self, response, work: Work) -> None:
        assertContains(response, work.title)
        assertContains(response, "Works (1)")
        assertContains(response, "Series (1)")

    def assert_hides(self, response, work: Work) -> None:
        assertNotContains(response, work.title)
        assertContains(response, "No works yet.")
        assertContains(response, "Works (0)")
        assertContains(response, "Series (0)")


class HomePage:
    """The front page: recently updated works and a cloud of fandoms that have works."""

    def assert_shows(self, response, work: Work) -> None:
        assertContains(response, work.title)
        assertContains(response, FANDOM)

    def assert_hides(self, response, work: Work) -> None:
        assertNotContains(response, work.title)
        assertNotContains(response, FANDOM)


# -- the surfaces: one line each --------------------------------------------------------------

Check = ReaderPage | Listing | FandomIndex | SeriesPage | Profile | HomePage


def work_page(work):
    return f"/works/{work.pk}/", ReaderPage(FIRST_TEXT)


def chapter_page(work):
    return f"/works/{work.pk}/chapters/{work.chapters.last().pk}/", ReaderPage(SECOND_TEXT)


def entire_work(work):
    return f"/works/{work.pk}/?view_full_work=true", ReaderPage(FIRST_TEXT, SECOND_TEXT)


def chapter_index(work):
    return f"/works/{work.pk}/navigate/", ReaderPage("Chapter Index for")


def works_index(work):
    return "/works/", Listing()


def tag_page(work):
    return reverse("tag_works", args=[FANDOM]), Listing()


def fandom_index(work):
    return "/fandoms/", FandomIndex()


def series_page(work):
    return f"/series/{Series.objects.get(title=SERIES).pk}/", SeriesPage()


def user_profile(work):
    return "/users/alice/", Profile()


def user_works(work):
    return "/users/alice/works/", Listing()


def pseud_works(work):
    return "/users/alice/pseuds/alice/", Listing()


def home_page(work):
    return "/", HomePage()


SURFACES: list[Callable[[Work], tuple[str, Check]]] = [
    work_page, chapter_page, entire_work, chapter_index, works_index, tag_page, fandom_index,
    series_page, user_profile, user_works, pseud_works, home_page,
]  # fmt: skip

# Pages that show the work itself: a guest asking for a restricted work is asked to log in.
READER_SURFACES = {work_page, chapter_page, entire_work, chapter_index}


@dataclass(frozen=True)
class State:
    name: str
    work_options: dict
    seen_by: frozenset[str]


STATES = [
    State("public", {}, frozenset({"guest", "bob", "alice", "staff"})),
    State("draft", {"posted": False}, frozenset({"alice"})),
    State("restricted", {"restricted": True}, frozenset({"bob", "alice", "staff"})),
    State("hidden by admin", {"hidden": True}, frozenset({"alice", "staff"})),
]
VIEWERS = ["guest", "bob", "alice", "staff"]


def viewer_client(request, viewer: str):
    return client_for(None if viewer == "guest" else request.getfixturevalue(viewer))


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


@pytest.mark.parametrize("surface", SURFACES, ids=lambda surface: surface.__name__)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("state", STATES, ids=lambda state: state.name)
def test_a_work_appears_exactly_where_its_viewer_may_see_it(
    request, alice, bob, staff, state, viewer, surface
):
    work = alices_work(alice, **state.work_options)
    url, check = surface(work)

    response = viewer_client(request, viewer).get(url)

    if viewer in state.seen_by:
        check.assert_shows(response, work)
    elif viewer == "guest" and state.name == "restricted" and surface in READER_SURFACES:
        assertRedirects(
            response, f"/account/login/?next={quote(url, safe='/')}", fetch_redirect_response=False
        )
    else:
        check.assert_hides(response, work)


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
