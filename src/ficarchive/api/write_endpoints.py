"""Writing: post and edit works and chapters, kudos, comments, bookmarks, subscriptions.

Every change needs a session (with its CSRF token) or a write-scoped token, and goes
through the site's forms and services (api/writing.py), so the rules are the site's.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status
from pydantic import ConfigDict, model_validator

from ficarchive import spam
from ficarchive.api import schemas, serialize, writing
from ficarchive.api.auth import RateLimited, writer

# The same router as reading: Django sends a path to one view, so GET /works and
# POST /works must be operations of one router.
from ficarchive.api.read_endpoints import router, work_for
from ficarchive.works.models import Chapter, Work

# A date as the JSON text `YYYY-MM-DD` (strict mode refuses strings for `date`).
IsoDate = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


class Body(Schema):
    """A JSON object, its values of exactly the documented types: no `0` for false, no
    `[null, null]` read as an object of nulls."""

    model_config = ConfigDict(strict=True)

    @model_validator(mode="wrap")
    @classmethod
    def _an_object(cls, value, handler):
        if not isinstance(value, dict | Schema):
            raise ValueError("Send a JSON object.")
        return handler(value)


class WorkIn(Body):
    """A work's fields; on edit, only the fields sent change (`expected_chapters: null`
    means "?")."""

    title: str | None = Field(None, max_length=10_000)
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None
    language: str | None = None
    published_on: IsoDate | None = None
    restricted: bool | None = None
    comment_permission: Literal["everyone", "registered", "nobody"] | None = None
    moderate_comments: bool | None = None
    rating: str | None = Field(None, description="e.g. `General Audiences`")
    warnings: list[str] | None = None
    categories: list[str] | None = None
    fandoms: list[str] | None = None
    relationships: list[str] | None = None
    characters: list[str] | None = None
    additional_tags: list[str] | None = None
    expected_chapters: int | None = Field(None, ge=1, le=99_999)
    chapter_title: str | None = Field(None, description="New works: the first chapter's title.")
    text: str | None = Field(None, description="New works: the first chapter's text.")
    post: bool = Field(False, description="Post it (otherwise a new work stays a draft).")


class ChapterIn(Body):
    title: str | None = None
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None
    text: str | None = None
    published_on: IsoDate | None = None


class ChapterOrder(Body):
    chapter_ids: list[schemas.Id]


class CommentIn(Body):
    body: str = Field(..., max_length=100_000)


class CommentOut(Schema):
    id: int
    body: str
    approved: bool


class BookmarkIn(Body):
    notes: str = Field("", max_length=100_000)
    tags: list[str] = []
    private: bool = False


class Done(Schema):
    message: str


def _payload(data: Schema) -> dict:
    return data.dict(exclude_unset=True)


@router.post("/works", response={201: schemas.Work, **schemas.WRITE_ERRORS}, tags=["writing"])
def post_work(request: HttpRequest, data: WorkIn):
    """Post a new work (or save a draft): the fields of the site's "Post New Work" form."""
    user = writer(request).user
    work = writing.save_work(user, Work(), _payload(data), post=data.post)
    return Status(201, serialize.work_detail(request, work_for(request, work.pk)))


@router.patch(
    "/works/{work_id}", response={200: schemas.Work, **schemas.WRITE_ERRORS}, tags=["writing"]
)
def edit_work(request: HttpRequest, work_id: schemas.Id, data: WorkIn):
    """Change a work's fields (its creators only); `post: true` posts a draft."""
    user = writer(request).user
    work = work_for(request, work_id)
    writing.save_work(user, work, _payload(data), post=data.post)
    return serialize.work_detail(request, work_for(request, work_id))


@router.delete("/works/{work_id}", response={204: None, **schemas.WRITE_ERRORS}, tags=["writing"])
def delete_work(request: HttpRequest, work_id: schemas.Id):
    """Delete a work and its chapters (its creators only)."""
    writing.delete_work(writer(request).user, work_for(request, work_id))
    return Status(204, None)


@router.post(
    "/works/{work_id}/chapters",
    response={201: schemas.Chapter, **schemas.WRITE_ERRORS},
    tags=["writing"],
)
def add_chapter(request: HttpRequest, work_id: schemas.Id, data: ChapterIn):
    user = writer(request).user
    work = work_for(request, work_id)
    chapter = writing.save_chapter(user, Chapter(work=work), _payload(data))
    return Status(201, serialize.chapter(chapter))


@router.patch(
    "/works/{work_id}/chapters/{chapter_id}",
    response={200: schemas.Chapter, **schemas.WRITE_ERRORS},
    tags=["writing"],
)
def edit_chapter(
    request: HttpRequest, work_id: schemas.Id, chapter_id: schemas.Id, data: ChapterIn
):
    user = writer(request).user
    chapter = get_object_or_404(Chapter, work=work_for(request, work_id), pk=chapter_id)
    return serialize.chapter(writing.save_chapter(user, chapter, _payload(data)))


@router.put(
    "/works/{work_id}/chapter-order",
    response={200: list[schemas.ChapterRef], **schemas.WRITE_ERRORS},
    tags=["writing"],
)
def order_chapters(request: HttpRequest, work_id: schemas.Id, data: ChapterOrder):
    """Put the chapters in this order (every chapter id once)."""
    user = writer(request).user
    work = work_for(request, work_id)
    writing.reorder_chapters(user, work, data.chapter_ids)
    return [serialize.chapter_ref(c) for c in work.chapters.order_by("position")]


@router.post(
    "/works/{work_id}/kudos", response={201: Done, **schemas.WRITE_ERRORS}, tags=["feedback"]
)
def leave_kudos(request: HttpRequest, work_id: schemas.Id):
    writer(request)
    writing.give_kudos(request, work_for(request, work_id))
    return Status(201, {"message": "Thank you for leaving kudos!"})


@router.post(
    "/works/{work_id}/chapters/{chapter_id}/comments",
    response={201: CommentOut, **schemas.WRITE_ERRORS},
    tags=["feedback"],
)
def comment(request: HttpRequest, work_id: schemas.Id, chapter_id: schemas.Id, data: CommentIn):
    user = writer(request).user
    chapter = get_object_or_404(Chapter, work=work_for(request, work_id), pk=chapter_id)
    try:
        spam.check_comment_rate(request)  # shared with the site's comment form
    except spam.RateLimitedError as error:
        raise RateLimited(error.wait, error.message) from None
    posted = writing.post_comment(user, chapter, data.body)
    return Status(201, {"id": posted.pk, "body": posted.body, "approved": posted.approved})


@router.put(
    "/works/{work_id}/bookmark", response={200: Done, **schemas.WRITE_ERRORS}, tags=["feedback"]
)
def bookmark(request: HttpRequest, work_id: schemas.Id, data: BookmarkIn):
    """Bookmark a work, or change your bookmark of it."""
    user = writer(request).user
    writing.bookmark(user, work_for(request, work_id), data.notes, data.tags, data.private)
    return {"message": "Bookmarked."}


@router.put(
    "/works/{work_id}/subscription", response={200: Done, **schemas.WRITE_ERRORS}, tags=["feedback"]
)
def subscribe(request: HttpRequest, work_id: schemas.Id):
    """Be told (in your inbox) when the work gets a new chapter."""
    user = writer(request).user
    writing.subscribe(user, work_for(request, work_id))
    return {"message": "Subscribed."}
