"""What the community adds to a work's page: kudos, comments, and the reader's own
bookmark, subscription and history; plus recording the visit (hit and history)."""

from __future__ import annotations

import logging

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest

from ficarchive.community.forms import CommentForm
from ficarchive.community.models import Bookmark, Comment, Kudos, Reading, Subscription
from ficarchive.community.models.feedback import WorkSettings
from ficarchive.community.redis import RedisError
from ficarchive.community.services import history, hits, threads
from ficarchive.community.services.kudos import kudos_summary
from ficarchive.community.services.rules import can_moderate, comment_refusal
from ficarchive.works.models import Chapter, Work

THREADS_PER_PAGE = 20
logger = logging.getLogger(__name__)


def record_view(request: HttpRequest, work: Work, chapter: Chapter | None) -> None:
    """A reader opened the work: count the hit (buffered) and note it in their history.
    If Redis is unreachable the page still opens; the view just isn't counted."""
    try:
        history.record_reading(request.user, work, chapter)
        hits.record_hit(request, work)
        hits.flush_when_due()
    except RedisError as error:
        logger.warning("Hit not counted: %s", error)


def top_comments(chapters: list[Chapter], viewer, moderator: bool):
    """Top-level comments on these chapters that `viewer` may see, oldest first."""
    roots = Comment.objects.filter(chapter__in=chapters, parent__isnull=True).without_muted(viewer)
    if not moderator:
        shown = Q(approved=True)
        if viewer.is_authenticated:
            shown |= Q(user=viewer)
        roots = roots.filter(shown)
    return roots.select_related("user", "pseud__user", "chapter").order_by("created_at", "id")


def context(request: HttpRequest, work: Work, chapters: list[Chapter], chapter) -> dict:
    user = request.user
    moderator = can_moderate(work, user)
    page = Paginator(top_comments(chapters, user, moderator), THREADS_PER_PAGE).get_page(
        request.GET.get("comments_page")
    )
    member = user.is_authenticated
    mine = {}
    if member:
        mine = {
            "my_bookmark": Bookmark.objects.filter(user=user, work=work).first(),
            "my_subscription": Subscription.objects.filter(user=user, work=work).first(),
            "my_reading": Reading.objects.filter(user=user, work=work).first(),
            "gave_kudos": Kudos.objects.filter(user=user, work=work).exists(),
        }
    refusal = comment_refusal(work, user)
    return {
        "kudos": kudos_summary(work, user),
        "comment_page": page,
        "threads": threads.build(list(page), user, work),
        "comment_form": CommentForm(user=user) if not refusal else None,
        "comment_refusal": refusal,
        "comment_chapter": chapter or chapters[-1],
        "moderator": moderator,
        "moderated": WorkSettings.moderated(work),
        **mine,
    }
