"""Every community page opens for the person it is for, with its heading."""

from __future__ import annotations

import pytest

from ficarchive.community.models import Report
from ficarchive.community.services import bookmarks, comments, moderation
from ficarchive.community.services.bookmarks import BookmarkInput
from ficarchive.community.services.comments import CommentInput
from tests.community.conftest import page_text
from tests.conftest import client_for, make_work


@pytest.fixture
def scene(alice, bob, staff):
    work = make_work(alice, series="Harbour Tales")
    comment = comments.post_comment(work.chapters.first(), bob, CommentInput(body="Lovely."))
    bookmarks.save_bookmark(bob, work, BookmarkInput(notes="Calm."))
    moderation.file_report(bob, "Copied text.", work=work)
    return {
        "work": work.pk,
        "comment": comment.pk,
        "series": work.series_memberships.get().series_id,
        "report": Report.objects.get().pk,
    }


PAGES = [
    ("bob", "/comments/{comment}/", "Comment on A Quiet Harbour"),
    ("bob", "/comments/{comment}/reply/", "Reply to bob on A Quiet Harbour"),
    ("bob", "/comments/{comment}/edit/", "Edit your comment on A Quiet Harbour"),
    ("bob", "/comments/{comment}/delete/", "Delete this comment?"),
    ("bob", "/works/{work}/bookmark/", "Edit your bookmark of A Quiet Harbour"),
    ("bob", "/series/{series}/bookmark/", "Bookmark Harbour Tales"),
    (None, "/works/{work}/bookmarks/", "Bookmarks of A Quiet Harbour"),
    (None, "/users/bob/bookmarks/", "Bookmarks by bob (1)"),
    ("bob", "/account/subscriptions/", "Subscriptions"),
    ("bob", "/account/history/", "History"),
    ("alice", "/account/inbox/", "Inbox"),
    ("bob", "/account/community/", "Comment, history and e-mail preferences"),
    ("alice", "/account/blocked/", "Blocked users"),
    ("bob", "/report/works/{work}/", "Report the work “A Quiet Harbour”"),
    ("bob", "/report/comments/{comment}/", "Report a comment"),
    ("bob", "/report/users/alice/", "Report the user alice"),
    ("staffer", "/staff/reports/", "Open reports (1)"),
    ("staffer", "/staff/reports/{report}/", "Report about the work “A Quiet Harbour”"),
    ("alice", "/users/alice/stats/", "Statistics for alice"),
    ("alice", "/works/{work}/orphan/", "Orphan A Quiet Harbour"),
    ("alice", "/account/", "Statistics"),
]


@pytest.mark.parametrize(("who", "url", "heading"), PAGES)
def test_page_opens(scene, alice, bob, staff, who, url, heading):
    people = {"alice": alice, "bob": bob, "staffer": staff, None: None}
    response = client_for(people[who]).get(url.format(**scene))
    assert response.status_code == 200
    assert heading in page_text(response)
