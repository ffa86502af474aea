"""Works in and out: between the archive's models and the files of ficarchive.formats.

`to_parsed` describes a work for the exporters; `create_from_parsed` posts an imported
work through the same services as the posting form, in one transaction, so an import
arrives whole or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ficarchive.accounts.models import Pseud
from ficarchive.formats.sanitize import sanitize_html
from ficarchive.formats.work import ParsedChapter, ParsedWork, SeriesPart
from ficarchive.tags.models import RATINGS, WARNINGS, Tag, TagType, tag_key
from ficarchive.tags.services import check_tag_names, check_tag_total, split_tag_names, tags_for
from ficarchive.works.languages import language_code
from ficarchive.works.models import TITLE_MAX, Chapter, Series, Work
from ficarchive.works.services import SeriesChoice, WorkInput, save_chapter, save_work

NO_WARNINGS_CHOSEN = "Choose Not To Use Archive Warnings"
WARNING_ALIASES = {
    "creator chose not to use archive warnings": NO_WARNINGS_CHOSEN,
    "underage": "Underage Sex",
}


# -- out --------------------------------------------------------------------------------------


def to_parsed(work: Work) -> ParsedWork:
    """Everything a download shows about a work."""
    memberships = work.series_memberships.select_related("series")
    return ParsedWork(
        title=work.title,
        creators=[p.byline for p in work.creator_pseuds] or split_tag_names(work.imported_creators),
        rating=work.rating.name if work.rating else "",
        warnings=[t.label for t in work.warnings],
        categories=[t.name for t in work.categories],
        fandoms=[t.name for t in work.fandoms],
        relationships=[t.name for t in work.relationships],
        characters=[t.name for t in work.characters],
        additional_tags=[t.name for t in work.additional_tags],
        language=work.language,
        series=[SeriesPart(m.series.title, m.position) for m in memberships],
        summary=work.summary,
        notes=work.notes,
        end_notes=work.end_notes,
        published=work.published_on,
        updated=work.revised_on,
        complete=work.complete,
        expected_chapters=work.expected_chapters,
        source_url=work.source_url,
        chapters=[
            ParsedChapter(
                title=c.title,
                summary=c.summary,
                notes=c.notes,
                end_notes=c.end_notes,
                text=c.text,
                words=c.word_count,
            )
            for c in work.chapters.all()
        ],
    )


def revision(work: Work) -> str:
    """Changes whenever anything a download shows changes: its cache key."""
    chapters = work.chapters.order_by("-updated_at").values_list("updated_at", flat=True)[:1]
    parts = [
        work.updated_at.isoformat(),
        *(c.isoformat() for c in chapters),
        str(work.chapter_count),
        *sorted(work.tags.values_list("name", flat=True)),
        *(m.series.title for m in work.series_memberships.select_related("series")),
        # The byline: orphaning or a renamed pseud changes no date, yet must change the file.
        *(pseud.byline for pseud in work.creator_pseuds),
        work.imported_creators,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


# -- in ---------------------------------------------------------------------------------------


@dataclass
class ImportChoices:
    """What the person importing decides on top of what the file says."""

    pseud: Pseud
    post: bool = True
    fandoms: list[str] = field(default_factory=list)  # used when the file names none
    restricted: bool = False
    keep_original_creators: bool = True  # credit the file's creators in the byline


def _fixed_names(names: list[str], known: list[str], aliases: dict[str, str]) -> list[str]:
    by_key = {name.casefold(): name for name in known}
    found = []
    for name in names:
        key = name.strip().casefold()
        value = by_key.get(key) or aliases.get(key)
        if value and value not in found:
            found.append(value)
    return found


def import_problems(parsed: ParsedWork, choices: ImportChoices) -> list[str]:
    """Why this work can't be posted as it is, in words for the person importing."""
    problems = []
    if not parsed.title.strip():
        problems.append("The file has no title.")
    if not parsed.chapters or not any(c.text.strip() for c in parsed.chapters):
        problems.append("The file has no text.")
    if not (parsed.fandoms or choices.fandoms):
        problems.append("Please fill in at least one fandom: the file names none.")
    for names, tag_type in _free_tags(parsed, choices):
        try:
            check_tag_names(names, tag_type)
        except ValidationError as error:
            problems.extend(error.messages)
    try:
        check_tag_total(sum(len(names) for names, _ in _free_tags(parsed, choices)))
    except ValidationError as error:
        problems.extend(error.messages)
    return problems


