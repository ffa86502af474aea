"""Who may change what: every owner-only page, and what those pages do for their owner.

Guests are sent to log in; other people are refused (403), or told there is nothing there
(404) when they may not even see the work; the creator gets the page or the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from ficarchive.accounts.models import Pseud
from ficarchive.works.models import Chapter, Creatorship, Series, Work
from tests.conftest import client_for, fixed, make_work

TITLE = "Saltwater Lanterns"
FANDOM = "Lanternwick Chronicles"
SERIES = "Harbour Lights"
TEXTS = (
    "The boats came in at dawn, one after another.",
    "By noon the harbourmaster had counted every lantern twice.",
    "At dusk the lanterns were lit, one by one, along the quay.",
)


def login_url(path: str) -> str:
    return f"/account/login/?next={quote(path, safe='/')}"


def alices_work(alice, chapters=TEXTS[:2], **options) -> Work:
    return make_work(alice, TITLE, fandoms=(FANDOM,), chapters=chapters, series=SERIES, **options)


def the_series() -> Series:
    return Series.objects.get(title=SERIES)


# -- the owner-only pages of a work ------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    path: Callable[[Work], str]
    creator_sees: str | None = None  # text on the page (GET) ...
    creator_sent_to: Callable[[Work], str] | None = None  # ... or where a POST leads

    def __str__(self) -> str:
        return self.name

    def do(self, client, work: Work):
        return getattr(client, self.method)(self.path(work))


def first_chapter(work: Work) -> str:
    return f"/works/{work.pk}/chapters/{work.chapters.first().pk}"


WORK_ACTIONS = [
    Action("edit work", "get", lambda w: f"/works/{w.pk}/edit/", "Edit Work"),
    Action("confirm delete", "get", lambda w: f"/works/{w.pk}/delete/", "with all its chapters?"),
    Action("delete work", "post", lambda w: f"/works/{w.pk}/delete/",
           creator_sent_to=lambda w: "/users/alice/works/"),
    Action("post draft", "post", lambda w: f"/works/{w.pk}/post/",
           creator_sent_to=lambda w: f"/works/{w.pk}/"),
    Action("mark complete", "post", lambda w: f"/works/{w.pk}/complete/",
           creator_sent_to=lambda w: f"/works/{w.pk}/"),
    Action("new chapter", "get", lambda w: f"/works/{w.pk}/chapters/new/", "New Chapter of"),
    Action("edit chapter", "get", lambda w: f"{first_chapter(w)}/edit/", "Edit Chapter 1 of"),
    Action("confirm chapter delete", "get", lambda w: f"{first_chapter(w)}/delete/",
           "Its text will be gone for good."),
    Action("delete chapter", "post", lambda w: f"{first_chapter(w)}/delete/",
           creator_sent_to=lambda w: f"/works/{w.pk}/"),
    Action("reorder chapters", "get", lambda w: f"/works/{w.pk}/chapters/order/",
           "Reorder chapters of"),
    Action("edit series", "get", lambda w: f"/series/{the_series().pk}/edit/", "Edit Series"),
]  # fmt: skip

POST_ONLY = [action for action in WORK_ACTIONS if action.name in {"post draft", "mark complete"}]


@pytest.mark.parametrize("action", WORK_ACTIONS, ids=str)
def test_guests_are_sent_to_log_in(alice, action):
    work = alices_work(alice)
    path = action.path(work)

    response = action.do(client_for(None), work)

    assertRedirects(response, login_url(path), fetch_redirect_response=False)
    assert Work.objects.filter(pk=work.pk).exists()


@pytest.mark.parametrize("action", WORK_ACTIONS, ids=str)
@pytest.mark.parametrize("other", ["bob", "staff"])
def test_other_people_are_refused_on_a_work_they_can_read(request, alice, action, other):
    work = alices_work(alice)

    response = action.do(client_for(request.getfixturevalue(other)), work)

    assertContains(response, "you don't have permission to do that", status_code=403)
    assert Work.objects.get(pk=work.pk).chapter_count == 2


@pytest.mark.parametrize("action", WORK_ACTIONS, ids=str)
@pytest.mark.parametrize("state", [{"posted": False}, {"hidden": True}], ids=["draft", "hidden"])
def test_other_people_find_nothing_on_a_work_they_cannot_see(alice, bob, action, state):
    work = alices_work(alice, **state)

    response = action.do(client_for(bob), work)

    assertContains(response, "we couldn't find that page", status_code=404)
    assertNotContains(response, TITLE, status_code=404)


@pytest.mark.parametrize("action", WORK_ACTIONS, ids=str)
def test_the_creator_may(alice, action):
    work = alices_work(alice)

    response = action.do(client_for(alice), work)

    if action.creator_sees:
        assertContains(response, action.creator_sees)
    else:
        assertRedirects(response, action.creator_sent_to(work), fetch_redirect_response=False)


@pytest.mark.parametrize("action", POST_ONLY, ids=str)
def test_post_only_actions_refuse_a_plain_visit(alice, action):
    work = alices_work(alice, posted=False)

    response = client_for(alice).get(action.path(work))

    assert response.status_code == 405
    assert not Work.objects.get(pk=work.pk).posted


def test_an_edit_posted_by_someone_else_changes_nothing(alice, bob):
    work = alices_work(alice)

    response = client_for(bob).post(f"/works/{work.pk}/edit/", work_form(work, title="Mine now"))

    assert response.status_code == 403
    assertContains(client_for(None).get(f"/works/{work.pk}/"), TITLE)


def test_a_chapter_posted_by_someone_else_is_not_added(alice, bob):
    work = alices_work(alice)

    response = client_for(bob).post(
        f"/works/{work.pk}/chapters/new/", {"text": "Bob was here, uninvited, all along."}
    )

    assert response.status_code == 403
    assert "Bob was here" not in entire_work(client_for(None), work)


# -- the signed-in user's own pages -----------------------------------------------------------


@pytest.fixture
def alices_pen_name(alice) -> Pseud:
    return Pseud.objects.create(user=alice, name="Harbourmaster")


ACCOUNT_PAGES = [
    ("dashboard", lambda pseud: "/account/", "Hi, alice!"),
    ("preferences", lambda pseud: "/account/preferences/", "Show me adult content"),
    ("pseuds", lambda pseud: "/account/pseuds/", "Your pseuds"),
    ("new pseud", lambda pseud: "/account/pseuds/new/", "New Pseud"),
    ("edit pseud", lambda pseud: f"/account/pseuds/{pseud.pk}/edit/", "Edit Harbourmaster"),
    ("delete pseud", lambda pseud: f"/account/pseuds/{pseud.pk}/delete/", "Delete Harbourmaster?"),
]


@pytest.mark.parametrize(("name", "path", "text"), ACCOUNT_PAGES, ids=[p[0] for p in ACCOUNT_PAGES])
def test_guests_are_sent_to_log_in_for_account_pages(alices_pen_name, name, path, text):
    response = client_for(None).get(path(alices_pen_name))

    assertRedirects(response, login_url(path(alices_pen_name)), fetch_redirect_response=False)


@pytest.mark.parametrize(("name", "path", "text"), ACCOUNT_PAGES, ids=[p[0] for p in ACCOUNT_PAGES])
def test_a_signed_in_user_sees_her_own_account_pages(alice, alices_pen_name, name, path, text):
    response = client_for(alice).get(path(alices_pen_name))

    assertContains(response, text)


@pytest.mark.parametrize("page", ["edit", "delete"])
def test_nobody_else_can_open_her_pseud(bob, alices_pen_name, page):
    response = client_for(bob).get(f"/account/pseuds/{alices_pen_name.pk}/{page}/")

    assert response.status_code == 404


def test_nobody_else_can_delete_her_pseud(bob, alices_pen_name):
    response = client_for(bob).post(f"/account/pseuds/{alices_pen_name.pk}/delete/")

    assert response.status_code == 404
    assert Pseud.objects.filter(pk=alices_pen_name.pk).exists()


def test_the_default_pseud_cannot_be_deleted(alice):
    response = client_for(alice).post(
        f"/account/pseuds/{alice.default_pseud.pk}/delete/", follow=True
    )

    assertContains(response, escape("You can't delete your default pseud."))
    assert alice.pseuds.filter(is_default=True).exists()


# -- invitations ------------------------------------------------------------------------------


def work_form(work: Work, **changes) -> dict:
    """What the Edit Work form sends back when the creator changes only `changes`."""
    data = {
        "title": work.title,
        "language": work.language,
        "published_on": work.published_on.isoformat(),
        "comment_permission": work.comment_permission,
        "creators": [p.pk for p in work.creator_pseuds],
        "rating": fixed("General Audiences").pk,
        "warnings": [fixed("No Archive Warnings Apply").pk],
        "fandoms": FANDOM,
        "expected_chapters": work.expected_label,
        "post": "1",
    }
    return data | changes


@pytest.fixture
def invited_work(alice, carol) -> Work:
    """Alice's work to which she has invited carol, through the Edit Work form."""
    work = alices_work(alice)
    response = client_for(alice).post(
        f"/works/{work.pk}/edit/", work_form(work, co_creators="carol")
    )
    assertRedirects(response, f"/works/{work.pk}/", fetch_redirect_response=False)
    return work


