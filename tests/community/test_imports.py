"""Feedback brought in from another archive: dated as it was there, counted, told to nobody,
and refused where the rules would refuse it here."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from ficarchive.community.models import Block, Bookmark, Comment, InboxItem, Subscription
from ficarchive.community.services import subscriptions
from ficarchive.community.services.imports import (
    import_bookmark,
    import_comment,
    import_subscription,
)
from ficarchive.works.models import Chapter, Work
from ficarchive.works.services import save_chapter
from tests.conftest import make_work

OLD = datetime(2006, 3, 2, 12, 30, tzinfo=UTC)


def test_an_imported_comment_keeps_its_date_and_counts(
    alice, bob, django_capture_on_commit_callbacks
):
    work = make_work(alice)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        comment = import_comment(work.chapters.get(), "Lovely!", OLD, user=bob)
    assert queued == []  # no e-mail waiting either
    assert Comment.objects.get(pk=comment.pk).created_at == OLD
    assert comment.pseud == bob.default_pseud and comment.approved
    assert Work.objects.get(pk=work.pk).comments_count == 1
    assert not InboxItem.objects.exists() and mail.outbox == []


def test_a_guest_and_a_reply_are_imported_as_a_thread(alice, django_capture_on_commit_callbacks):
    chapter = make_work(alice).chapters.get()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        wren = import_comment(chapter, "Smiled at the ferry.", OLD, guest_name="  Wren ")
        reply = import_comment(chapter, "Thank you!", OLD, user=alice, parent=wren)
    assert queued == []
    assert (wren.guest_name, wren.user) == ("Wren", None)
    assert (reply.thread_id, reply.depth, reply.parent) == (wren.pk, 1, wren)
    assert Work.objects.get(pk=chapter.work_id).comments_count == 2
    assert not InboxItem.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("draft", "Comments can't be left on drafts."),
        ("blocked", "Sorry, you have been blocked"),
        ("nameless", "needs the guest's name"),
    ],
)
def test_the_rules_refuse_an_imported_comment(alice, bob, change, message):
    work = make_work(alice, posted=change != "draft")
    if change == "blocked":
        Block.objects.create(blocker=alice, blocked=bob)
    user = None if change == "nameless" else bob
    with pytest.raises(ValidationError, match=message):
        import_comment(work.chapters.get(), "Hello.", OLD, user=user)
    assert not Comment.objects.exists()
    assert Work.objects.get(pk=work.pk).comments_count == 0


def test_an_imported_bookmark_is_a_plain_public_one_and_counts(alice, bob):
    work = make_work(alice)
    bookmark, created = import_bookmark(bob, work, "Read it twice.")
    assert created and not bookmark.private and bookmark.notes == "<p>Read it twice.</p>"
    assert Work.objects.get(pk=work.pk).bookmarks_count == 1


def test_an_existing_bookmark_is_left_as_it_is(alice, bob):
    work = make_work(alice)
    import_bookmark(bob, work)
    Bookmark.objects.filter(user=bob).update(notes="<p>Mine.</p>")
    bookmark, created = import_bookmark(bob, work, "Other words.")
    assert not created and bookmark.notes == "<p>Mine.</p>"
    assert Work.objects.get(pk=work.pk).bookmarks_count == 1


def test_nobody_bookmarks_a_work_they_cant_see(alice, bob):
    draft = make_work(alice, posted=False)
    with pytest.raises(ValidationError, match="can't see the work"):
        import_bookmark(bob, draft)
    assert not Bookmark.objects.exists()


def test_an_imported_subscription_is_made_once_and_never_to_oneself(alice, bob):
    subscription, created = import_subscription(bob, alice)
    assert created and subscription.creator == alice
    assert import_subscription(bob, alice) == (subscription, False)
    with pytest.raises(ValidationError, match="yourself"):
        import_subscription(alice, alice)
    assert Subscription.objects.count() == 1


def test_works_posted_while_deliveries_are_held_tell_no_subscriber(
    alice, bob, django_capture_on_commit_callbacks
):
    Subscription.objects.create(user=bob, creator=alice)
    with django_capture_on_commit_callbacks(execute=True), subscriptions.deliveries_held():
        work = make_work(alice)
        save_chapter(Chapter(work=work, text="A second chapter, long after."))
    assert not InboxItem.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        make_work(alice, "Posted afterwards")
    assert InboxItem.objects.filter(user=bob).count() == 1
