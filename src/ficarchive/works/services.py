"""What authors do to works, chapters and series. Each function is one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from ficarchive.accounts.models import Pseud
from ficarchive.community.services import counts, subscriptions
from ficarchive.formats.sanitize import sanitize_html
from ficarchive.formats.wordcount import count_words
from ficarchive.search import index as search_index
from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag
from ficarchive.works.models import Chapter, Creatorship, Series, SeriesWork, Work, WorkQuerySet

HTML_FIELDS = ("summary", "notes", "end_notes")


@dataclass
class SeriesChoice:
    """Where a work goes in a series: an existing one, or a new one by title."""

    series: Series | None = None
    new_title: str = ""
    position: int | None = None


@dataclass
class WorkInput:
    """Everything a "Post New Work" or "Edit Work" form decided, cleaned and checked."""

    fields: dict
    creators: list[Pseud]
    tags: list[Tag]
    invited: list[Pseud] = field(default_factory=list)
    series: SeriesChoice | None = None


def clean_html_fields(obj: Work | Chapter | Series, names=HTML_FIELDS) -> None:
    for name in names:
        setattr(obj, name, sanitize_html(getattr(obj, name) or ""))


def prepare_chapter(chapter: Chapter) -> Chapter:
    """Sanitise a chapter's texts and count its words before it is saved."""
    clean_html_fields(chapter)
    chapter.text = sanitize_html(chapter.text)
    chapter.word_count = count_words(chapter.text)
    return chapter


@transaction.atomic
def save_work(
    work: Work, data: WorkInput, first_chapter: Chapter | None = None, *, post: bool = False
) -> Work:
    """Create or update a work with its creators, tags, series and (when new) first chapter."""
    wrangling.lock_tagging()  # before any row is locked: see lock_tagging
    is_new = work.pk is None
    was_posted = work.posted
    for name, value in data.fields.items():
        setattr(work, name, value)
    clean_html_fields(work)
    if post and not work.posted:
        _publish(work)
    work.save()
    removed = set() if is_new else set(work.tags.values_list("pk", flat=True))
    work.tags.set(data.tags)
    wrangling.refresh_work(work, removed=removed - {tag.pk for tag in data.tags})
    _set_creators(work, data.creators, data.invited)
    if first_chapter is not None and is_new:
        first_chapter.work = work
        first_chapter.position = 1
        first_chapter.published_on = work.published_on
        prepare_chapter(first_chapter).save()
    if data.series is not None:
        _place_in_series(work, data.series, data.creators)
    refresh_word_counts(work)
    search_index.index_works([work.pk])
    if work.posted and not was_posted:
        subscriptions.published(work)
    return work


def _publish(work: Work) -> None:
    """Mark a work posted. A draft posted later is dated the day it posts, unless its author
    chose an earlier date (backdating) before posting."""
    today = timezone.localdate()
    created = timezone.localdate(work.created_at) if work.created_at else today
    if work.published_on >= created:
        work.published_on = today
    work.posted = True
    work.revised_at = _revision_time(work.published_on)


def _revision_time(published_on):
    """A backdated work sorts by its published date; a current one by the moment it posts."""
    if published_on < timezone.localdate():
        return timezone.make_aware(
            timezone.datetime.combine(published_on, timezone.datetime.min.time())
        )
    return timezone.now()


def _set_creators(work: Work, creators: list[Pseud], invited: list[Pseud]) -> None:
    """Own pseuds are credited at once; other people's pseuds are invited to accept."""
    keep = {p.pk for p in creators} | {p.pk for p in invited}
    owners = {p.user_id for p in creators}
    # Only the editor's own pseuds not chosen are removed; co-creators stay until they leave.
    work.creatorships.filter(pseud__user_id__in=owners).exclude(pseud_id__in=keep).delete()
    existing = set(work.creatorships.values_list("pseud_id", flat=True))
    for pseud in creators:
        if pseud.pk not in existing:
            Creatorship.objects.create(work=work, pseud=pseud, approved=True)
    for pseud in invited:
        if pseud.pk not in existing:
            Creatorship.objects.create(work=work, pseud=pseud, approved=False)


def _place_in_series(work: Work, choice: SeriesChoice, creators: list[Pseud]) -> None:
    series = choice.series
    if series is None and choice.new_title:
        series = Series.objects.create(title=choice.new_title)
        series.creators.set(creators)
    if series is None:
        return
    membership = SeriesWork.objects.filter(series=series, work=work).first()
    if membership is None:
        last = series.memberships.aggregate(m=Max("position"))["m"] or 0
        membership = SeriesWork.objects.create(series=series, work=work, position=last + 1)
    if choice.position and choice.position != membership.position:
        ordered = [m.work_id for m in series.memberships.exclude(pk=membership.pk)]
        ordered.insert(max(choice.position, 1) - 1, work.pk)
        reorder_series(series, ordered)