def byline(work: Work) -> str:
    page = client_for(None).get(f"/works/{work.pk}/").content.decode()
    return page.split('<p class="byline">', 1)[1].split("</p>", 1)[0]


def invitation_path(carol) -> str:
    return f"/invitations/{Creatorship.objects.get(pseud__user=carol).pk}/"


def test_an_invited_co_creator_is_not_in_the_byline_until_she_accepts(invited_work):
    assert ">alice</a>" in byline(invited_work)
    assert "carol" not in byline(invited_work)


def test_the_invitation_waits_on_her_dashboard(carol, invited_work):
    response = client_for(carol).get("/account/")

    assertContains(response, f"You were invited to be listed as carol on <em>{TITLE}</em>.")
    assertContains(response, "Accept")
    assertContains(response, "Decline")


def test_accepting_puts_her_in_the_byline(carol, invited_work):
    response = client_for(carol).post(invitation_path(carol), {"answer": "accept"}, follow=True)

    assertContains(response, "You are now listed as a co-creator.")
    assertNotContains(response, "You were invited")
    assert ">alice</a>, <a" in byline(invited_work)
    assert ">carol</a>" in byline(invited_work)


def test_declining_removes_the_invitation(carol, invited_work):
    response = client_for(carol).post(invitation_path(carol), {"answer": "decline"}, follow=True)

    assertContains(response, "Invitation declined.")
    assertNotContains(response, "You were invited")
    assert "carol" not in byline(invited_work)
    assert not Creatorship.objects.filter(pseud__user=carol).exists()


