"""The archive-independent shape of a work, shared by every importer and exporter.

Importers turn bytes into a ParsedWork; exporters turn a ParsedWork into bytes. Nothing
here knows about Django: the archive converts its models to and from this shape
(works/exchange.py), so formats can be tested on their own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class ParsedChapter:
    title: str = ""
    summary: str = ""  # HTML
    notes: str = ""  # HTML
    end_notes: str = ""  # HTML
    text: str = ""  # HTML
    words: int = 0


@dataclass
class SeriesPart:
    title: str
    position: int | None = None


@dataclass
class ParsedWork:
    """A work as a file describes it. Empty values mean "not found", never "invented"."""

    title: str = ""
    creators: list[str] = field(default_factory=list)  # pseud names as the file gives them
    rating: str = ""  # one of the archive's rating names, or "" when the file has none
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    additional_tags: list[str] = field(default_factory=list)
    language: str = ""  # a language code ("en") or the name the file gives ("English")
    series: list[SeriesPart] = field(default_factory=list)
    summary: str = ""  # HTML
    notes: str = ""  # HTML
    end_notes: str = ""  # HTML
    published: date | None = None
    updated: date | None = None
    complete: bool | None = None
    expected_chapters: int | None = None
    source_url: str = ""
    chapters: list[ParsedChapter] = field(default_factory=list)
    # What the importer looked for and could not find, in words for the person importing.
    missing: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """The JSON shape `ficarchive import --dry-run --json` prints."""
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        data["updated"] = self.updated.isoformat() if self.updated else None
        data["series"] = [{"title": s.title, "position": s.position} for s in self.series]
        return data

    @classmethod
    def from_json(cls, data: dict) -> ParsedWork:
        """The work as_json() described: a parse is stored once and read back when the
        person importing confirms, instead of parsing the file again."""
        fields = dict(data)
        fields["published"] = _date(fields.get("published"))
        fields["updated"] = _date(fields.get("updated"))
        fields["series"] = [SeriesPart(**part) for part in fields.get("series", [])]
        fields["chapters"] = [ParsedChapter(**chapter) for chapter in fields.get("chapters", [])]
        return cls(**fields)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class FormatError(ValueError):
    """A file that can't be read or written, with a message for the person importing it."""
