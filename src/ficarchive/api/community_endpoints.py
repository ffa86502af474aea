"""Reading what readers leave: bookmarks and comment threads.

Both go through the community app's own rules, so the API shows exactly what the site's
pages show the same viewer: Bookmark.objects.visible_to (the work's or series' visibility,
private bookmarks, muted users) and the work page's threads (threads.build: placeholders for
deleted and hidden comments, unapproved ones only to their writer and the work's
moderators, muted users left out).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema

from ficarchive.api import schemas, serialize
from ficarchive.api.auth import caller
from ficarchive.api.listing import MAX_PAGE, decode_cursor, encode_cursor, next_url

# The same router as reading and writing: POST and GET .../comments are one path.
from ficarchive.api.read_endpoints import _person, router, work_for
from ficarchive.community.models import Bookmark
from ficarchive.community.services import threads
from ficarchive.community.services.rules import can_moderate
from ficarchive.community.work_page import THREADS_PER_PAGE, top_comments
from ficarchive.works.models import Chapter, Work


class PageQuery(Schema):
    cursor: str | None = Field(None, description="From `next_cursor` of the previous page.")
    limit: int | None = Field(None, ge=1, le=MAX_PAGE, description="Items per page.")


def _window(items, params: PageQuery, default: int) -> tuple[list, int, str | None]:
    """One page of `items` (a queryset in its final order), the count and the next cursor."""
    limit = params.limit or default
    offset = decode_cursor(params.cursor)
    found = list(items[offset : offset + limit + 1])
    cursor = encode_cursor(offset + limit) if len(found) > limit else None
    return found[:limit], offset, cursor


# -- bookmarks ------------------------------------------------------------------------------


def _bookmark_page(request: HttpRequest, shown, params: PageQuery) -> dict:
    """As the site's bookmark listings: newest change first, the count capped like theirs."""
    listed = shown.select_related("user", "pseud__user", "series").prefetch_related("tags")
    found, _, cursor = _window(listed, params, settings.WORKS_PER_PAGE)
    works = Work.objects.filter(pk__in=[b.work_id for b in found if b.work_id]).for_listing()
    works = {work.pk: work for work in works}
    cap = settings.LISTING_COUNT_LIMIT
    counted = shown.values("pk")[: cap + 1].count()
    return {
        "count": min(counted, cap),
        "count_is_limit": counted > cap,
        "next_cursor": cursor,
        "next": next_url(request, cursor),
        "results": [_bookmark(request, b, works.get(b.work_id)) for b in found],
    }


def _bookmark(request: HttpRequest, bookmark: Bookmark, work: Work | None) -> dict:
    series = bookmark.series
    return {
        "id": bookmark.pk,
        "username": bookmark.user.username,
        "pseud": serialize.pseud_ref(bookmark.pseud) if bookmark.pseud_id else None,
        "work": serialize.work_summary(request, work) if work is not None else None,
        "series": None
        if series is None
        else {
            "id": series.pk,
            "title": series.title,
            "url": request.build_absolute_uri(series.get_absolute_url()),
        },
        "notes": bookmark.notes,
        "tags": bookmark.tag_names,
        "rec": bookmark.rec,
        "private": bookmark.private,
        "created_at": bookmark.created_at,
        "updated_at": bookmark.updated_at,
    }


@router.get(
    "/works/{work_id}/bookmarks",
    response={200: schemas.BookmarkPage, **schemas.ERRORS},
    tags=["feedback"],
)
def work_bookmarks(request: HttpRequest, work_id: schemas.Id, params: Query[PageQuery]):
    """A work's public bookmarks, as its Bookmarks page shows them to the caller."""
    user = caller(request).user
    work = work_for(request, work_id)
    shown = Bookmark.objects.visible_to(user, muted=True).filter(work=work, private=False)
    return _bookmark_page(request, shown, params)


@router.get(
    "/users/{username}/bookmarks",
    response={200: schemas.BookmarkPage, **schemas.ERRORS},
    tags=["people"],
)
def user_bookmarks(request: HttpRequest, username: str, params: Query[PageQuery]):
    """A user's bookmarks of works and series the caller may see; private ones only to
    their owner."""
    user = caller(request).user
    shown = Bookmark.objects.visible_to(user).filter(user=_person(username))
    return _bookmark_page(request, shown, params)


# -- comments -------------------------------------------------------------------------------


def _comment(request: HttpRequest, node: threads.Node) -> dict:
    comment = node.comment
    covered = bool(node.placeholder)  # deleted or hidden: the site shows only the placeholder
    return {
        "id": comment.pk,
        "url": request.build_absolute_uri(comment.get_absolute_url()),
        "chapter_id": comment.chapter_id,
        "parent_id": comment.parent_id,
        "placeholder": node.placeholder or None,
        "author": None if covered else comment.author_name,
        "username": None if covered or comment.user is None else comment.user.username,
        "body": None if covered else comment.body,
        "created_at": None if covered else comment.created_at,
        "edited_at": None if covered else comment.edited_at,
        "approved": comment.approved,
        "hidden": comment.hidden,
        "frozen": comment.frozen,
        "replies": [_comment(request, reply) for reply in node.replies],
        "more": node.more,
    }


def _threads(request: HttpRequest, work: Work, chapters: list[Chapter], params: PageQuery):
    """The work page's comment threads on `chapters`, a page of top-level comments."""
    user = caller(request).user
    roots = top_comments(chapters, user, can_moderate(work, user))
    found, _, cursor = _window(roots, params, THREADS_PER_PAGE)
    return {
        "count": roots.count(),
        "next_cursor": cursor,
        "next": next_url(request, cursor),
        "results": [_comment(request, node) for node in threads.build(found, user, work)],
    }


@router.get(
    "/works/{work_id}/comments",
    response={200: schemas.CommentPage, **schemas.ERRORS},
    tags=["feedback"],
)
def work_comments(request: HttpRequest, work_id: schemas.Id, params: Query[PageQuery]):
    """Comment threads on every chapter, as the work's "Entire Work" page shows them: a page
    of top-level comments, oldest first, each with five levels of replies."""
    work = work_for(request, work_id)
    return _threads(request, work, list(work.chapters.order_by("position")), params)


@router.get(
    "/works/{work_id}/chapters/{chapter_id}/comments",
    response={200: schemas.CommentPage, **schemas.ERRORS},
    tags=["feedback"],
)
def chapter_comments(
    request: HttpRequest, work_id: schemas.Id, chapter_id: schemas.Id, params: Query[PageQuery]
):
    """Comment threads on one chapter, as its page shows them."""
    work = work_for(request, work_id)
    chapter = get_object_or_404(Chapter, work=work, pk=chapter_id)
    return _threads(request, work, [chapter], params)