def test_an_invited_co_creator_cannot_edit_before_accepting(carol, invited_work):
    response = client_for(carol).get(f"/works/{invited_work.pk}/edit/")

    assert response.status_code == 403


def test_an_accepted_co_creator_can_edit(carol, invited_work):
    client_for(carol).post(invitation_path(carol), {"answer": "accept"})

    response = client_for(carol).get(f"/works/{invited_work.pk}/edit/")

    assertContains(response, "Edit Work")


def test_only_the_invited_user_can_answer_an_invitation(bob, carol, invited_work):
    response = client_for(bob).post(invitation_path(carol), {"answer": "accept"})

    assert response.status_code == 404
    assert "bob" not in byline(invited_work)


def test_a_guest_answering_an_invitation_is_sent_to_log_in(carol, invited_work):
    path = invitation_path(carol)

    response = client_for(None).post(path, {"answer": "accept"})

    assertRedirects(response, login_url(path), fetch_redirect_response=False)


def test_an_invitation_cannot_be_answered_with_a_plain_visit(carol, invited_work):
    response = client_for(carol).get(invitation_path(carol))

    assert response.status_code == 405


# -- what the owner-only pages do --------------------------------------------------------------


def entire_work(client, work: Work) -> str:
    return client.get(f"/works/{work.pk}/?view_full_work=true").content.decode()


