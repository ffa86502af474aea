"""Who may give kudos, comment and reply: each rule refuses in plain words.

A refusal is a ValidationError whose message is shown to the visitor as it is.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ficarchive.community.models import Block, Comment
from ficarchive.community.services.moderation import posting_refusal
from ficarchive.works.models import CommentPermission, Work

BLOCKED = "Sorry, you have been blocked by one or more of this work's creators."


def creator_ids(work: Work) -> list[int]:
    return [pseud.user_id for pseud in work.creator_pseuds]


def check_kudos(work: Work, user) -> None:
    refusal = posting_refusal(user)
    if refusal:
        raise ValidationError(refusal)
    if not work.posted:
        raise ValidationError("You can't leave kudos on a draft.")
    if work.is_creator(user):
        raise ValidationError("You can't leave kudos on your own work.")
    if not user.is_authenticated and work.restricted:
        raise ValidationError("Please log in to leave kudos on this work.")
    if Block.between(creator_ids(work), user):
        raise ValidationError(BLOCKED)


def comment_refusal(work: Work, user) -> str | None:
    """Why `user` may not comment on `work`, or None if they may."""
    refusal = posting_refusal(user)
    if refusal:
        return refusal
    if not work.posted:
        return "Comments can't be left on drafts."
    if work.comment_permission == CommentPermission.NOBODY:
        return "Sorry, this work doesn't allow comments."
    if work.comment_permission == CommentPermission.REGISTERED and not user.is_authenticated:
        return "Sorry, this work only allows comments from users who are logged in."
    if Block.between(creator_ids(work), user) and not work.is_creator(user):
        return BLOCKED
    return None


def check_comment(work: Work, user, parent: Comment | None = None) -> None:
    refusal = comment_refusal(work, user)
    if refusal:
        raise ValidationError(refusal)
    if parent is None:
        return
    if parent.frozen:
        raise ValidationError("Sorry, this thread is frozen: no new replies can be added.")
    if parent.deleted or parent.hidden or not parent.approved:
        raise ValidationError("Sorry, you can't reply to this comment.")
    if parent.user_id and Block.between([parent.user_id], user):
        raise ValidationError("Sorry, you have been blocked by the person who wrote this comment.")


def can_moderate(work: Work, user) -> bool:
    """The work's creators and staff look after its comments."""
    return user.is_authenticated and (user.is_staff or work.is_creator(user))
