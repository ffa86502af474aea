"""What every importer shares: the archive's fixed tag names, AO3's labels, stats and
series wording, bylines, and turning text or HTML into clean chapters."""

from __future__ import annotations

import html
import re
from datetime import date

from ficarchive.formats.sanitize import add_paragraphs, sanitize_html
from ficarchive.formats.wordcount import count_words
from ficarchive.formats.work import ParsedChapter, ParsedWork, SeriesPart

RATINGS = ["Not Rated", "General Audiences", "Teen And Up Audiences", "Mature", "Explicit"]
_RATINGS = {name.casefold(): name for name in RATINGS}

NO_WARNINGS_CHOSEN = "Choose Not To Use Archive Warnings"
WARNINGS = [NO_WARNINGS_CHOSEN, "No Archive Warnings Apply", "Graphic Depictions Of Violence",
            "Major Character Death", "Rape/Non-Con", "Underage Sex"]  # fmt: skip
_WARNINGS = {name.casefold(): name for name in WARNINGS} | {
    "creator chose not to use archive warnings": NO_WARNINGS_CHOSEN,
    "author chose not to use archive warnings": NO_WARNINGS_CHOSEN,
    "underage": "Underage Sex",  # the name until November 2024
}
CATEGORIES = ["Gen", "F/M", "M/M", "F/F", "Multi", "Other"]
_CATEGORIES = {name.casefold(): name for name in CATEGORIES}

# AO3's labels, singular or plural, old or new, to ParsedWork fields.
LABELS = {
    "rating": "rating", "ratings": "rating",
    "archive warning": "warnings", "archive warnings": "warnings", "warning": "warnings",
    "warnings": "warnings",
    "category": "categories", "categories": "categories",
    "fandom": "fandoms", "fandoms": "fandoms",
    "relationship": "relationships", "relationships": "relationships",
    "character": "characters", "characters": "characters",
    "additional tags": "additional_tags", "additional tag": "additional_tags",
    "language": "language", "series": "series",
    "collection": "collections", "collections": "collections",
    "stats": "stats",
}  # fmt: skip
STAT_LABELS = {"published", "updated", "completed", "words", "chapters", "comments", "kudos",
               "bookmarks", "hits"}  # fmt: skip

MAX_TAGS = 200  # of one type; AO3 allows 75 tags of all free types together
WORK_URL = re.compile(r"https?://[^\s\"'<>()]{1,200}?/works/\d{1,12}")
_DATE = r"(\d{4}-\d{2}-\d{2})"
_ARROWS = re.compile(r"[←→«»‹›]|&larr;|&rarr;|\bPrevious Work\b|\bNext Work\b")
_PART = re.compile(r"\bPart\s+(\d{1,6})\s+of\s+")
_OLD_SERIES = re.compile(r"the\s+(.+)\s+series", re.I | re.S)
_LOGIN = re.compile(r"^(.+?)\s+\([^()]+\)$")
_ARCHIVED = re.compile(r"\s*\[archived by [^\]]*\]$", re.I)


def norm_label(text: str) -> str:
    """'Archive Warnings:' → 'archive warnings'."""
    return " ".join(text.replace(":", " ").split()).casefold()


def label_field(text: str) -> str | None:
    label = norm_label(text)
    if label in STAT_LABELS:
        return "stats"
    return LABELS.get(label)


def split_tags(values: list[str]) -> list[str]:
    """Tag names from lines or comma-separated lists (tag names never contain commas)."""
    names = (" ".join(part.split()) for value in values for part in value.split(","))
    return list(dict.fromkeys(name for name in names if name))


def apply_tags(work: ParsedWork, field: str, names: list[str]) -> None:
    """Store tags found under one label, mapping the fixed ones to the archive's names."""
    names = [n for n in names if n]
    if not names:
        return
    if field == "rating":
        for name in names:
            known = _RATINGS.get(name.casefold())
            if known:
                work.rating = work.rating or known
            else:
                work.missing.append(f'rating (the file says "{name}")')
    elif field == "warnings":
        for name in names:
            known = _WARNINGS.get(name.casefold())
            if known and known not in work.warnings:
                work.warnings.append(known)
            elif not known:
                work.missing.append(f'warning (the file says "{name}")')
    elif field == "categories":
        for name in names:
            known = _CATEGORIES.get(name.casefold())
            if known and known not in work.categories:
                work.categories.append(known)
    elif field == "language":
        work.language = work.language or names[0]
    elif field in ("fandoms", "relationships", "characters", "additional_tags"):
        existing = getattr(work, field)
        for name in names:
            if len(existing) >= MAX_TAGS:
                phrase = f"{field.replace('_', ' ')} after the first {MAX_TAGS}"
                if phrase not in work.missing:
                    work.missing.append(phrase)
                break
            if name not in existing:
                existing.append(name)


