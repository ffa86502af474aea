"""What the text index knows about a work: its words, gathered into named fields."""

from __future__ import annotations

from dataclasses import dataclass

from ficarchive.formats.sanitize import strip_tags
from ficarchive.works.models import Work

FIELDS = ("title", "creators", "summary", "notes", "tags", "series", "body")

# Languages with a PostgreSQL stemming configuration; others are indexed word for word.
POSTGRES_CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "fi": "finnish", "fr": "french", "hu": "hungarian",
    "id": "indonesian", "it": "italian", "lt": "lithuanian", "nl": "dutch", "no": "norwegian",
    "pt-br": "portuguese", "pt-pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "sv": "swedish", "tr": "turkish",
}  # fmt: skip


@dataclass
class Document:
    work_id: int
    language: str
    title: str
    creators: str
    summary: str
    notes: str
    tags: str
    series: str
    body: str

    def values(self) -> list[str]:
        return [getattr(self, name) for name in FIELDS]

    @property
    def config(self) -> str:
        return POSTGRES_CONFIGS.get(self.language, "simple")


def documents_for(work_ids: list[int]) -> list[Document]:
    """Build documents for these works in a fixed number of queries."""
    works = Work.objects.filter(pk__in=work_ids).prefetch_related(
        "tags", "chapters", "creatorships__pseud__user", "series_memberships__series"
    )
    return [document_for(work) for work in works]


def document_for(work: Work) -> Document:
    chapters = sorted(work.chapters.all(), key=lambda c: c.position)
    creators = [
        f"{ship.pseud.name} {ship.pseud.user.username}"
        for ship in work.creatorships.all()
        if ship.approved
    ]
    notes = [work.notes, work.end_notes]
    body = []
    for chapter in chapters:
        notes += [chapter.summary, chapter.notes, chapter.end_notes]
        body += [chapter.title, chapter.text]
    return Document(
        work_id=work.pk,
        language=work.language,
        title=work.title,
        creators=" ".join(creators),
        summary=strip_tags(work.summary),
        notes=strip_tags(" ".join(n for n in notes if n)),
        tags=", ".join(tag.name for tag in work.tags.all()),
        series=" ".join(m.series.title for m in work.series_memberships.all()),
        body=strip_tags("\n".join(b for b in body if b)),
    )