def _free_tags(parsed: ParsedWork, choices: ImportChoices):
    return [
        (parsed.fandoms or choices.fandoms, TagType.FANDOM),
        (parsed.relationships, TagType.RELATIONSHIP),
        (parsed.characters, TagType.CHARACTER),
        (parsed.additional_tags, TagType.ADDITIONAL),
    ]


@transaction.atomic
def create_from_parsed(parsed: ParsedWork, choices: ImportChoices) -> Work:
    """Post (or save as a draft) an imported work; raises ValidationError and saves nothing
    when it can't be posted as it is."""
    problems = import_problems(parsed, choices)
    if problems:
        raise ValidationError(problems)
    rating = _fixed_names([parsed.rating], RATINGS, {}) or ["Not Rated"]
    warnings = _fixed_names(parsed.warnings, WARNINGS, WARNING_ALIASES) or [NO_WARNINGS_CHOSEN]
    fixed = Tag.objects.filter(key__in=[tag_key(n) for n in [*rating, *warnings]])
    categories = Tag.objects.filter(
        type=TagType.CATEGORY, key__in=[tag_key(n) for n in parsed.categories]
    )
    tags = [*fixed, *categories]
    for names, tag_type in _free_tags(parsed, choices):
        tags += tags_for([n.strip() for n in names if n.strip()], tag_type)
    originals = ", ".join(parsed.creators) if choices.keep_original_creators else ""
    fields = {
        "title": parsed.title.strip()[:TITLE_MAX],
        "summary": parsed.summary,
        "notes": parsed.notes,
        "end_notes": parsed.end_notes,
        "language": language_code(parsed.language or "") or "en",
        "restricted": choices.restricted,
        "expected_chapters": _expected(parsed),
        "published_on": parsed.published or timezone.localdate(),
        "source_url": parsed.source_url[:500],
        "imported_creators": originals[:500],
    }
    series = None
    if parsed.series:
        part = parsed.series[0]
        existing = Series.objects.filter(
            title=part.title, creators__user=choices.pseud.user
        ).first()
        series = SeriesChoice(
            series=existing, new_title="" if existing else part.title[:255], position=part.position
        )
    data = WorkInput(fields=fields, creators=[choices.pseud], tags=tags, series=series)
    first, *rest = parsed.chapters
    work = save_work(Work(), data, _chapter(first), post=choices.post)
    for chapter in rest:
        new = _chapter(chapter)
        new.work = work
        save_chapter(new)
    # Adding chapters counts as an update "now"; an import keeps the dates the file gives.
    last = parsed.updated or parsed.published
    if last and work.posted:
        moment = timezone.make_aware(timezone.datetime.combine(last, timezone.datetime.min.time()))
        Work.objects.filter(pk=work.pk).update(revised_at=min(moment, timezone.now()))
        work.refresh_from_db(fields=["revised_at"])
    return work


def _chapter(parsed: ParsedChapter) -> Chapter:
    return Chapter(
        title=parsed.title.strip()[:TITLE_MAX],
        summary=parsed.summary,
        notes=parsed.notes,
        end_notes=parsed.end_notes,
        text=sanitize_html(parsed.text) or "<p></p>",
    )


def _expected(parsed: ParsedWork) -> int | None:
    if parsed.expected_chapters:
        return max(parsed.expected_chapters, len(parsed.chapters))
    if parsed.complete:
        return len(parsed.chapters)
    return None
