"""Guests' copies of the busiest pages (works index, tag pages, work pages), kept in the
cache and dropped the moment anything they could show changes.

Invalidation is one counter, the generation, that is part of every page's cache key. It
goes up after every write to a table guest pages read from: the database connection
reports each INSERT, UPDATE and DELETE (`note_writes`), so forms, the API, imports, admin
actions, wrangling's raw SQL and `QuerySet.update()` all count, and a new write path cannot
forget. It goes up when the statement runs and again after the transaction commits, so a
guest who read the old rows in between cannot keep them cached.

Only guests without a session cookie get cached pages: logged-in readers, and guests who
said yes to the adult gate or have messages waiting, always get a fresh page. A form's CSRF
token is stored as a placeholder and filled in with the visitor's own token on the way out,
so guest kudos and comments work from a cached page.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
TOKEN_PLACEHOLDER = b"ficarchive-csrf-token-placeholder"
TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')

# Tables no guest page reads: writing to them (sessions, queues, readers' own history and
# inbox, mutes, tokens) keeps the cached pages.
UNSEEN_TABLES = (
    "django_session",
    "django_admin_log",
    "django_tasks",
    "accounts_muted",
    "api_accesstoken",
    "community_reading",
    "community_inboxitem",
    "community_hitday",
    "community_subscription",
    "community_savedsearchdelivery",
    "community_preferences",
    "community_report",
    "community_block",
    "search_savedsearch",
    "works_importbatch",
    "works_importfile",
)
# Writes to seen tables that still change nothing a guest must see at once: a log-in's
# timestamp, and buffered hits reaching the counters (shown up to the TTL late).
QUIET_WRITES = (
    re.compile(r'UPDATE "accounts_user" SET "last_login" = %s WHERE'),
    re.compile(r'UPDATE "works_work" SET "hits" = \("works_work"\."hits" \+ %s\) WHERE'),
)
WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+"?(\w+)',
    re.IGNORECASE,
)


# -- the generation -------------------------------------------------------------------------


def generation() -> int:
    """The current generation. A missing counter (Redis restarted or evicted it) starts
    from the clock, so it never repeats a generation whose pages may still be stored."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY, 0)
    return value


def bump() -> None:
    """Start a new generation: every page cached so far is never served again."""
    try:
        _next_generation()
    except Exception as error:  # an unreachable cache must not fail the write itself
        logger.warning("Page cache not invalidated: %s", error)


def _next_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter (yet, or any more): a new one from the clock is new too
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


def changes_guest_pages(sql: str) -> bool:
    """Does this statement write to a table that guest pages read?"""
    match = WRITE.match(sql)
    if match is None:
        # Only a CTE can write without starting with the verb; count it as a change.
        return sql.lstrip()[:4].upper() == "WITH" and bool(
            re.search(r"\b(INSERT|UPDATE|DELETE)\b", sql, re.IGNORECASE)
        )
    table = match.group(1).lower()
    if table.startswith(UNSEEN_TABLES):
        return False
    return not any(quiet.match(sql.lstrip()) for quiet in QUIET_WRITES)


def note_writes(execute: Callable, sql: str, params, many: bool, context: dict):
    """A database execute wrapper (installed on every connection by ficarchive.apps)."""
    result = execute(sql, params, many, context)
    if _enabled() and isinstance(sql, str) and changes_guest_pages(sql):
        connection = context["connection"]
        bump()
        if connection.in_atomic_block and not any(
            entry[1] is bump for entry in connection.run_on_commit
        ):
            connection.on_commit(bump)
    return result


# -- serving guests -------------------------------------------------------------------------


def _enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def guest_without_session(request: HttpRequest) -> bool:
    """A GET from a visitor with no session and no messages waiting: every such visitor is
    shown the same page for the same address. (A session would mean logged in, past the
    adult gate, or something else of their own.)"""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "view_adult" not in request.GET  # saying yes to the gate starts a session
    )


def _key(request: HttpRequest) -> str:
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:40]
    return f"page-cache:{generation()}:{address}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not (session is not None and session.modified)
        and not queued
    )


def _serve(request: HttpRequest, content: bytes, content_type: str) -> HttpResponse:
    """The stored page with this visitor's own CSRF token in its forms."""
    personal = TOKEN_PLACEHOLDER in content
    if personal:
        content = content.replace(TOKEN_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, content_type=content_type)
    response.shared_guest_page = not personal
    return response


def count_cached_view(request: HttpRequest, work_id: int) -> None:
    """A cached work page was served: count the hit its view would have counted."""
    from ficarchive.community.services import hits

    hits.record_guest_hit(request, work_id)


def cached_for_guests(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve sessionless guests a stored copy of this page while nothing it shows changed.
    Middleware (the listing rate limit, security headers) runs for copies as for pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _enabled() or not guest_without_session(request):
            return view(request, *args, **kwargs)
        try:
            key = _key(request)
            stored = cache.get(key)
        except Exception as error:  # Redis away: the page is built as if never cached
            logger.warning("Page cache not read: %s", error)
            return view(request, *args, **kwargs)
        if stored is not None:
            if stored["counted_work"] is not None:
                count_cached_view(request, stored["counted_work"])
            response = _serve(request, stored["content"], stored["content_type"])
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            content = TOKEN_FIELD.sub(rb"\1" + TOKEN_PLACEHOLDER + rb"\2", response.content)
            entry = {
                "content": content,
                "content_type": response["Content-Type"],
                "counted_work": getattr(request, "counted_work", None),
            }
            try:
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            except Exception as error:
                logger.warning("Page cache not written: %s", error)
            response.shared_guest_page = content == response.content
            response["X-Page-Cache"] = "miss"
        return response

    return wrapped


class CacheControlMiddleware:
    """Every page says who may keep a copy. Only a guest page with nothing personal in it
    (no form token, no cookie) may be kept by shared caches (nginx, a CDN), and only with
    FICARCHIVE_PAGE_CACHE_PUBLIC_SECONDS set; anything else is `private`, so a logged-in
    page is never handed to someone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response  # set on purpose: never_cache, static files
        public = settings.PAGE_CACHE_PUBLIC_SECONDS
        if public > 0 and getattr(response, "shared_guest_page", False) and not response.cookies:
            patch_cache_control(response, public=True, max_age=public)
            patch_vary_headers(response, ["Cookie"])
        else:
            patch_cache_control(response, private=True)
        return response
