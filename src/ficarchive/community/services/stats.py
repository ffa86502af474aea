"""A creator's statistics: per-work figures, totals, and hits per day for a chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from ficarchive.community.models import Comment, HitDay, Subscription
from ficarchive.works.models import Work

SORTS = {
    "title": "title",
    "date": "-published_on",
    "words": "-word_count",
    "hits": "-hits",
    "kudos": "-kudos_count",
    "threads": "-threads",
    "bookmarks": "-bookmarks_count",
    "subscriptions": "-subscribers",
}
CHART_DAYS = 30


def _count(queryset):
    return Coalesce(Subquery(queryset.values("n")[:1]), 0)


def work_stats(user, sort: str = "hits"):
    """The user's posted works with their figures, sorted by `sort`."""
    threads = (
        Comment.objects.filter(work=OuterRef("pk"), parent__isnull=True)
        .published()
        .order_by()
        .values("work")
        .annotate(n=Count("pk"))
    )
    subscribers = (
        Subscription.objects.filter(work=OuterRef("pk"))
        .order_by()
        .values("work")
        .annotate(n=Count("pk"))
    )
    works = Work.objects.by_user(user).filter(posted=True)
    works = works.annotate(threads=_count(threads), subscribers=_count(subscribers))
    return works.order_by(SORTS.get(sort, "-hits"), "id")


def totals(works: list[Work], user) -> dict:
    """Sums over the works, and how many people subscribed to the user as a creator."""
    return {
        "words": sum(w.word_count for w in works),
        "hits": sum(w.hits for w in works),
        "kudos": sum(w.kudos_count for w in works),
        "threads": sum(w.threads for w in works),
        "bookmarks": sum(w.bookmarks_count for w in works),
        "subscriptions": sum(w.subscribers for w in works),
        "user_subscribers": Subscription.objects.filter(creator=user).count(),
    }


@dataclass
class Bar:
    day: object
    hits: int
    x: float
    height: float
    y: float


def hit_chart(user, days: int = CHART_DAYS, height: float = 120.0, width: float = 600.0):
    """Bars for hits per day over the last `days` days, scaled to fit an SVG box."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    rows = (
        HitDay.objects.filter(
            Q(work__in=Work.objects.by_user(user)), day__gte=start, day__lte=today
        )
        .values("day")
        .annotate(hits=Sum("hits"))
    )
    per_day = {row["day"]: row["hits"] for row in rows}
    peak = max(per_day.values(), default=0)
    step = width / days
    bars = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        hits = per_day.get(day, 0)
        bar_height = (hits / peak * height) if peak else 0
        bars.append(Bar(day, hits, offset * step, bar_height, height - bar_height))
    return {"bars": bars, "peak": peak, "width": width, "height": height, "step": step}
