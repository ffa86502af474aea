"""Feedback brought in from another archive (an eFiction site's reviews and favourites).

It keeps the people and dates it had there and counts like any other feedback, but it is
not news: nobody is e-mailed or told in their inbox, and nothing waits for moderation (it
was public there). The same rules as posting decide what may be brought in: a draft takes
no comments, a blocked reader can't comment, nobody bookmarks what they can't see.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from ficarchive.accounts.models import User
from ficarchive.community.models import Bookmark, Comment, Subscription
from ficarchive.community.services.bookmarks import BookmarkInput, save_bookmark
from ficarchive.community.services.comments import clean_body
from ficarchive.community.services.rules import check_comment
from ficarchive.community.services.subscriptions import subscribe
from ficarchive.works.models import Chapter, Series, Work

GUEST_NAME_MAX = 100


@transaction.atomic
def import_comment(
    chapter: Chapter,
    body: str,
    created_at: datetime,
    *,
    user: User | None = None,
    guest_name: str = "",
    parent: Comment | None = None,
) -> Comment:
    """A published comment (or reply) by `user`, or by a guest known only by name, dated
    when it was written there. Raises ValidationError, saving nothing, when the rules
    refuse it."""
    work = chapter.work
    check_comment(work, user or AnonymousUser(), parent)
    guest_name = "" if user else guest_name.strip()[:GUEST_NAME_MAX]
    if user is None and not guest_name:
        raise ValidationError("A guest comment needs the guest's name.")
    comment = Comment.objects.create(
        work=work,
        chapter=chapter,
        parent=parent,
        thread_id=parent.thread_id_or_own if parent else None,
        depth=parent.depth + 1 if parent else 0,
        user=user,
        pseud=user.default_pseud if user else None,
        guest_name=guest_name,
        body=clean_body(body),
        approved=True,
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=created_at)  # auto_now_add
    comment.created_at = created_at
    Work.objects.filter(pk=work.pk).update(comments_count=F("comments_count") + 1)
    return comment


def import_bookmark(user: User, target: Work | Series, notes: str = "") -> tuple[Bookmark, bool]:
    """`user`'s plain bookmark of `target` with the community's defaults (public, no tags),
    and whether it is new: one they already have is left as it is."""
    field = "work" if isinstance(target, Work) else "series"
    existing = Bookmark.objects.filter(user=user, **{field: target}).first()
    if existing is not None:
        return existing, False
    visible = type(target).objects.visible_to(user).filter(pk=target.pk).exists()
    if not visible:
        kind = "work" if field == "work" else "series"
        raise ValidationError(f"they can't see the {kind} here (a draft, or hidden)")
    return save_bookmark(user, target, BookmarkInput(notes=notes)), True


def import_subscription(user: User, creator: User) -> tuple[Subscription, bool]:
    """`user` follows `creator`'s new works; whether the subscription is new."""
    existing = Subscription.objects.filter(user=user, creator=creator).first()
    if existing is not None:
        return existing, False
    return subscribe(user, creator), True
