"""Posting, editing, deleting and moderating comments. Each function is one transaction,
and the work's comment count changes with F() so concurrent comments never lose a count."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ficarchive.community.models import COMMENT_MAX, Block, Comment, WorkSettings
from ficarchive.community.services import notify
from ficarchive.community.services.moderation import posting_refusal
from ficarchive.community.services.rules import BLOCKED, can_moderate, check_comment, creator_ids
from ficarchive.formats.sanitize import sanitize_html, strip_tags
from ficarchive.works.models import Chapter, Work


@dataclass
class CommentInput:
    """What a comment form decided: the text, and for guests their name and e-mail."""

    body: str
    guest_name: str = ""
    guest_email: str = ""
    pseud: object = None


def clean_body(body: str) -> str:
    """Sanitised like notes; an empty or over-long comment is refused in plain words."""
    if len(body) > COMMENT_MAX:
        raise ValidationError(
            f"Comments can be at most {COMMENT_MAX:,} characters long; yours has {len(body):,}."
        )
    cleaned = sanitize_html(body)
    if not strip_tags(cleaned).strip():
        raise ValidationError("Please write something in your comment.")
    return cleaned


def _count(work_id: int, delta: int) -> None:
    Work.objects.filter(pk=work_id).update(comments_count=F("comments_count") + delta)


@transaction.atomic
def post_comment(
    chapter: Chapter, user, data: CommentInput, parent: Comment | None = None
) -> Comment:
    """A new comment on a chapter, or a reply. It waits for approval when the work is
    moderated, unless its writer is one of the work's creators."""
    work = chapter.work
    check_comment(work, user, parent)
    member = user.is_authenticated
    if not member and not (data.guest_name.strip() and data.guest_email.strip()):
        raise ValidationError("Please give your name and e-mail address to comment as a guest.")
    comment = Comment(
        work=work,
        chapter=chapter,
        parent=parent,
        thread_id=parent.thread_id_or_own if parent else None,
        depth=parent.depth + 1 if parent else 0,
        user=user if member else None,
        pseud=(data.pseud or user.default_pseud) if member else None,
        guest_name="" if member else data.guest_name.strip(),
        guest_email="" if member else data.guest_email.strip(),
        body=clean_body(data.body),
        approved=work.is_creator(user) or not WorkSettings.moderated(work),
    )
    comment.save()
    if comment.approved:
        _count(work.pk, 1)
    notify.comment_posted(comment)
    return comment


def _check_author(comment: Comment, user) -> None:
    if not comment.is_author(user):
        raise PermissionDenied("Only the person who wrote a comment can change it.")


@transaction.atomic
def edit_comment(comment: Comment, user, body: str) -> Comment:
    """An edit publishes new text, so it meets the same refusals as posting: a suspended
    writer, or one the work's creators blocked since, can't change what readers see."""
    _check_author(comment, user)
    refusal = posting_refusal(user)
    if refusal:
        raise ValidationError(refusal)
    work = comment.work
    if Block.between(creator_ids(work), user) and not work.is_creator(user):
        raise ValidationError(BLOCKED)
    if comment.frozen:
        raise ValidationError("This thread is frozen, so its comments can't be edited.")
    comment.body = clean_body(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def delete_comment(comment: Comment, user) -> None:
    """Its writer, the work's creators or staff delete a comment. With replies, it stays as
    "(Previous comment deleted.)" so the thread still reads in order."""
    if not (comment.is_author(user) or can_moderate(comment.work, user)):
        raise PermissionDenied("You can't delete this comment.")
    # `comment` may be stale (two requests at once): the row, locked, decides the count,
    # and only the request that changed it changes the count.
    live = Comment.objects.select_for_update().filter(pk=comment.pk, deleted=False)
    approved = live.values_list("approved", flat=True).first()
    if approved is None:
        return
    if comment.replies.exists():
        changed = live.update(deleted=True, body="")
        comment.deleted, comment.body = True, ""
    else:
        changed = live.delete()[1].get(Comment._meta.label, 0)
    if changed and approved:
        _count(comment.work_id, -1)


def _moderator(comment: Comment, user) -> None:
    if not can_moderate(comment.work, user):
        raise PermissionDenied("Only the work's creators and staff can do that.")


def _thread_below(comment: Comment) -> list[int]:
    """Ids of `comment` and every reply under it, at any depth."""
    rows = Comment.objects.filter(thread_id=comment.thread_id_or_own).values_list("pk", "parent_id")
    children: dict[int, list[int]] = {}
    for pk, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [comment.pk]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


@transaction.atomic
def set_frozen(comment: Comment, user, frozen: bool) -> int:
    """Freeze (or thaw) a comment and everything under it: no replies, no edits."""
    _moderator(comment, user)
    return Comment.objects.filter(pk__in=_thread_below(comment)).update(frozen=frozen)


@transaction.atomic
def set_hidden(comment: Comment, user, hidden: bool) -> None:
    """Hide a comment from readers; its writer, the creators and staff still see it."""
    _moderator(comment, user)
    comment.hidden = hidden
    comment.save(update_fields=["hidden"])


@transaction.atomic
def approve(comment: Comment, user) -> None:
    """Publish a comment that waited. Only the request that changes the row counts it, so a
    double click (or two creators at once) never counts it twice."""
    _moderator(comment, user)
    changed = Comment.objects.filter(pk=comment.pk, approved=False, deleted=False).update(
        approved=True
    )
    if not changed:
        return
    comment.approved = True
    _count(comment.work_id, 1)
    notify.comment_approved(comment)


@transaction.atomic
def set_moderation(work: Work, user, moderated: bool) -> None:
    if not work.is_creator(user):
        raise PermissionDenied("Only the work's creators can change this.")
    if moderated:
        WorkSettings.objects.update_or_create(work=work, defaults={"moderate_comments": True})
    else:  # most works are never moderated: no row is written for them
        WorkSettings.objects.filter(work=work).update(moderate_comments=False)
