"""Lists cost a fixed number of queries, however many items they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ficarchive.community.services import bookmarks, comments, subscriptions
from ficarchive.community.services.bookmarks import BookmarkInput
from ficarchive.community.services.comments import CommentInput
from tests.conftest import client_for, make_work


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/users/bob/bookmarks/", "/account/inbox/", "/account/subscriptions/"]
)
def test_lists_do_not_grow_in_queries(alice, bob, carol, url):
    def add(n: int) -> None:
        work = make_work(carol, f"Harbour {n}")
        bookmarks.save_bookmark(bob, work, BookmarkInput(notes="Fine.", tags=["calm", "sea"]))
        subscriptions.subscribe(bob, work)
        own = make_work(bob, f"Bob's Harbour {n}")
        comments.post_comment(own.chapters.first(), alice, CommentInput(body="Lovely."))

    add(0)
    client = client_for(bob)
    one = queries(client, url)
    for n in range(1, 6):
        add(n)
    assert queries(client, url) <= one
