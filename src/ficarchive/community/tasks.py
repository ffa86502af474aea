"""Background work for the community: hits, e-mail, deliveries and digests.

A failed task is tried again later (ficarchive/tasks.py); each says why that is safe."""

from __future__ import annotations

from django.core.mail import EmailMessage

from ficarchive.accounts.models import User
from ficarchive.community.models import Comment
from ficarchive.community.services import hits, notify, subscriptions
from ficarchive.tasks import task


@task()
def flush_hits() -> int:
    """Write buffered hits. Retry-safe: a failed flush gives the hits back to the buffer."""
    return hits.flush()


@task()
def email_comment(comment_id: int, user_ids: list[int]) -> int:
    """E-mail a comment to those of `user_ids` whose preferences ask for it and who may
    still see it now (the visibility rule is checked again at send time). A retry after a
    partial send may send someone a second copy: better than a notice that never comes."""
    comment = Comment.objects.select_related("work", "chapter", "pseud__user", "user").filter(
        pk=comment_id, deleted=False
    )
    comment = comment.first()
    if comment is None:
        return 0
    subject, body = notify.comment_email(comment)
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        if notify.may_hear_of(comment, user) and notify.wants_comment_emails(user):
            EmailMessage(subject=subject, body=body, to=[user.email]).send()
            sent += 1
    return sent


@task()
def deliver_new_chapter(chapter_id: int) -> int:
    """Retry-safe: the inbox items are written in one statement, or not at all."""
    return subscriptions.deliver_new_chapter(chapter_id)


@task()
def deliver_new_work(work_id: int) -> int:
    """Retry-safe: the inbox items are written in one statement, or not at all."""
    return subscriptions.deliver_new_work(work_id)


@task()
def deliver_saved_searches() -> int:
    """Retry-safe: works a person was already told of are skipped."""
    return subscriptions.deliver_saved_searches()


@task()
def send_digests() -> int:
    """Retry-safe: each person's items are marked as sent right after their e-mail goes."""
    return subscriptions.send_digests()
