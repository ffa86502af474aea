"""The JSON API, version 1: thin endpoints over the site's own querysets and services.

Every work goes through Work.objects.visible_to(caller), the rule the pages use, so the API
can show nothing the site would not.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from ficarchive.api import schemas, serialize, writing
from ficarchive.api.auth import BadToken, CsrfFailed, RateLimited, ReadOnlyToken, caller, writer
from ficarchive.api.listing import (
    FieldErrors,
    decode_cursor,
    encode_cursor,
    next_url,
    parse_filters,
    works_page,
)
from ficarchive.search.filters import SORTS
from ficarchive.tags.models import Tag, TagType
from ficarchive.works.models import Chapter, Series, Work

api = NinjaAPI(
    title="Ficarchive API",
    version="1",
    description=(
        "Read works, chapters, series, tags and people; the same visibility as the site. "
        "Authenticate with `Authorization: Bearer <personal access token>` (see docs/api.md)."
    ),
    urls_namespace="api-v1",
    docs=Swagger(),
    docs_url="/docs/",
)

ERRORS = {400: schemas.Error, 401: schemas.Error, 404: schemas.Error, 429: schemas.Error}
WRITE_ERRORS = {**ERRORS, 403: schemas.Error}


def _error(request, message: str, status: int, errors: dict | None = None, **headers):
    response = api.create_response(
        request, {"message": message, "errors": errors or {}}, status=status
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        name = str(error.get("loc", ["request"])[-1])
        errors.setdefault(name, []).append(error.get("msg", "Not valid."))
    return _error(request, "Some parameters are not valid.", 400, errors)


@api.exception_handler(FieldErrors)
def _field_errors(request, exc: FieldErrors):
    return _error(request, str(exc), 400, exc.errors)


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return _error(request, str(exc) or "Not found, or you may not see it.", 404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, str(exc), exc.status_code)


@api.exception_handler(BadToken)
def _bad_token(request, exc: BadToken):
    return _error(
        request,
        "Sign in, or send a valid personal access token as `Authorization: Bearer …`.",
        401,
        WWW_Authenticate='Bearer realm="ficarchive"',
    )


@api.exception_handler(ReadOnlyToken)
def _read_only(request, exc: ReadOnlyToken):
    return _error(request, "This token can only read; make a write token to change things.", 403)


@api.exception_handler(CsrfFailed)
def _csrf(request, exc: CsrfFailed):
    return _error(request, "Send the CSRF token with session requests, or use a token.", 403)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    return _error(request, str(exc) or "You may not do that.", 403)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    return _error(
        request, "Too many requests; try again later.", 429, Retry_After=str(exc.retry_after)
    )


class WorkFilters(Schema):
    """The Sort and Filter of the site's listings, as query parameters (documented here;
    the site's own form reads them)."""

    q: str | None = Field(None, description="Text search, with shortcuts like `words>1000`.")
    sort: Literal[tuple(SORTS)] | None = None  # type: ignore[valid-type]
    include: str | None = Field(None, description="Tag names, comma-separated; each must match.")
    exclude: str | None = Field(None, description="Tag names, comma-separated; any one removes.")
    ratings: list[int] | None = Field(None, description="Rating tag ids (any of).")
    warnings: list[int] | None = Field(None, description="Warning tag ids (any of).")
    categories: list[int] | None = Field(None, description="Category tag ids (any of).")
    complete: Literal["true", "false", ""] | None = None
    single_chapter: bool | None = None
    crossover: Literal["exclude", "only", ""] | None = None
    language: str | None = None
    words_from: int | None = Field(None, ge=0)
    words_to: int | None = Field(None, ge=0)
    kudos_from: int | None = Field(None, ge=0)
    hits_from: int | None = Field(None, ge=0)
    comments_from: int | None = Field(None, ge=0)
    bookmarks_from: int | None = Field(None, ge=0)
    updated_from: date | None = None
    updated_to: date | None = None
    cursor: str | None = Field(None, description="From `next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=100, description="Works per page (default 20).")


def _works_page(request: HttpRequest, works, params: WorkFilters, default_sort: str) -> dict:
    filters = parse_filters(request.GET, default_sort)
    page = works_page(works, filters, cursor=params.cursor, limit=params.limit)
    return {
        "count": page.count,
        "count_is_limit": page.count_is_limit,
        "next_cursor": page.next_cursor,
        "next": next_url(request, page.next_cursor),
        "results": [serialize.work_summary(request, work) for work in page.works],
    }


@api.get("/works", response={200: schemas.WorkPage, **ERRORS}, tags=["works"])
def list_works(request: HttpRequest, params: Query[WorkFilters]):
    """Works the caller may see, filtered, searched and sorted as on the site."""
    user = caller(request).user
    return _works_page(request, Work.objects.visible_to(user), params, "updated")


def _work_for(request: HttpRequest, work_id: int) -> Work:
    """As the work page: muted works still open by address (flagged), guests asking for a
    restricted work are told to authenticate, anything else unseen is simply not found."""
    user = caller(request).user
    visible = Work.objects.visible_to(user, muted=True)
    work = visible.for_listing().filter(pk=work_id).first()
    if work is None:
        if not user.is_authenticated and Work.objects.needs_login().filter(pk=work_id).exists():
            raise BadToken
        raise Http404("No work here, or you may not see it.")
    work.muted = visible.filter(pk=work_id).muted_for(user)
    return work


@api.get("/works/{work_id}", response={200: schemas.Work, **ERRORS}, tags=["works"])
def get_work(request: HttpRequest, work_id: int):
    """A work with its chapters (without their text) and download links."""
    return serialize.work_detail(request, _work_for(request, work_id))


@api.get(
    "/works/{work_id}/chapters/{chapter_id}",
    response={200: schemas.Chapter, **ERRORS},
    tags=["works"],
)
def get_chapter(request: HttpRequest, work_id: int, chapter_id: int):
    """One chapter with its text (sanitised HTML)."""
    work = _work_for(request, work_id)
    return serialize.chapter(get_object_or_404(Chapter, work=work, pk=chapter_id))


@api.get("/series/{series_id}", response={200: schemas.Series, **ERRORS}, tags=["series"])
def get_series(request: HttpRequest, series_id: int):
    """A series and the works in it the caller may see, in series order."""
    user = caller(request).user
    series = get_object_or_404(Series.objects.visible_to(user), pk=series_id)
    works = series.works_visible_to(user).for_listing()
    return {
        "id": series.pk,
        "url": request.build_absolute_uri(series.get_absolute_url()),
        "title": series.title,
        "summary": series.summary,
        "notes": series.notes,
        "complete": series.complete,
        "creators": [
            serialize.pseud_ref(p) for p in series.creators.select_related("user").order_by("pk")
        ],
        "works": [serialize.work_summary(request, work) for work in works],
    }


class TagQuery(Schema):
    type: TagType | None = Field(None, description="Only tags of this type.")
    q: str | None = Field(None, max_length=150, description="Names starting with this.")
    cursor: str | None = None
    limit: int | None = Field(None, ge=1, le=100)


@api.get("/tags", response={200: schemas.TagPage, **ERRORS}, tags=["tags"])
def list_tags(request: HttpRequest, params: Query[TagQuery]):
    """Canonical tags, the most used first: the ones filters use."""
    user = caller(request).user
    count_field = "works_count" if user.is_authenticated else "public_works_count"
    tags = Tag.objects.filter(canonical=True)
    if params.type:
        tags = tags.filter(type=params.type)
    if params.q:
        tags = tags.filter(name__istartswith=params.q.strip())
    limit = params.limit or 50
    offset = decode_cursor(params.cursor)
    found = list(tags.order_by(f"-{count_field}", "name", "pk")[offset : offset + limit + 1])
    cursor = encode_cursor(offset + limit) if len(found) > limit else None
    return {
        "next_cursor": cursor,
        "next": next_url(request, cursor),
        "results": [serialize.tag_ref(tag) for tag in found[:limit]],
    }


@api.get("/tags/{tag_id}", response={200: schemas.Tag, **ERRORS}, tags=["tags"])
def get_tag(request: HttpRequest, tag_id: int):
    """A tag and its wrangling: synonyms, parents and children, metatags and subtags. Its
    works: `GET /works?include=<name>`."""
    user = caller(request).user
    tag = get_object_or_404(Tag.objects.select_related("merger"), pk=tag_id)

    def refs(tags) -> list[dict]:
        return [serialize.tag_ref(t) for t in tags.order_by("name", "pk")]

    return {
        "id": tag.pk,
        "name": tag.name,
        "type": tag.type,
        "canonical": tag.canonical,
        "url": request.build_absolute_uri(tag.get_absolute_url()),
        "works_count": tag.works_count if user.is_authenticated else tag.public_works_count,
        "synonym_of": serialize.tag_ref(tag.merger) if tag.merger_id else None,
        "synonyms": refs(Tag.objects.filter(merger=tag)),
        "parents": refs(tag.parents.all()),
        "children": refs(tag.children.all()),
        "metatags": refs(tag.metatags.all()),
        "subtags": refs(tag.subtags.all()),
    }


def _person(username: str):
    return get_object_or_404(get_user_model(), username__iexact=username, is_active=True)


@api.get("/users/{username}", response={200: schemas.User, **ERRORS}, tags=["people"])
def get_user(request: HttpRequest, username: str):
    """A user and their pseuds; their works: `GET /users/{username}/works`."""
    user = caller(request).user
    person = _person(username)
    return {
        "username": person.username,
        "url": request.build_absolute_uri(person.get_absolute_url()),
        "pseuds": [
            {"id": p.pk, "name": p.name, "description": p.description, "is_default": p.is_default}
            for p in person.pseuds.order_by("-is_default", "name")
        ],
        "works_count": Work.objects.visible_to(user).by_user(person).count(),
    }


@api.get("/users/{username}/works", response={200: schemas.WorkPage, **ERRORS}, tags=["people"])
def list_user_works(request: HttpRequest, username: str, params: Query[WorkFilters]):
    """A user's works (every pseud), with the same filters as /works."""
    user = caller(request).user
    works = Work.objects.visible_to(user).by_user(_person(username))
    return _works_page(request, works, params, "updated")


@api.get("/me", response={200: schemas.Me, **ERRORS}, tags=["people"])
def me(request: HttpRequest):
    """Who the API takes the caller to be: a quick check of a token."""
    who = caller(request)
    return {
        "username": who.user.username if who.user.is_authenticated else None,
        "authenticated": who.user.is_authenticated,
        "token": who.token.name if who.token else None,
        "scope": who.token.scope if who.token else ("write" if who.can_write else None),
    }


# Writing. Every change needs a session (with its CSRF token) or a write-scoped token, and
# goes through the site's forms and services, so the rules are the site's.


class WorkIn(Schema):
    """A work's fields; on edit, only the fields sent change (`expected_chapters: null`
    means "?")."""

    title: str | None = Field(None, max_length=10_000)
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None
    language: str | None = None
    published_on: date | None = None
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


class ChapterIn(Schema):
    title: str | None = None
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None
    text: str | None = None
    published_on: date | None = None


class ChapterOrder(Schema):
    chapter_ids: list[int]


class CommentIn(Schema):
    body: str = Field(..., max_length=100_000)


class CommentOut(Schema):
    id: int
    body: str
    approved: bool


class BookmarkIn(Schema):
    notes: str = Field("", max_length=100_000)
    tags: list[str] = []
    private: bool = False


class Done(Schema):
    message: str


def _payload(data: Schema) -> dict:
    return data.dict(exclude_unset=True)


@api.post("/works", response={201: schemas.Work, **WRITE_ERRORS}, tags=["writing"])
def post_work(request: HttpRequest, data: WorkIn):
    """Post a new work (or save a draft): the fields of the site's "Post New Work" form."""
    user = writer(request).user
    work = writing.save_work(user, Work(), _payload(data), post=data.post)
    return Status(201, serialize.work_detail(request, _work_for(request, work.pk)))


@api.patch("/works/{work_id}", response={200: schemas.Work, **WRITE_ERRORS}, tags=["writing"])
def edit_work(request: HttpRequest, work_id: int, data: WorkIn):
    """Change a work's fields (its creators only); `post: true` posts a draft."""
    user = writer(request).user
    work = _work_for(request, work_id)
    writing.save_work(user, work, _payload(data), post=data.post)
    return serialize.work_detail(request, _work_for(request, work_id))


@api.delete("/works/{work_id}", response={204: None, **WRITE_ERRORS}, tags=["writing"])
def delete_work(request: HttpRequest, work_id: int):
    """Delete a work and its chapters (its creators only)."""
    writing.delete_work(writer(request).user, _work_for(request, work_id))
    return Status(204, None)


@api.post(
    "/works/{work_id}/chapters", response={201: schemas.Chapter, **WRITE_ERRORS}, tags=["writing"]
)
def add_chapter(request: HttpRequest, work_id: int, data: ChapterIn):
    user = writer(request).user
    work = _work_for(request, work_id)
    chapter = writing.save_chapter(user, Chapter(work=work), _payload(data))
    return Status(201, serialize.chapter(chapter))


@api.patch(
    "/works/{work_id}/chapters/{chapter_id}",
    response={200: schemas.Chapter, **WRITE_ERRORS},
    tags=["writing"],
)
def edit_chapter(request: HttpRequest, work_id: int, chapter_id: int, data: ChapterIn):
    user = writer(request).user
    chapter = get_object_or_404(Chapter, work=_work_for(request, work_id), pk=chapter_id)
    return serialize.chapter(writing.save_chapter(user, chapter, _payload(data)))


@api.put(
    "/works/{work_id}/chapter-order",
    response={200: list[schemas.ChapterRef], **WRITE_ERRORS},
    tags=["writing"],
)
def order_chapters(request: HttpRequest, work_id: int, data: ChapterOrder):
    """Put the chapters in this order (every chapter id once)."""
    user = writer(request).user
    work = _work_for(request, work_id)
    writing.reorder_chapters(user, work, data.chapter_ids)
    return [serialize.chapter_ref(c) for c in work.chapters.order_by("position")]


@api.post("/works/{work_id}/kudos", response={201: Done, **WRITE_ERRORS}, tags=["feedback"])
def leave_kudos(request: HttpRequest, work_id: int):
    writer(request)
    writing.give_kudos(request, _work_for(request, work_id))
    return Status(201, {"message": "Thank you for leaving kudos!"})


@api.post(
    "/works/{work_id}/chapters/{chapter_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    tags=["feedback"],
)
def comment(request: HttpRequest, work_id: int, chapter_id: int, data: CommentIn):
    user = writer(request).user
    chapter = get_object_or_404(Chapter, work=_work_for(request, work_id), pk=chapter_id)
    posted = writing.post_comment(user, chapter, data.body)
    return Status(201, {"id": posted.pk, "body": posted.body, "approved": posted.approved})


@api.put("/works/{work_id}/bookmark", response={200: Done, **WRITE_ERRORS}, tags=["feedback"])
def bookmark(request: HttpRequest, work_id: int, data: BookmarkIn):
    """Bookmark a work, or change your bookmark of it."""
    user = writer(request).user
    writing.bookmark(user, _work_for(request, work_id), data.notes, data.tags, data.private)
    return {"message": "Bookmarked."}


@api.put("/works/{work_id}/subscription", response={200: Done, **WRITE_ERRORS}, tags=["feedback"])
def subscribe(request: HttpRequest, work_id: int):
    """Be told (in your inbox) when the work gets a new chapter."""
    user = writer(request).user
    writing.subscribe(user, _work_for(request, work_id))
    return {"message": "Subscribed."}
