"""Reading: works (with the site's Sort and Filter), chapters, series, tags and people.

Every work goes through Work.objects.visible_to(caller), the rule the pages use, so the API
can show nothing the site would not.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from ficarchive.api import schemas, serialize
from ficarchive.api.auth import BadToken, caller
from ficarchive.api.listing import (
    decode_cursor,
    encode_cursor,
    next_url,
    parse_filters,
    works_page,
)
from ficarchive.search.filters import SORTS
from ficarchive.tags.models import Tag, TagType
from ficarchive.works.models import Chapter, Series, Work

router = Router()


class WorkFilters(Schema):
    """The Sort and Filter of the site's listings, as query parameters (documented here;
    the site's own form reads them)."""

    q: str | None = Field(None, description="Text search, with shortcuts like `words>1000`.")
    sort: Literal[tuple(SORTS)] | None = None  # type: ignore[valid-type]
    include: str | None = Field(None, description="Tag names, comma-separated; each must match.")
    exclude: str | None = Field(None, description="Tag names, comma-separated; any one removes.")
    ratings: list[schemas.Id] | None = Field(None, description="Rating tag ids (any of).")
    warnings: list[schemas.Id] | None = Field(None, description="Warning tag ids (any of).")
    categories: list[schemas.Id] | None = Field(None, description="Category tag ids (any of).")
    complete: Literal["true", "false", ""] | None = None
    single_chapter: bool | None = None
    crossover: Literal["exclude", "only", ""] | None = None
    language: str | None = None
    words_from: schemas.Count | None = None
    words_to: schemas.Count | None = None
    kudos_from: schemas.Count | None = None
    hits_from: schemas.Count | None = None
    comments_from: schemas.Count | None = None
    bookmarks_from: schemas.Count | None = None
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


@router.get("/works", response={200: schemas.WorkPage, **schemas.ERRORS}, tags=["works"])
def list_works(request: HttpRequest, params: Query[WorkFilters]):
    """Works the caller may see, filtered, searched and sorted as on the site."""
    user = caller(request).user
    return _works_page(request, Work.objects.visible_to(user), params, "updated")


def work_for(request: HttpRequest, work_id: int) -> Work:
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


@router.get("/works/{work_id}", response={200: schemas.Work, **schemas.ERRORS}, tags=["works"])
def get_work(request: HttpRequest, work_id: schemas.Id):
    """A work with its chapters (without their text) and download links."""
    return serialize.work_detail(request, work_for(request, work_id))


@router.get(
    "/works/{work_id}/chapters/{chapter_id}",
    response={200: schemas.Chapter, **schemas.ERRORS},
    tags=["works"],
)
def get_chapter(request: HttpRequest, work_id: schemas.Id, chapter_id: schemas.Id):
    """One chapter with its text (sanitised HTML)."""
    work = work_for(request, work_id)
    return serialize.chapter(get_object_or_404(Chapter, work=work, pk=chapter_id))


@router.get(
    "/series/{series_id}", response={200: schemas.Series, **schemas.ERRORS}, tags=["series"]
)
def get_series(request: HttpRequest, series_id: schemas.Id):
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
    q: schemas.Text | None = Field(None, max_length=150, description="Names starting with this.")
    cursor: str | None = None
    limit: int | None = Field(None, ge=1, le=100)


@router.get("/tags", response={200: schemas.TagPage, **schemas.ERRORS}, tags=["tags"])
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


@router.get("/tags/{tag_id}", response={200: schemas.Tag, **schemas.ERRORS}, tags=["tags"])
def get_tag(request: HttpRequest, tag_id: schemas.Id):
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


@router.get("/users/{username}", response={200: schemas.User, **schemas.ERRORS}, tags=["people"])
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


@router.get(
    "/users/{username}/works", response={200: schemas.WorkPage, **schemas.ERRORS}, tags=["people"]
)
def list_user_works(request: HttpRequest, username: str, params: Query[WorkFilters]):
    """A user's works (every pseud), with the same filters as /works."""
    user = caller(request).user
    works = Work.objects.visible_to(user).by_user(_person(username))
    return _works_page(request, works, params, "updated")


@router.get("/me", response={200: schemas.Me, **schemas.ERRORS}, tags=["people"])
def me(request: HttpRequest):
    """Who the API takes the caller to be: a quick check of a token."""
    who = caller(request)
    return {
        "username": who.user.username if who.user.is_authenticated else None,
        "authenticated": who.user.is_authenticated,
        "token": who.token.name if who.token else None,
        "scope": who.token.scope if who.token else ("write" if who.can_write else None),
    }
