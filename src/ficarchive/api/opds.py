"""The OPDS 1.2 catalogue: Atom feeds an e-reader app can browse, search and download from.

E-readers authenticate with HTTP Basic (any user name, a personal access token as the
password), and only when asked: a restricted download answers 401 with a Basic challenge.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from ficarchive.api.auth import BadToken, RateLimited, caller
from ficarchive.api.listing import FieldErrors, parse_filters, works_page
from ficarchive.formats.export import FORMATS
from ficarchive.formats.export.xhtml import xml_chars
from ficarchive.search.filters import Filters
from ficarchive.tags.models import Tag, TagType
from ficarchive.works import views as work_views
from ficarchive.works.downloads import available_formats
from ficarchive.works.models import Series, Work

PER_PAGE = 20
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH = "application/opensearchdescription+xml"
CHALLENGE = 'Basic realm="ficarchive", charset="UTF-8"'


@dataclass
class Page:
    number: int
    has_next: bool


def _challenge(message: str) -> HttpResponse:
    response = HttpResponse(message, status=401, content_type="text/plain")
    response["WWW-Authenticate"] = CHALLENGE
    return response


def opds_view(view):
    """Resolve the caller (token or session) once, and answer auth and rate errors plainly."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            request.user = caller(request).user
        except BadToken:
            return _challenge("That token is not valid: create one on your account page.")
        except RateLimited as limited:
            response = HttpResponse("Too many requests.", status=429, content_type="text/plain")
            response["Retry-After"] = str(limited.retry_after)
            return response
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


def _feed(request: HttpRequest, template: str, kind: str, context: dict) -> HttpResponse:
    page: Page | None = context.get("page")
    links = {}
    if page is not None:
        params = request.GET.copy()
        if page.has_next:
            params["page"] = page.number + 1
            links["next"] = f"{request.path}?{params.urlencode()}"
        if page.number > 1:
            params["page"] = page.number - 1
            links["previous"] = f"{request.path}?{params.urlencode()}"
    response = render(
        request,
        f"api/opds/{template}",
        {
            "kind": kind,
            "self_url": request.get_full_path(),
            "links": links,
            "updated": timezone.now(),
            "root_type": NAVIGATION,
            "acquisition_type": ACQUISITION,
            "opensearch_type": OPENSEARCH,
            **context,
        },
        content_type=kind,
    )
    # Titles and summaries may hold control characters XML forbids; one must not make the
    # whole catalogue page unreadable to e-readers.
    response.content = xml_chars(response.content.decode()).encode()
    return response


