"""A per-address rate limit on the pages that cost the most to build: listings and
search, which filter, count and sort many works. Reading a work, posting and the account
pages are not limited, so a reader is never stopped mid-story."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader

from ficarchive.throttle import Limit, client_address, in_words, record, wait_seconds

RATE_LIMITED_PAGES = {
    "works", "search", "tag", "tag_works", "fandoms", "work_bookmarks",
    "user_works", "user_series", "user_bookmarks", "pseud",
}  # fmt: skip


class ListingRateLimitMiddleware:
    """Answer 429 with Retry-After once an address has asked for too many listing pages
    (settings.LISTING_RATE_LIMIT per LISTING_RATE_LIMIT_SECONDS; 0 turns it off)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if not settings.LISTING_RATE_LIMIT or match is None:
            return None
        if match.url_name not in RATE_LIMITED_PAGES:
            return None
        limit = Limit("listing", settings.LISTING_RATE_LIMIT, settings.LISTING_RATE_LIMIT_SECONDS)
        key = client_address(request)
        wait = wait_seconds(limit, key)
        if not wait:
            record(limit, key)
            return None
        page = loader.get_template("errors/429.html").render({"wait": in_words(wait)}, request)
        response = HttpResponse(page, status=429)
        response["Retry-After"] = str(wait)
        return response
