"""Telling people: inbox items, and e-mail for those whose preferences ask for it."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from ficarchive.community.models import Comment, InboxItem, Preferences
from ficarchive.community.models.tracking import InboxKind
from ficarchive.community.services.rules import can_moderate
from ficarchive.formats.sanitize import strip_tags
from ficarchive.works.models import Work


def _excerpt(comment: Comment, size: int = 200) -> str:
    text = " ".join(strip_tags(comment.body).split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _chapter_label(comment: Comment) -> str:
    return f" ({comment.chapter.heading})" if comment.work.chapter_count > 1 else ""


def comment_posted(comment: Comment) -> None:
    """The work's creators hear of every comment (even one awaiting their approval); the
    writer of the comment replied to hears of a published reply."""
    work = comment.work
    creators = {pseud.user_id for pseud in work.creator_pseuds} - {comment.user_id}
    waiting = "" if comment.approved else " It is waiting for your approval."
    items = [
        InboxItem(
            user_id=user_id,
            kind=InboxKind.COMMENT,
            work=work,
            comment=comment,
            text=f"{comment.author_name} left a comment on {work.title}"
            f"{_chapter_label(comment)}.{waiting}",
            url=comment.get_absolute_url(),
        )
        for user_id in sorted(creators)
    ]
    InboxItem.objects.bulk_create(items)
    _email_later(comment.pk, sorted(creators))
    if comment.approved:
        comment_approved(comment, already_told=creators)


def comment_approved(comment: Comment, already_told: set[int] | None = None) -> None:
    parent = comment.parent
    if parent is None or parent.user_id is None or parent.user_id == comment.user_id:
        return
    if already_told is None:
        already_told = {pseud.user_id for pseud in comment.work.creator_pseuds}
    if parent.user_id in already_told:
        return
    InboxItem.objects.create(
        user_id=parent.user_id,
        kind=InboxKind.REPLY,
        work=comment.work,
        comment=comment,
        text=f"{comment.author_name} replied to your comment on {comment.work.title}.",
        url=comment.get_absolute_url(),
    )
    _email_later(comment.pk, [parent.user_id])


def _email_later(comment_id: int, user_ids: list[int]) -> None:
    if not user_ids:
        return
    from ficarchive.community.tasks import email_comment

    transaction.on_commit(lambda: email_comment.enqueue(comment_id, user_ids))


def wants_comment_emails(user) -> bool:
    return Preferences.of(user).comment_emails


def may_hear_of(comment: Comment, user) -> bool:
    """Whether `user` may still be told of `comment` when the e-mail goes out: time has
    passed since it was queued, so the work may be hidden, the writer muted, the comment
    hidden. An unapproved comment reaches only those who can approve it."""
    if comment.hidden or comment.deleted:
        return False
    if not comment.approved and not can_moderate(comment.work, user):
        return False
    if comment.user_id is not None and comment.user_id in user.muted_ids()[1]:
        return False
    return Work.objects.visible_to(user, muted=True).filter(pk=comment.work_id).exists()


def comment_email(comment: Comment) -> tuple[str, str]:
    """(subject, plain-text body) of the e-mail about a comment."""
    work = comment.work
    subject = f"[{settings.ARCHIVE_NAME}] Comment on {work.title}"
    body = (
        f"{comment.author_name} left a comment on {work.title}{_chapter_label(comment)}:\n\n"
        f"{strip_tags(comment.body)}\n\n"
        f"Read it and reply: {settings.SITE_URL}{comment.get_absolute_url()}\n\n"
        f"You get these e-mails because of your preferences: "
        f"{settings.SITE_URL}/account/community/\n"
    )
    return subject, body