def _acquisition(request: HttpRequest, title: str, works, filters: Filters) -> HttpResponse:
    number = _page_number(request)
    found = works_page(works, filters, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    formats = [(key, label, FORMATS[key].content_type) for key, label in available_formats()]
    return _feed(
        request,
        "acquisition.xml",
        ACQUISITION,
        {
            "title": title,
            "works": found.works,
            "formats": formats,
            "page": Page(number, found.next_cursor is not None),
        },
    )


def _navigation(request: HttpRequest, title: str, entries: list[dict], page=None):
    return _feed(
        request, "navigation.xml", NAVIGATION, {"title": title, "entries": entries, "page": page}
    )


@opds_view
def root(request: HttpRequest) -> HttpResponse:
    """The start: new works, fandoms, popular tags, series and search."""
    entries = [
        {"id": "new", "title": "New works", "content": "Recently updated works.",
         "href": reverse("opds_new"), "type": ACQUISITION, "rel": "http://opds-spec.org/sort/new"},
        {"id": "fandoms", "title": "Fandoms", "content": "Works by fandom.",
         "href": reverse("opds_fandoms"), "type": NAVIGATION, "rel": "subsection"},
        {"id": "tags", "title": "Popular tags", "content": "Relationships, characters, tropes.",
         "href": reverse("opds_tags"), "type": NAVIGATION, "rel": "subsection"},
        {"id": "series", "title": "Series", "content": "Works in series, in order.",
         "href": reverse("opds_series_index"), "type": NAVIGATION, "rel": "subsection"},
    ]  # fmt: skip
    return _navigation(request, "Ficarchive", entries)


@opds_view
def new_works(request: HttpRequest) -> HttpResponse:
    return _acquisition(request, "New works", Work.objects.visible_to(request.user), Filters())


def _tag_entries(request: HttpRequest, types: list[str]) -> tuple[list[dict], Page]:
    """Canonical tags of `types` with works the caller may see, the most used first."""
    number = _page_number(request)
    field = "works_count" if request.user.is_authenticated else "public_works_count"
    tags = Tag.objects.filter(canonical=True, type__in=types, **{f"{field}__gt": 0}).order_by(
        f"-{field}", "name", "pk"
    )[(number - 1) * PER_PAGE : number * PER_PAGE + 1]
    tags = list(tags)
    entries = [
        {"id": f"tag-{tag.pk}", "title": tag.name,
         "content": f"{getattr(tag, field)} works · {tag.get_type_display()}",
         "href": reverse("opds_tag", args=[tag.pk]), "type": ACQUISITION, "rel": "subsection"}
        for tag in tags[:PER_PAGE]
    ]  # fmt: skip
    return entries, Page(number, len(tags) > PER_PAGE)


@opds_view
def fandoms(request: HttpRequest) -> HttpResponse:
    entries, page = _tag_entries(request, [TagType.FANDOM])
    return _navigation(request, "Fandoms", entries, page)


@opds_view
def popular_tags(request: HttpRequest) -> HttpResponse:
    types = [TagType.RELATIONSHIP, TagType.CHARACTER, TagType.ADDITIONAL]
    entries, page = _tag_entries(request, types)
    return _navigation(request, "Popular tags", entries, page)


@opds_view
def tag_works(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = get_object_or_404(Tag, pk=tag_id, canonical=True)
    works = Work.objects.visible_to(request.user)
    return _acquisition(request, f"Works in {tag.name}", works, Filters(include=[tag]))


@opds_view
def series_index(request: HttpRequest) -> HttpResponse:
    number = _page_number(request)
    found = list(
        Series.objects.visible_to(request.user).order_by("-updated_at", "-pk")[
            (number - 1) * PER_PAGE : number * PER_PAGE + 1
        ]
    )
    entries = [
        {"id": f"series-{s.pk}", "title": s.title, "content": s.summary,
         "href": reverse("opds_series", args=[s.pk]), "type": ACQUISITION, "rel": "subsection"}
        for s in found[:PER_PAGE]
    ]  # fmt: skip
    return _navigation(request, "Series", entries, Page(number, len(found) > PER_PAGE))


@opds_view
def series_works(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_object_or_404(Series.objects.visible_to(request.user), pk=series_id)
    works = Work.objects.visible_to(request.user).filter(series_memberships__series=series)
    return _acquisition(request, series.title, works, Filters())


@opds_view
def search(request: HttpRequest) -> HttpResponse:
    """Text search with the site's syntax (`q`), the best matches first."""
    query = (request.GET.get("q") or "").strip()
    try:
        filters = parse_filters(QueryDict(urlencode({"q": query[:1000]})))
    except FieldErrors:
        filters = Filters()
    works = Work.objects.visible_to(request.user)
    return _acquisition(request, f"Search: {query}" if query else "Search", works, filters)


def opensearch(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "api/opds/opensearch.xml",
        {"acquisition_type": ACQUISITION},
        content_type=OPENSEARCH,
    )


@opds_view
def download(request: HttpRequest, work_id: int, key: str) -> HttpResponse:
    """The site's own download, for a caller known by token; guests asking for a restricted
    work get a Basic challenge, which e-reader apps answer with the saved token."""
    if not request.user.is_authenticated and Work.objects.needs_login().filter(pk=work_id).exists():
        return _challenge("This work is for signed-in readers: use a personal access token.")
    return work_views.download(request, work_id, key)
