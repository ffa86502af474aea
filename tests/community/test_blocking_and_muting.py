"""Blocking stops feedback from the blocked user; muting makes their comments vanish."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ficarchive.accounts import muting
from ficarchive.accounts.models import User
from ficarchive.community.models import BLOCK_LIMIT, Block, Comment
from ficarchive.community.services import blocking, comments
from ficarchive.community.services.comments import CommentInput
from tests.community.conftest import page_text
from tests.conftest import client_for, make_work


def comment_on(work, user, body, parent=None):
    return comments.post_comment(work.chapters.first(), user, CommentInput(body=body), parent)


def test_a_blocked_user_cannot_comment_and_is_told_politely(alice, bob):
    work = make_work(alice)
    client_for(alice).post("/account/blocked/", {"username": "bob", "block": "1"})
    page = page_text(client_for(bob).get(f"/works/{work.pk}/"))
    assert "Sorry, you have been blocked by one or more of this work's creators." in page
    chapter = work.chapters.first()
    client_for(bob).post(f"/works/{work.pk}/chapters/{chapter.pk}/comments/", {"body": "Hello."})
    assert not Comment.objects.exists()


def test_a_blocked_user_cannot_reply_to_the_blockers_comments_elsewhere(alice, bob, carol):
    carols_work = make_work(carol, "Carol's Harbour")
    alices_comment = comment_on(carols_work, alice, "A thought from alice.")
    blocking.block(alice, bob)
    response = client_for(bob).post(
        f"/comments/{alices_comment.pk}/reply/", {"body": "A reply."}, follow=True
    )
    assert "blocked by the person who wrote this comment" in page_text(response)
    assert Comment.objects.count() == 1
    comment_on(carols_work, bob, "A top-level comment is still fine.")


def test_the_block_list_refuses_self_and_has_a_limit(alice, bob):
    with pytest.raises(ValidationError, match="You can't block yourself"):
        blocking.block(alice, alice)
    others = User.objects.bulk_create(
        [User(username=f"reader{n}", email=f"reader{n}@example.com") for n in range(BLOCK_LIMIT)]
    )
    Block.objects.bulk_create([Block(blocker=alice, blocked=other) for other in others])
    with pytest.raises(ValidationError, match="You can block at most 2,000 users"):
        blocking.block(alice, bob)
    assert not Block.objects.filter(blocked=bob).exists()


def test_unblocking_restores_kudos(alice, bob):
    work = make_work(alice)
    blocking.block(alice, bob)
    client_for(alice).post("/account/blocked/", {"unblock": bob.pk})
    client_for(bob).post(f"/works/{work.pk}/kudos/")
    assert work.kudos.filter(user=bob).exists()


def test_comments_by_a_muted_user_vanish_for_the_muter_only(alice, bob, carol):
    work = make_work(alice)
    muted = comment_on(work, bob, "A comment carol would rather not see.")
    comment_on(work, alice, "A reply under it.", muted)
    muting.mute_user(carol, bob)
    assert "rather not see" not in page_text(client_for(carol).get(f"/works/{work.pk}/"))
    assert "rather not see" in page_text(client_for(None).get(f"/works/{work.pk}/"))
    assert client_for(carol).get(f"/comments/{muted.pk}/").status_code == 404


def test_a_blocked_reader_cannot_edit_their_earlier_comments(alice, bob):
    work = make_work(alice)
    comment = comments.post_comment(work.chapters.first(), bob, CommentInput(body="Kind words."))
    blocking.block(alice, bob)
    response = client_for(bob).post(f"/comments/{comment.pk}/edit/", {"body": "Edited after."})
    assert "you have been blocked by one or more of this work's creators" in page_text(response)
    assert "Edited after." not in Comment.objects.get(pk=comment.pk).body
