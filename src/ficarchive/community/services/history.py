"""Reading history: what a reader opened, where they were, and how often."""

from __future__ import annotations

from django.utils import timezone

from ficarchive.community.models import Preferences, Reading
from ficarchive.community.services import hits
from ficarchive.works.models import Chapter, Work


def record_reading(user, work: Work, chapter: Chapter | None) -> None:
    """Remember this reading, unless the reader turned history off or wrote the work. It
    is buffered like hits, so reading a page doesn't write to the database."""
    if not user.is_authenticated or work.is_creator(user) or not work.posted:
        return
    if not Preferences.of(user).keep_history:
        return
    hits.record_reading(user.pk, work.pk, chapter.pk if chapter else None)


def mark_for_later(user, work: Work, later: bool = True) -> None:
    reading, created = Reading.objects.get_or_create(
        user=user, work=work, defaults={"last_read_at": timezone.now(), "times": 0, "later": later}
    )
    if not created:
        reading.later = later
        reading.save(update_fields=["later"])


def clear_history(user) -> int:
    return Reading.objects.filter(user=user).delete()[0]


def history_for(user):
    """The reader's history, limited to works they may still see."""
    return (
        Reading.objects.filter(user=user, work__in=Work.objects.visible_to(user))
        .select_related("work", "chapter")
        .order_by("-last_read_at", "-id")
    )
