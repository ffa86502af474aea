"""What the API returns, as Pydantic schemas: the OpenAPI description is generated from these."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

# The databases store 64-bit integers; a larger number in a filter would be an overflow
# error deep in the query rather than a clear 400.
MAX_INT = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


# Text that reaches a query unchecked by a site form: PostgreSQL refuses NUL in any text.
Text = Annotated[str, AfterValidator(_no_nul)]


class Error(Schema):
    message: str
    errors: dict[str, list[str]] = {}


class TagRef(Schema):
    id: int
    name: str
    type: str


class PseudRef(Schema):
    id: int
    name: str
    username: str
    byline: str


class SeriesRef(Schema):
    id: int
    title: str
    position: int


class Download(Schema):
    format: str
    label: str
    url: str


class ChapterRef(Schema):
    id: int
    position: int
    title: str
    heading: str
    word_count: int
    published_on: date


class Chapter(ChapterRef):
    work_id: int
    summary: str
    notes: str
    end_notes: str
    text: str


class WorkSummary(Schema):
    id: int
    url: str
    title: str
    summary: str
    creators: list[PseudRef]
    imported_creators: str
    rating: TagRef | None
    warnings: list[TagRef]
    categories: list[TagRef]
    fandoms: list[TagRef]
    relationships: list[TagRef]
    characters: list[TagRef]
    additional_tags: list[TagRef]
    language: str
    series: list[SeriesRef]
    word_count: int
    chapter_count: int
    expected_chapters: int | None
    complete: bool
    restricted: bool
    published_on: date
    revised_at: datetime
    hits: int
    kudos: int
    comments: int
    bookmarks: int


class Work(WorkSummary):
    notes: str
    end_notes: str
    posted: bool
    muted: bool
    chapters: list[ChapterRef]
    downloads: list[Download]


class WorkPage(Schema):
    count: int
    count_is_limit: bool
    next_cursor: str | None
    next: str | None
    results: list[WorkSummary]


class Series(Schema):
    id: int
    url: str
    title: str
    summary: str
    notes: str
    complete: bool
    creators: list[PseudRef]
    works: list[WorkSummary]


class Tag(Schema):
    id: int
    name: str
    type: str
    canonical: bool
    url: str
    works_count: int
    synonym_of: TagRef | None
    synonyms: list[TagRef]
    parents: list[TagRef]
    children: list[TagRef]
    metatags: list[TagRef]
    subtags: list[TagRef]


class TagPage(Schema):
    next_cursor: str | None
    next: str | None
    results: list[TagRef]


class Pseud(Schema):
    id: int
    name: str
    description: str
    is_default: bool


class User(Schema):
    username: str
    url: str
    pseuds: list[Pseud]
    works_count: int


class Me(Schema):
    username: str | None
    authenticated: bool
    token: str | None
    scope: str | None


class SeriesLink(Schema):
    id: int
    title: str
    url: str


class Bookmark(Schema):
    """A bookmark of a work (`work`) or of a series (`series`); the other is null."""

    id: int
    username: str
    pseud: PseudRef | None
    work: WorkSummary | None
    series: SeriesLink | None
    notes: str
    tags: list[str]
    rec: bool
    private: bool
    created_at: datetime
    updated_at: datetime


class BookmarkPage(Schema):
    count: int
    count_is_limit: bool
    next_cursor: str | None
    next: str | None
    results: list[Bookmark]


class Comment(Schema):
    """A comment as the site shows it to the caller. A deleted comment, or one hidden by the
    work's creator, is only its `placeholder` text: no author, date or body."""

    id: int
    url: str
    chapter_id: int
    parent_id: int | None
    placeholder: str | None
    author: str | None
    username: str | None = Field(description="The writer's account; null for guests.")
    body: str | None = Field(description="Sanitised HTML; null when there is a placeholder.")
    created_at: datetime | None
    edited_at: datetime | None
    approved: bool
    hidden: bool
    frozen: bool
    replies: list[Comment]
    more: bool = Field(description="Deeper replies exist: fetch this comment's `url`.")


class CommentPage(Schema):
    count: int
    next_cursor: str | None
    next: str | None
    results: list[Comment]


ERRORS = {400: Error, 401: Error, 404: Error, 429: Error}
WRITE_ERRORS = {**ERRORS, 403: Error}