def refresh_word_counts(work: Work) -> None:
    """Recompute the stored word and chapter counts from the chapters."""
    totals = work.chapters.aggregate(words=Sum("word_count"), count=Count("pk"))
    Work.objects.filter(pk=work.pk).update(
        word_count=totals["words"] or 0, chapter_count=totals["count"]
    )
    work.refresh_from_db(fields=["word_count", "chapter_count"])


@transaction.atomic
def save_chapter(chapter: Chapter) -> Chapter:
    """Add a new chapter at the end, or save an edited one; the work counts as updated."""
    work = chapter.work
    if chapter.pk is None:
        last = work.chapters.aggregate(m=Max("position"))["m"] or 0
        chapter.position = last + 1
        if work.posted:
            work.revised_at = timezone.now()
            work.save(update_fields=["revised_at", "updated_at"])
    is_new = chapter.pk is None
    prepare_chapter(chapter).save()
    refresh_word_counts(work)
    search_index.index_works([work.pk])
    if is_new and work.posted:
        subscriptions.published(work, chapter)
    return chapter


@transaction.atomic
def delete_chapter(chapter: Chapter) -> None:
    """Remove a chapter and close the gap in the numbering. A work keeps at least one."""
    work = chapter.work
    if work.chapters.count() <= 1:
        raise ValueError("A work needs at least one chapter; delete the work instead.")
    chapter.delete()
    counts.recount([work.pk])  # its comments went with it
    reorder_chapters(work, list(work.chapters.values_list("pk", flat=True)))
    search_index.index_works([work.pk])


@transaction.atomic
def reorder_chapters(work: Work, chapter_ids: list[int]) -> None:
    """Number the work's chapters 1..n in the given order (ids must be exactly its chapters)."""
    current = set(work.chapters.values_list("pk", flat=True))
    if set(chapter_ids) != current or len(chapter_ids) != len(current):
        raise ValueError("The new order must list every chapter of the work exactly once.")
    # Move out of the way first so the unique (work, position) constraint never clashes.
    work.chapters.update(position=F("position") + 1_000_000)
    for position, pk in enumerate(chapter_ids, start=1):
        Chapter.objects.filter(pk=pk).update(position=position)
    refresh_word_counts(work)


@transaction.atomic
def reorder_series(series: Series, work_ids: list[int]) -> None:
    """Give the series' works positions 1..n in the given order."""
    memberships = {m.work_id: m for m in series.memberships.all()}
    if set(work_ids) != set(memberships) or len(work_ids) != len(memberships):
        raise ValueError("The new order must list every work of the series exactly once.")
    for position, work_id in enumerate(work_ids, start=1):
        SeriesWork.objects.filter(pk=memberships[work_id].pk).update(position=position)


@transaction.atomic
def mark_complete(work: Work) -> None:
    work.expected_chapters = work.chapter_count
    work.save(update_fields=["expected_chapters", "updated_at"])


@transaction.atomic
def post_draft(work: Work) -> None:
    wrangling.lock_tagging()
    if not work.posted:
        _publish(work)
        work.save(update_fields=["posted", "published_on", "revised_at", "updated_at"])
        work.chapters.filter(position=1).update(published_on=work.published_on)
        wrangling.refresh_counts(work.tags.values_list("pk", flat=True))
        subscriptions.published(work)


@transaction.atomic
def delete_work(work: Work) -> None:
    """Delete a work with its chapters; series left empty by it are deleted too."""
    wrangling.lock_tagging()
    series_ids = list(work.series_memberships.values_list("series_id", flat=True))
    tag_ids = list(work.tags.values_list("pk", flat=True)) + list(
        work.filters.values_list("pk", flat=True)
    )
    work_id = work.pk
    work.delete()
    transaction.on_commit(lambda: _forget_downloads(work_id))
    wrangling.refresh_counts(tag_ids)
    Series.objects.filter(pk__in=series_ids, memberships__isnull=True).delete()


def _forget_downloads(work_id: int) -> None:
    from ficarchive.works import downloads  # downloads → exchange → services: import late

    downloads.forget(work_id)


@transaction.atomic
def answer_invitation(creatorship: Creatorship, accept: bool) -> None:
    if accept:
        creatorship.approved = True
        creatorship.save(update_fields=["approved"])
        search_index.index_works([creatorship.work_id])
    else:
        creatorship.delete()


def delete_old_drafts(days: int = 30) -> int:
    """Delete drafts created more than `days` ago, one work at a time; returns how many."""
    cutoff = timezone.now() - timezone.timedelta(days=days)
    old = Work.objects.drafts().filter(created_at__lt=cutoff)
    count = 0
    for work in old.iterator():
        delete_work(work)
        count += 1
    return count


@transaction.atomic
def set_hidden(works: WorkQuerySet, hidden: bool) -> int:
    """Staff hide or unhide works; tag counts follow."""
    wrangling.lock_tagging()
    count = works.update(hidden_by_admin=hidden)
    tags = Tag.objects.filter(works__in=works).values_list("pk", flat=True).distinct()
    wrangling.refresh_counts(
        list(tags)
        + list(Tag.objects.filter(filtered_works__in=works).values_list("pk", flat=True).distinct())
    )
    return count
