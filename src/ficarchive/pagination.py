"""One way to split listings into pages, used by every listing."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items, per_page: int | None = None) -> Page:
    """The requested page of `items`; a bad or too-high page number gives the nearest page."""
    paginator = Paginator(items, per_page or settings.WORKS_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))
