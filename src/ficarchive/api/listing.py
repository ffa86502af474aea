"""Works listings for the API and feeds, through the site's own Sort and Filter.

Pages are addressed by an opaque cursor holding an offset, signed so clients treat it as a
token. Keyset cursors would need a key per sort (best match is a rank, not a column) and
the sort code in search/ to learn them; an offset needs nothing new and serves every sort.
The cursor's format can change to a keyset later without breaking clients.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, QueryDict

from ficarchive.search.filters import FilterForm, Filters, apply, matching_ids

SALT = "ficarchive.api.cursor"
MAX_PAGE = 100


class FieldErrors(Exception):
    """Bad input: a message and errors per field, answered as 400."""

    def __init__(self, errors: dict[str, list[str]], message: str = "") -> None:
        super().__init__(message or "Some parameters are not valid.")
        self.errors = errors


def encode_cursor(offset: int) -> str:
    return signing.dumps(offset, salt=SALT, compress=True)


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        offset = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        raise FieldErrors({"cursor": ["This cursor is not one we gave out."]}) from None
    if not isinstance(offset, int) or offset < 0:
        raise FieldErrors({"cursor": ["This cursor is not one we gave out."]})
    return offset


def parse_filters(params: QueryDict, default_sort: str = "updated") -> Filters:
    """The site's filters from query parameters; unlike the site, bad ones are an error."""
    form = FilterForm(params)
    if not form.is_valid():
        raise FieldErrors({name: list(errors) for name, errors in form.errors.items()})
    return form.filters(default_sort)


@dataclass
class WorksPage:
    works: list
    count: int
    count_is_limit: bool
    next_cursor: str | None


def works_page(
    works,
    filters: Filters,
    *,
    cursor: str | None = None,
    offset: int | None = None,
    limit: int | None = None,
) -> WorksPage:
    """One page of `works` (already limited by visible_to) filtered and sorted as the site
    does, with the count capped like the site's listings (LISTING_COUNT_LIMIT). Feeds that
    number their pages pass `offset` instead of a cursor."""
    limit = min(max(limit or settings.WORKS_PER_PAGE, 1), MAX_PAGE)
    offset = decode_cursor(cursor) if offset is None else offset
    results = apply(works, filters).for_listing()
    items = list(results[offset : offset + limit + 1])
    cap = settings.LISTING_COUNT_LIMIT
    counted = matching_ids(works, filters)[: cap + 1].count()
    return WorksPage(
        works=items[:limit],
        count=min(counted, cap),
        count_is_limit=counted > cap,
        next_cursor=encode_cursor(offset + limit) if len(items) > limit else None,
    )


def next_url(request: HttpRequest, cursor: str | None) -> str | None:
    """This request's address with the next cursor, for clients that just follow links."""
    if cursor is None:
        return None
    params = request.GET.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
