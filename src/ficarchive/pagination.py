"""One way to split listings into pages, used by every listing."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property


class CountingPaginator(Paginator):
    """A paginator that counts at most `limit` items.

    Counting every match is most of the cost of a listing page at a million works (a
    first page needs 20 rows; the count of a popular tag reads 200,000). Past the limit the
    page says "5,000+" and offers that many pages; narrower filters find the rest.
    """

    def __init__(self, object_list, per_page: int, limit: int | None = None, counted=None):
        super().__init__(object_list, per_page)
        self.limit = limit
        # The same items in a form that is cheaper to count, when the caller has one.
        self.counted = object_list if counted is None else counted

    @cached_property
    def _counted(self) -> int:
        if self.limit is None:
            return super().count
        return self.counted[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        """How many items the pages hold: all of them, or `limit` when there are more."""
        return self._counted if self.limit is None else min(self._counted, self.limit)

    @property
    def more(self) -> bool:
        """True when there are more items than the pages hold."""
        return self.limit is not None and self._counted > self.limit


def paginate(
    request: HttpRequest,
    items,
    per_page: int | None = None,
    limit: int | None = None,
    counted=None,
) -> Page:
    """The requested page of `items`; a bad or too-high page number gives the nearest page.
    With `limit`, items are counted only up to that many (see CountingPaginator), from
    `counted` when given (the same items, cheaper to count)."""
    paginator = CountingPaginator(items, per_page or settings.WORKS_PER_PAGE, limit, counted)
    return paginator.get_page(request.GET.get("page"))
