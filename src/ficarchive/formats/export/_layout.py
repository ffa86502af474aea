"""The words of a download, shared by HTML, EPUB, PDF and TXT so they never disagree.

The layout follows the HTML download of AO3-style archives (see /work/shared/domain.md,
"An HTML download"): a preface with "Posted originally on the <archive> at <url>.", the
tag list, the title, the byline, the summary and notes; the chapters; an afterword.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ficarchive.formats.export._language import language_name
from ficarchive.formats.wordcount import count_words
from ficarchive.formats.work import ParsedChapter, ParsedWork

# (singular label, plural label, ParsedWork attribute), in the order the preface lists them.
TAG_FIELDS = [
    ("Rating", "Ratings", "rating"),
    ("Archive Warning", "Archive Warnings", "warnings"),
    ("Category", "Categories", "categories"),
    ("Fandom", "Fandoms", "fandoms"),
    ("Relationship", "Relationships", "relationships"),
    ("Character", "Characters", "characters"),
    ("Additional Tags", "Additional Tags", "additional_tags"),
]


@dataclass
class Row:
    """One dt/dd pair of the preface's tag list."""

    label: str  # without the colon
    values: list[str]  # plain text, joined with ", "

    @property
    def text(self) -> str:
        return ", ".join(self.values)


def tag_rows(work: ParsedWork) -> list[Row]:
    """Rating, warnings, ... additional tags, language and series: the rows that exist."""
    rows = []
    for singular, plural, attribute in TAG_FIELDS:
        value = getattr(work, attribute)
        names = [value] if isinstance(value, str) else list(value)
        names = [n.strip() for n in names if n and n.strip()]
        if names:
            rows.append(Row(singular if len(names) == 1 else plural, names))
    if work.language.strip():
        rows.append(Row("Language", [language_name(work.language)]))
    if work.series:
        rows.append(Row("Series", [series_text(part.title, part.position) for part in work.series]))
    return rows


def series_text(title: str, position: int | None) -> str:
    return f"Part {position} of {title}" if position else f"Part of {title}"


def chapter_words(chapter: ParsedChapter) -> int:
    return chapter.words or count_words(chapter.text)


def total_words(work: ParsedWork) -> int:
    return sum(chapter_words(c) for c in work.chapters)


def is_complete(work: ParsedWork) -> bool:
    if work.complete is not None:
        return work.complete
    return work.expected_chapters is not None and work.expected_chapters == len(work.chapters)


def chapters_text(work: ParsedWork) -> str:
    """Chapters so far over chapters planned: 3/5, 3/? when unknown, 3/3 when complete."""
    count = len(work.chapters)
    if work.expected_chapters:
        expected = str(work.expected_chapters)
    else:
        expected = str(count) if is_complete(work) else "?"
    return f"{count}/{expected}"


def stats(work: ParsedWork) -> list[tuple[str, str]]:
    """(label, value) pairs of the Stats row: Published, Completed or Updated, Words,
    Chapters."""
    pairs = []
    if work.published:
        pairs.append(("Published", work.published.isoformat()))
    if work.updated and (work.published is None or work.updated > work.published):
        pairs.append(("Completed" if is_complete(work) else "Updated", work.updated.isoformat()))
    pairs.append(("Words", f"{total_words(work):,}"))
    pairs.append(("Chapters", chapters_text(work)))
    return pairs


def stats_text(work: ParsedWork) -> str:
    return " ".join(f"{label}: {value}" for label, value in stats(work))


def modified(work: ParsedWork):
    """The date the work last changed, as far as the file knows."""
    return work.updated or work.published


def has_chapter_headings(work: ParsedWork) -> bool:
    """A one-chapter work is shown as its text alone, unless the chapter has a title."""
    return len(work.chapters) > 1 or any(c.title.strip() for c in work.chapters)


def chapter_heading(number: int, chapter: ParsedChapter) -> str:
    title = " ".join(chapter.title.split())
    return f"Chapter {number}: {title}" if title else f"Chapter {number}"


def byline(work: ParsedWork) -> str:
    return ", ".join(c.strip() for c in work.creators if c.strip())


def archive_root(work_url: str) -> str:
    """The archive's front page, worked out from the work's address."""
    parts = urlsplit(work_url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else work_url


def notes_pointer(has_notes: bool, *, chapter: bool) -> str:
    where = "chapter" if chapter else "work"
    return f"See the end of the {where} for {'more ' if has_notes else ''}notes."


def comment_message(archive_name: str) -> str:
    return (
        f"Please drop by the {archive_name} and comment to let the creator know if you "
        "enjoyed their work!"
    )


def plain(text: str) -> str:
    """A title or name on one line."""
    return " ".join(text.split())