def _number(text: str) -> int | None:
    digits = re.sub(r"[^\d]", "", text)
    return int(digits) if digits and len(digits) < 10 else None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def apply_stats(work: ParsedWork, text: str) -> None:
    """Published, Updated/Completed and Chapters from a stats block, whatever its order and
    however the numbers are grouped ("12,345")."""
    text = " ".join(text.split())
    published = re.search(rf"Published:\s*{_DATE}", text)
    if published and work.published is None:
        work.published = _date(published.group(1))
    status = re.search(rf"(Updated|Completed):\s*{_DATE}", text)
    if status and work.updated is None:
        work.updated = _date(status.group(2))
        work.complete = status.group(1) == "Completed"
    chapters = re.search(
        r"Chapters:\s*(\d[\d,.\u00a0\u202f]*)\s*/\s*(\d[\d,.\u00a0\u202f]*|\?)", text
    )
    if chapters:
        posted = _number(chapters.group(1))
        expected = None if chapters.group(2) == "?" else _number(chapters.group(2))
        work.expected_chapters = expected
        if posted is not None:
            work.complete = expected is not None and posted == expected


def parse_series_text(text: str) -> list[SeriesPart]:
    """Series positions from "Part 2 of X" or the older "Part 2 of the X series", with or
    without the previous/next links around them; one series per line."""
    found: list[SeriesPart] = []
    for line in text.split("\n"):
        line = " ".join(_ARROWS.sub(" ", line).split())
        starts = list(_PART.finditer(line))
        for index, match in enumerate(starts):
            end = starts[index + 1].start() if index + 1 < len(starts) else len(line)
            title = series_title(line[match.end() : end])
            if title:
                found.append(SeriesPart(title=title, position=int(match.group(1))))
    return found


def series_title(text: str) -> str:
    title = " ".join(text.split()).strip(" ,;")
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    old = _OLD_SERIES.fullmatch(title)
    return old.group(1).strip() if old else title


def add_series(work: ParsedWork, parts: list[SeriesPart]) -> None:
    for part in parts:
        if all(existing.title != part.title for existing in work.series):
            work.series.append(part)


def creator_name(text: str) -> str:
    """'pseud (login)' → 'pseud'; an archivist's '[archived by …]' note is dropped."""
    name = " ".join(_ARCHIVED.sub("", text).split())
    login = _LOGIN.match(name)
    return login.group(1) if login else name


def creators_from_byline(text: str) -> list[str]:
    text = " ".join(text.split())
    if text.casefold().startswith("by "):
        text = text[3:]
    names: list[str] = []
    for part in text.split(", "):
        name = creator_name(part)
        if name and name not in names:
            names.append(name)
    return names


def text_to_html(text: str, *, lines_are_paragraphs: bool = False) -> str:
    """Plain text as clean HTML paragraphs: blank lines split paragraphs, single line breaks
    become <br>. With lines_are_paragraphs, text without a single blank line has a
    paragraph per line (how browsers save pages as text). A long line stays one paragraph."""
    lines = [line.strip() for line in text.strip().split("\n")]
    if not any(lines):
        return ""
    separator = "\n\n" if lines_are_paragraphs and len(lines) > 1 and all(lines) else "\n"
    # Escaped text in <p> and <br> only: safe as it is; chapter() and finish() still pass
    # it through sanitize_html like every other fragment.
    return add_paragraphs(html.escape(separator.join(lines), quote=False))


def clean_html(fragment: str) -> str:
    return sanitize_html(fragment) if fragment.strip() else ""


def chapter(
    title: str = "", text: str = "", summary: str = "", notes: str = "", end_notes: str = ""
) -> ParsedChapter:
    """A chapter from HTML fragments (all cleaned here)."""
    body = clean_html(text)
    return ParsedChapter(
        title=" ".join(title.split()),
        summary=clean_html(summary),
        notes=clean_html(notes),
        end_notes=clean_html(end_notes),
        text=body,
        words=count_words(body),
    )


# Fields the archive needs to post a work, and how `missing` names them.
REQUIRED = {"title": "title", "creators": "creators", "rating": "rating",
            "warnings": "warnings", "fandoms": "fandoms", "language": "language"}  # fmt: skip
AO3_LOOKS_FOR = REQUIRED | {"summary": "summary", "published": "published date",
                            "source_url": "source address"}  # fmt: skip


def finish(work: ParsedWork, looked_for: dict[str, str]) -> ParsedWork:
    """Tidy the work and list what we looked for and did not find."""
    work.title = " ".join(work.title.split())
    work.summary = clean_html(work.summary)
    work.notes = clean_html(work.notes)
    work.end_notes = clean_html(work.end_notes)
    for field_name, phrase in looked_for.items():
        if not getattr(work, field_name):
            if field_name == "rating" and any(m.startswith("rating") for m in work.missing):
                continue
            if field_name == "warnings" and any(m.startswith("warning") for m in work.missing):
                continue
            work.missing.append(phrase)
    if not any(c.text for c in work.chapters):
        work.missing.append("text")
    work.missing = list(dict.fromkeys(work.missing))
    return work