def test_deleting_a_chapter_renumbers_the_ones_after_it(alice):
    work = alices_work(alice, chapters=TEXTS)
    middle, last = work.chapters.all()[1:]

    client_for(alice).post(f"/works/{work.pk}/chapters/{middle.pk}/delete/")

    index = client_for(alice).get(f"/works/{work.pk}/navigate/")
    assertContains(index, f'<a href="/works/{work.pk}/chapters/{last.pk}/">2. Chapter 2</a>')
    assertNotContains(index, "3. Chapter 3")
    page = entire_work(client_for(alice), work)
    assert TEXTS[1] not in page
    assert '<dd class="chapters">2/?</dd>' in page


def test_the_last_chapter_cannot_be_deleted(alice):
    work = alices_work(alice, chapters=TEXTS[:1])
    only = work.chapters.get()

    response = client_for(alice).post(f"/works/{work.pk}/chapters/{only.pk}/delete/", follow=True)

    assertContains(response, "A work needs at least one chapter; delete the work instead.")
    assertContains(response, TEXTS[0])
    assert Chapter.objects.filter(pk=only.pk).exists()


def test_reordering_chapters_changes_the_reading_order(alice):
    work = alices_work(alice)
    first, second = work.chapters.all()

    response = client_for(alice).post(
        f"/works/{work.pk}/chapters/order/",
        {f"position_{first.pk}": 2, f"position_{second.pk}": 1},
        follow=True,
    )

    assertContains(response, "Chapter order has been successfully updated.")
    assertContains(response, f'<a href="/works/{work.pk}/chapters/{second.pk}/">1. Chapter 1</a>')
    page = entire_work(client_for(alice), work)
    assert page.index(TEXTS[1]) < page.index(TEXTS[0])


def test_marking_complete_sets_the_expected_chapters_to_those_posted(alice):
    work = alices_work(alice)

    response = client_for(alice).post(f"/works/{work.pk}/complete/", follow=True)

    assertContains(response, "The work is marked complete.")
    assertContains(response, '<dd class="chapters">2/2</dd>')
    assertContains(response, "<dt>Completed:</dt>")
    assertNotContains(response, "Mark Complete")


def test_posting_a_draft_makes_it_visible_to_others(alice, bob):
    work = alices_work(alice, posted=False)
    assert client_for(bob).get(f"/works/{work.pk}/").status_code == 404

    response = client_for(alice).post(f"/works/{work.pk}/post/", follow=True)

    assertContains(response, "Work was successfully posted.")
    assertContains(client_for(bob).get(f"/works/{work.pk}/"), TEXTS[0])
    assertContains(client_for(bob).get("/works/"), TITLE)


def test_deleting_a_work_removes_it_and_the_series_it_leaves_empty(alice, bob):
    work = alices_work(alice)
    series = the_series()

    response = client_for(alice).post(f"/works/{work.pk}/delete/", follow=True)

    assertContains(response, f"Your work {TITLE} was deleted.")
    assertContains(response, "No works yet.")
    assert client_for(alice).get(f"/works/{work.pk}/").status_code == 404
    assert client_for(alice).get(f"/series/{series.pk}/").status_code == 404


def test_deleting_one_work_of_a_series_keeps_the_series(alice):
    work = alices_work(alice)
    series = the_series()
    make_work(alice, "High Water", series=series)

    client_for(alice).post(f"/works/{work.pk}/delete/")

    response = client_for(alice).get(f"/series/{series.pk}/")
    assertContains(response, "High Water")
    assertNotContains(response, TITLE)


def test_staff_can_hide_a_work_from_readers_in_the_admin(alice, bob, staff):
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_work", "change_work"])
    )
    work = alices_work(alice)

    response = client_for(staff).post(
        "/admin/works/work/",
        {"action": "hide", "_selected_action": [work.pk], "index": 0},
        follow=True,
    )

    assertContains(response, "1 works hidden.")
    assert client_for(bob).get(f"/works/{work.pk}/").status_code == 404
    assertContains(client_for(bob).get("/works/"), "No works yet.")
    assertContains(
        client_for(alice).get(f"/works/{work.pk}/"), "This work has been hidden by staff."
    )
