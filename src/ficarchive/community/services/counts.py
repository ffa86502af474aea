"""Recounting a work's feedback figures from the rows, for deletions that bypass the
services' F() updates: a chapter deleted with its comments, an account deleted with its
kudos, comments and bookmarks."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ficarchive.community.models import Bookmark, Comment, Kudos
from ficarchive.works.models import Work


def _per_work(queryset):
    counted = queryset.filter(work=OuterRef("pk")).order_by().values("work")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1]), 0)


def recount(work_ids) -> int:
    """Set kudos, comment and bookmark counts of these works to what their rows say."""
    return Work.objects.filter(pk__in=list(work_ids)).update(
        kudos_count=_per_work(Kudos.objects.all()),
        comments_count=_per_work(Comment.objects.published()),
        bookmarks_count=_per_work(Bookmark.objects.filter(private=False)),
    )


def works_touched_by(user) -> set[int]:
    """Works whose figures an account's deletion changes."""
    return (
        set(Kudos.objects.filter(user=user).values_list("work_id", flat=True))
        | set(Comment.objects.filter(user=user).values_list("work_id", flat=True))
        | set(
            Bookmark.objects.filter(user=user, work__isnull=False).values_list("work_id", flat=True)
        )
    )


def comments_by(user) -> list[int]:
    return list(Comment.objects.filter(user=user).values_list("pk", flat=True))


def detach_threads(comment_ids: list[int]) -> None:
    """After an account went: its comments that have replies become deleted placeholders
    (so other people's replies stay in their threads); the others are deleted."""
    comments = Comment.objects.filter(pk__in=comment_ids)
    comments.filter(replies__isnull=False).update(pseud=None, deleted=True, body="")
    comments.filter(replies__isnull=True, deleted=False).delete()
