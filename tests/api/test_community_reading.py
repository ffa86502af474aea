"""Reading bookmarks and comments through the API: exactly what the site's pages show the
same viewer (private bookmarks, muting, hidden and deleted comments, moderation)."""

from __future__ import annotations

import re

import pytest

from ficarchive.accounts import muting
from ficarchive.community.services import comments
from ficarchive.community.services.bookmarks import BookmarkInput, save_bookmark
from ficarchive.community.services.comments import CommentInput
from tests.api.conftest import bearer
from tests.conftest import client_for, make_work

pytestmark = pytest.mark.django_db

HIDDEN_TEXT = "A remark the creator hid from readers."
HIDDEN_PLACEHOLDER = "(This comment has been hidden by the work's creator.)"
DELETED = "(Previous comment deleted.)"


def mark(user, work, notes="", private=False) -> None:
    save_bookmark(user, work, BookmarkInput(notes=notes, private=private, tags=["cosy"]))


def write(chapter, user, body, parent=None):
    return comments.post_comment(chapter, user, CommentInput(body=body), parent)


def plain(html: str | None) -> str | None:
    """Notes and comments come back as sanitised HTML; the words, for comparing."""
    return None if html is None else re.sub(r"<[^>]+>", "", html)


def noted(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [plain(b["notes"]) for b in response.json()["results"]]


def site_ids(user, url) -> list[int]:
    """The bookmark ids the site's own page lists for `user`."""
    return [b.pk for b in client_for(user).get(url).context["page"].object_list]


# -- bookmarks ------------------------------------------------------------------------------


def test_a_works_public_bookmarks(api, archive, alice, bob, carol):
    work = archive["public"]
    mark(bob, work, "Bob loves it.")
    mark(carol, work, "Carol keeps it to herself.", private=True)
    data = api.get(f"/api/v1/works/{work.pk}/bookmarks").json()
    assert data["count"] == 1 and data["count_is_limit"] is False
    (only,) = data["results"]
    assert plain(only["notes"]) == "Bob loves it." and only["username"] == "bob"
    assert only["tags"] == ["cosy"] and only["work"]["title"] == "Open Harbour"
    # Not even its owner sees a private bookmark among the work's public ones (as the site).
    assert noted(api.get(f"/api/v1/works/{work.pk}/bookmarks", headers=bearer(carol))) == [
        "Bob loves it."
    ]


def test_work_bookmarks_keep_to_the_works_visibility(api, archive, alice, bob):
    for kind in ["restricted", "draft", "hidden"]:
        mark(alice, archive[kind], f"Alice on {kind}.")
    restricted = archive["restricted"].pk
    assert api.get(f"/api/v1/works/{restricted}/bookmarks").status_code == 401
    member = api.get(f"/api/v1/works/{restricted}/bookmarks", headers=bearer(bob))
    assert noted(member) == ["Alice on restricted."]
    for kind in ["draft", "hidden"]:
        url = f"/api/v1/works/{archive[kind].pk}/bookmarks"
        for headers in [{}, bearer(bob)]:
            response = api.get(url, headers=headers)
            assert response.status_code == 404
            assert f"Alice on {kind}." not in response.content.decode()


def test_a_users_bookmarks_private_ones_only_to_them(api, archive, alice, bob):
    mark(bob, archive["public"], "Public note.")
    mark(bob, archive["restricted"], "Members note.")
    mark(bob, make_work(alice, "Quiet Cove"), "Private note.", private=True)
    url = "/api/v1/users/bob/bookmarks"
    assert set(noted(api.get(url))) == {"Public note."}
    assert set(noted(api.get(url, headers=bearer(alice)))) == {"Public note.", "Members note."}
    mine = api.get(url, headers=bearer(bob)).json()["results"]
    assert {plain(b["notes"]): b["private"] for b in mine} == {
        "Public note.": False, "Members note.": False, "Private note.": True,
    }  # fmt: skip
    assert api.get("/api/v1/users/nobody-here/bookmarks").status_code == 404


def test_bookmarks_of_works_others_may_not_see_never_show(api, archive, alice, bob):
    for kind in ["draft", "hidden"]:
        mark(alice, archive[kind], f"Alice on {kind}.")
    for headers in [{}, bearer(bob)]:
        body = api.get("/api/v1/users/alice/bookmarks", headers=headers).content.decode()
        assert "Alice on" not in body and "Unfinished Draft Tide" not in body
        assert "Hidden Reef Story" not in body


def test_series_bookmarks_and_muted_users(api, archive, alice, bob, carol):
    series = archive["public"].series_memberships.get().series
    save_bookmark(carol, series, BookmarkInput(notes="The whole series."))
    mark(carol, archive["public"], "Carol on the harbour.")
    listed = api.get("/api/v1/users/carol/bookmarks").json()["results"]
    by_notes = {plain(b["notes"]): b for b in listed}
    assert by_notes["The whole series."]["series"]["title"] == "Harbour Tales"
    assert by_notes["The whole series."]["work"] is None
    muting.mute_user(bob, carol)
    assert noted(api.get("/api/v1/users/carol/bookmarks", headers=bearer(bob))) == []
    work_url = f"/api/v1/works/{archive['public'].pk}/bookmarks"
    assert noted(api.get(work_url, headers=bearer(bob))) == []
    assert noted(api.get(work_url)) == ["Carol on the harbour."]


def test_bookmarks_are_the_sites_pages_bookmarks(api, archive, alice, bob, carol):
    work = archive["public"]
    mark(alice, work, "Alice's own.")
    mark(bob, work, "Bob's.")
    mark(carol, work, "Carol's private.", private=True)
    mark(carol, archive["restricted"], "Carol on members.")
    muting.mute_user(bob, alice)
    for viewer in [None, alice, bob, carol]:
        headers = bearer(viewer) if viewer else {}
        for page, path in [
            (f"/works/{work.pk}/bookmarks/", f"/api/v1/works/{work.pk}/bookmarks"),
            ("/users/carol/bookmarks/", "/api/v1/users/carol/bookmarks"),
        ]:
            got = [b["id"] for b in api.get(path, headers=headers).json()["results"]]
            assert got == site_ids(viewer, page), (viewer, path)


def test_bookmark_cursors_walk_every_page_once(api, alice, bob):
    for n in range(5):
        mark(bob, make_work(alice, f"Cove {n}"), f"Note {n}")
    seen, url = [], "/api/v1/users/bob/bookmarks?limit=2"
    while url:
        page = api.get(url).json()
        assert page["count"] == 5
        seen += [plain(b["notes"]) for b in page["results"]]
        url = page["next"]
    assert sorted(seen) == [f"Note {n}" for n in range(5)] and len(set(seen)) == 5


# -- comments -------------------------------------------------------------------------------


@pytest.fixture
def talk(alice, bob, carol):
    """A two-chapter work: a plain thread, a hidden comment, a deleted one with a reply."""
    work = make_work(alice, "Talking Tides", chapters=("First tide.", "Second tide."))
    first, second = work.chapters.order_by("position")
    plain = write(first, bob, "Lovely opening.")
    write(first, alice, "Thank you!", parent=plain)
    hidden = write(first, carol, HIDDEN_TEXT)
    comments.set_hidden(hidden, alice, True)
    gone = write(second, bob, "Something I regret.")
    write(second, carol, "A reply that stays.", parent=gone)
    comments.delete_comment(gone, bob)
    return {"work": work, "first": first, "second": second}


def bodies(nodes) -> list:
    found = []
    for node in nodes:
        found.append(node["placeholder"] or plain(node["body"]))
        found += bodies(node["replies"])
    return found


def test_chapter_threads_as_the_site_shows_them(api, talk):
    work, first = talk["work"], talk["first"]
    data = api.get(f"/api/v1/works/{work.pk}/chapters/{first.pk}/comments").json()
    assert data["count"] == 2
    opening, hidden = data["results"]
    assert plain(opening["body"]) == "Lovely opening." and opening["author"] == "bob"
    assert plain(opening["replies"][0]["body"]) == "Thank you!"
    assert opening["replies"][0]["parent_id"] == opening["id"]
    assert hidden["placeholder"] == HIDDEN_PLACEHOLDER and hidden["body"] is None
    assert hidden["author"] is None and hidden["username"] is None


def test_hidden_comment_text_never_reaches_readers(api, talk, bob):
    work = talk["work"]
    for headers in [{}, bearer(bob)]:
        for url in [f"/api/v1/works/{work.pk}/comments",
                    f"/api/v1/works/{work.pk}/chapters/{talk['first'].pk}/comments"]:  # fmt: skip
            body = api.get(url, headers=headers).content.decode()
            assert HIDDEN_TEXT not in body and "hidden by the work" in body


def test_the_writer_and_the_creator_still_read_a_hidden_comment(api, talk, alice, carol):
    url = f"/api/v1/works/{talk['work'].pk}/comments"
    for who in [alice, carol]:
        found = bodies(api.get(url, headers=bearer(who)).json()["results"])
        assert HIDDEN_TEXT in found and HIDDEN_PLACEHOLDER not in found


def test_whole_work_threads_with_a_deleted_placeholder(api, talk):
    data = api.get(f"/api/v1/works/{talk['work'].pk}/comments").json()
    assert data["count"] == 3
    assert bodies(data["results"]) == [
        "Lovely opening.", "Thank you!", HIDDEN_PLACEHOLDER, DELETED, "A reply that stays.",
    ]  # fmt: skip
    deleted = data["results"][2]
    assert deleted["chapter_id"] == talk["second"].pk and deleted["body"] is None
    assert "Something I regret." not in str(data)


def test_unapproved_comments_show_only_to_moderators_and_their_writer(api, alice, bob, carol):
    work = make_work(alice, "Moderated Bay")
    comments.set_moderation(work, alice, True)
    write(work.chapters.first(), bob, "Waiting for approval.")
    url = f"/api/v1/works/{work.pk}/comments"
    assert api.get(url).json()["results"] == []
    assert api.get(url, headers=bearer(carol)).json()["results"] == []
    for who in [alice, bob]:
        (waiting,) = api.get(url, headers=bearer(who)).json()["results"]
        assert plain(waiting["body"]) == "Waiting for approval." and waiting["approved"] is False


def test_comments_by_muted_users_are_left_out(api, talk, alice, bob, carol):
    muting.mute_user(alice, bob)
    url = f"/api/v1/works/{talk['work'].pk}/comments"
    assert "Lovely opening." not in bodies(api.get(url, headers=bearer(alice)).json()["results"])
    assert "Lovely opening." in bodies(api.get(url, headers=bearer(carol)).json()["results"])


def test_comments_keep_to_the_works_visibility(api, archive, alice, bob):
    for kind in ["restricted", "draft", "hidden"]:
        work = archive[kind]
        chapter = work.chapters.first()
        urls = [f"/api/v1/works/{work.pk}/comments",
                f"/api/v1/works/{work.pk}/chapters/{chapter.pk}/comments"]  # fmt: skip
        for url in urls:
            if kind == "restricted":
                assert api.get(url).status_code == 401
                assert api.get(url, headers=bearer(bob)).status_code == 200
            else:
                assert api.get(url).status_code == 404
                assert api.get(url, headers=bearer(bob)).status_code == 404
            assert api.get(url, headers=bearer(alice)).status_code == 200
    other = archive["public"].chapters.first()
    wrong = f"/api/v1/works/{archive['restricted'].pk}/chapters/{other.pk}/comments"
    assert api.get(wrong, headers=bearer(bob)).status_code == 404


def test_threads_are_the_sites_threads(api, talk, alice, bob, carol):
    """Node for node, with the same placeholders, as the chapter pages show each viewer."""
    muting.mute_user(carol, bob)

    def site(nodes) -> list:
        return [(n.comment.pk, n.placeholder or None, site(n.replies)) for n in nodes]

    def ours(nodes) -> list:
        return [(n["id"], n["placeholder"], ours(n["replies"])) for n in nodes]

    work = talk["work"]
    for viewer in [None, alice, bob, carol]:
        for chapter in [talk["first"], talk["second"]]:
            page = client_for(viewer).get(f"/works/{work.pk}/chapters/{chapter.pk}/")
            path = f"/api/v1/works/{work.pk}/chapters/{chapter.pk}/comments"
            got = api.get(path, headers=bearer(viewer) if viewer else {}).json()["results"]
            assert ours(got) == site(page.context["threads"]), (viewer, chapter)


def test_comment_cursors_walk_every_thread_once(api, alice, bob):
    work = make_work(alice, "Busy Quay")
    for n in range(5):
        write(work.chapters.first(), bob, f"Remark {n}")
    seen, url = [], f"/api/v1/works/{work.pk}/comments?limit=2"
    while url:
        page = api.get(url).json()
        seen += [plain(c["body"]) for c in page["results"]]
        url = page["next"]
    assert seen == [f"Remark {n}" for n in range(5)]


def test_the_openapi_description_has_the_new_endpoints(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/works/{work_id}/bookmarks", "/api/v1/users/{username}/bookmarks",
            "/api/v1/works/{work_id}/comments"} <= set(paths)  # fmt: skip
    assert {"get", "post"} <= set(paths["/api/v1/works/{work_id}/chapters/{chapter_id}/comments"])
