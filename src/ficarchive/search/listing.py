"""One way to show a list of works: filtered, sorted, paged, with facets and snippets.

Every works listing (all works, a tag, a creator, a pseud, a series, search results) goes
through `works_listing`, so each has the same Sort and Filter sidebar and the same rules.
"""

from __future__ import annotations

from html import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from ficarchive.pagination import paginate
from ficarchive.search import filters as filters_module
from ficarchive.search.backends import START, STOP, backend
from ficarchive.search.filters import FilterForm, apply, facets, matching_ids


def highlight(snippet: str) -> str:
    """Escape a snippet's text, then mark the matched words: safe to put in a page."""
    return escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>")


def _with(params: QueryDict, key: str, name: str) -> str:
    """The query string with `name` added to the comma-separated `key` list, page reset."""
    params = params.copy()
    params.pop("page", None)
    current = [n.strip() for n in params.get(key, "").split(",") if n.strip()]
    if name not in current:
        current.append(name)
    params[key] = ", ".join(current)
    return params.urlencode()


def works_listing(
    request: HttpRequest,
    works,
    *,
    heading: str,
    template: str = "works/listing.html",
    default_sort: str = "updated",
    within: tuple = (),
    **context,
) -> HttpResponse:
    form = FilterForm(request.GET or None)
    form.is_valid()  # fields that don't validate are left out and shown with their error
    filters = form.filters(default_sort)
    chosen = filters.active  # what the reader chose; a tag page's own tag is not a filter
    filters.include = [*within, *filters.include]  # but it is planned like one
    results = apply(works, filters).for_listing()
    matching = matching_ids(works, filters)
    page = paginate(request, results, limit=settings.LISTING_COUNT_LIMIT, counted=matching)
    snippets = backend().snippets(filters.text, [work.pk for work in page])
    for work in page:
        work.snippet = highlight(snippets[work.pk]) if work.pk in snippets else ""
    sidebar = facets(matching)
    sample = filters_module.FACET_SAMPLE
    # The count stops at the listing limit, so "more than counted" means sampled too.
    sampled = page.paginator.more or page.paginator.count > sample
    for items in sidebar.values():
        for item in items:
            item["include"] = _with(request.GET, "include", item["tag"].name)
            item["exclude"] = _with(request.GET, "exclude", item["tag"].name)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "page": page,
            "heading": heading,
            "form": form,
            "filters": filters,
            "filtered": chosen,
            "facets": sidebar,
            "facets_sampled": sample if sampled else None,
            "query": query.urlencode(),
            "ignored": filters.text.ignored,
            **context,
        },
    )
