"""Bookmarks: notes and own tags, private and rec, lists with filters, honest counts."""

from __future__ import annotations

from ficarchive.accounts import muting
from ficarchive.community.models import Bookmark
from ficarchive.works.models import Series, Work
from tests.community.conftest import page_text
from tests.conftest import client_for, make_work


def bookmark(client, work, **fields):
    data = {"notes": "", "tags": "", **fields}
    return client.post(f"/works/{work.pk}/bookmark/", data, follow=True)


def count(work) -> int:
    return Work.objects.get(pk=work.pk).bookmarks_count


def test_a_reader_bookmarks_a_work_with_notes_and_tags(alice, bob):
    work = make_work(alice)
    response = bookmark(
        client_for(bob),
        work,
        notes="<em>So calm.</em><script>alert(1)</script>",
        tags="comfort read, Harbours",
        rec="on",
    )
    assert "Bookmark was successfully saved." in page_text(response)
    assert count(work) == 1
    listing = client_for(None).get(f"/works/{work.pk}/bookmarks/").content.decode()
    assert "<em>So calm.</em>" in listing and "<script>" not in listing
    assert "comfort read" in listing and "Harbours" in listing and "Rec" in listing


def test_private_bookmarks_are_seen_only_by_their_owner_and_not_counted(alice, bob, carol):
    work = make_work(alice)
    bookmark(client_for(bob), work, notes="Just for me.", private="on")
    assert count(work) == 0
    assert "Just for me." not in page_text(client_for(carol).get(f"/works/{work.pk}/bookmarks/"))
    assert "Just for me." not in page_text(client_for(None).get("/users/bob/bookmarks/"))
    assert "Just for me." in page_text(client_for(bob).get("/users/bob/bookmarks/"))


def test_editing_a_bookmark_keeps_the_count_true(alice, bob):
    work = make_work(alice)
    bookmark(client_for(bob), work, notes="First take.")
    bookmark(client_for(bob), work, notes="Second take.")
    assert count(work) == 1 and Bookmark.objects.count() == 1
    bookmark(client_for(bob), work, notes="Now private.", private="on")
    assert count(work) == 0
    bookmark(client_for(bob), work, notes="Public again.")
    assert count(work) == 1
    mark = Bookmark.objects.get()
    client_for(bob).post(f"/bookmarks/{mark.pk}/delete/")
    assert count(work) == 0 and not Bookmark.objects.exists()


def test_over_long_notes_are_refused_and_nothing_is_saved(alice, bob):
    work = make_work(alice)
    response = bookmark(client_for(bob), work, notes="x" * 5001)
    assert "Bookmark notes can be at most 5,000 characters long." in page_text(response)
    assert not Bookmark.objects.exists() and count(work) == 0


def test_a_user_filters_their_bookmarks(alice, bob):
    calm = make_work(alice, "Calm Waters")
    storm = make_work(alice, "Storm Season")
    bookmark(client_for(bob), calm, tags="comfort read", rec="on")
    bookmark(client_for(bob), storm, tags="tense")
    series = Series.objects.create(title="Harbour Tales")
    series.creators.add(alice.default_pseud)
    make_work(alice, "Part One", series=series)
    client_for(bob).post(f"/series/{series.pk}/bookmark/", {"notes": "All of it.", "tags": ""})

    def shown(query: str) -> str:
        return page_text(client_for(None).get(f"/users/bob/bookmarks/?{query}"))

    assert "Calm Waters" in shown("tag=Comfort+Read") and "Storm Season" not in shown(
        "tag=comfort+read"
    )
    assert "Calm Waters" in shown("rec=on") and "Storm Season" not in shown("rec=on")
    assert "Harbour Tales" in shown("kind=series") and "Calm Waters" not in shown("kind=series")
    assert "Storm Season" in shown("q=storm") and "Calm Waters" not in shown("q=storm")


def test_bookmarks_of_works_a_visitor_cannot_see_are_left_out(alice, bob):
    open_work = make_work(alice, "Open Book")
    members_only = make_work(alice, "Members Only", restricted=True)
    later_hidden = make_work(alice, "Later Hidden")
    for work in (open_work, members_only, later_hidden):
        bookmark(client_for(bob), work)
    Work.objects.filter(pk=later_hidden.pk).update(hidden_by_admin=True)
    guest = page_text(client_for(None).get("/users/bob/bookmarks/"))
    assert "Open Book" in guest and "Members Only" not in guest and "Later Hidden" not in guest
    owner = page_text(client_for(bob).get("/users/bob/bookmarks/"))
    assert "Members Only" in owner and "Later Hidden" not in owner


def test_bookmarks_by_a_muted_user_vanish_for_the_muter(alice, bob, carol):
    work = make_work(alice)
    bookmark(client_for(bob), work, notes="Wonderful harbour scenes.")
    muting.mute_user(carol, bob)
    assert "Wonderful harbour scenes." not in page_text(
        client_for(carol).get(f"/works/{work.pk}/bookmarks/")
    )
    assert "Wonderful harbour scenes." in page_text(
        client_for(alice).get(f"/works/{work.pk}/bookmarks/")
    )


def test_guests_cannot_bookmark(alice):
    work = make_work(alice)
    response = client_for(None).post(f"/works/{work.pk}/bookmark/", {"notes": "Hi"})
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert not Bookmark.objects.exists()
