"""Atom feeds of a tag's, a creator's, a series' and a saved search's newest works.

Feed readers fetch without cookies and their results get shared, so feeds always show what
a guest sees: restricted works, drafts and hidden works never appear in them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.core import signing
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.utils.feedgenerator import Atom1Feed

from ficarchive.api.listing import FieldErrors, parse_filters, works_page
from ficarchive.formats.export.xhtml import xml_chars
from ficarchive.search.models import SavedSearch
from ficarchive.tags.models import Tag, tag_key
from ficarchive.works.models import Series, Work

GUEST = AnonymousUser()
ITEMS = 20
SAVED_SEARCH_SALT = "ficarchive.api.saved-search-feed"


def newest(works, query: str = "") -> list[Work]:
    """The newest-updated works among `works`, after the site's filters in `query`."""
    try:
        filters = parse_filters(QueryDict(query))
    except FieldErrors:
        raise Http404("This search's filters are no longer valid.") from None
    filters.sort, filters.descending = "updated", True
    return works_page(works, filters, offset=0, limit=ITEMS).works


def works_in_tag(tag: Tag):
    works = Work.objects.visible_to(GUEST)
    return works.filter(filters=tag) if tag.canonical else works.filter(tags=tag)


def _xml_safe(value):
    """Strings (also inside lists) without the characters XML forbids; other values as they are."""
    if isinstance(value, str):
        return xml_chars(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(item) for item in value)
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom that drops control characters from titles and summaries instead of failing the
    whole feed with an error: one work's title must not take a tag's feed down."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs) -> None:
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class WorksFeed(Feed):
    feed_type = XmlSafeAtom1Feed

    def item_title(self, work: Work) -> str:
        return work.title

    def item_description(self, work: Work) -> str:
        return work.summary

    def item_link(self, work: Work) -> str:
        return work.get_absolute_url()

    def item_guid(self, work: Work) -> str:
        return f"work-{work.pk}"

    def item_author_name(self, work: Work) -> str:
        names = [pseud.byline for pseud in work.creator_pseuds]
        return ", ".join(names) or work.imported_creators or "Anonymous"

    def item_pubdate(self, work: Work):
        return work.created_at

    def item_updateddate(self, work: Work):
        return work.revised_at

    def item_categories(self, work: Work) -> list[str]:
        return [tag.name for tag in work.fandoms]


class TagFeed(WorksFeed):
    def get_object(self, request, name: str) -> Tag:
        tag = get_object_or_404(Tag.objects.select_related("merger"), key=tag_key(name))
        return tag.merger or tag

    def title(self, tag: Tag) -> str:
        return f"Works in {tag.label}"

    def link(self, tag: Tag) -> str:
        return reverse("tag_works", args=[tag.name])

    def items(self, tag: Tag) -> list[Work]:
        return newest(works_in_tag(tag))


class CreatorFeed(WorksFeed):
    def get_object(self, request, username: str):
        return get_object_or_404(get_user_model(), username__iexact=username, is_active=True)

    def title(self, person) -> str:
        return f"Works by {person.username}"

    def link(self, person) -> str:
        return reverse("user_works", args=[person.username])

    def items(self, person) -> list[Work]:
        return newest(Work.objects.visible_to(GUEST).by_user(person))


class SeriesFeed(WorksFeed):
    def get_object(self, request, series_id: int) -> Series:
        return get_object_or_404(Series.objects.visible_to(GUEST), pk=series_id)

    def title(self, series: Series) -> str:
        return series.title

    def link(self, series: Series) -> str:
        return series.get_absolute_url()

    def items(self, series: Series) -> list[Work]:
        return newest(Work.objects.visible_to(GUEST).filter(series_memberships__series=series))


def saved_search_token(search: SavedSearch) -> str:
    """A saved search's feed address holds a signed id: guessable ids would let anyone read
    the names and filters of other people's searches."""
    return signing.dumps(search.pk, salt=SAVED_SEARCH_SALT)


class SavedSearchFeed(WorksFeed):
    def get_object(self, request, token: str) -> SavedSearch:
        try:
            pk = signing.loads(token, salt=SAVED_SEARCH_SALT)
        except signing.BadSignature:
            raise Http404("No such feed.") from None
        return get_object_or_404(SavedSearch, pk=pk)

    def title(self, search: SavedSearch) -> str:
        return search.name

    def link(self, search: SavedSearch) -> str:
        return search.url

    def items(self, search: SavedSearch) -> list[Work]:
        return newest(_listing_works(search.path), search.query)


def _listing_works(path: str):
    """The works of the listing a saved search was made on, as a guest sees them."""
    try:
        match = resolve(path)
    except Resolver404:
        raise Http404("This search's page no longer exists.") from None
    if match.url_name == "tag_works":
        return works_in_tag(TagFeed().get_object(None, match.kwargs["name"]))
    if match.url_name == "user_works":
        return Work.objects.visible_to(GUEST).by_user(
            CreatorFeed().get_object(None, match.kwargs["username"])
        )
    return Work.objects.visible_to(GUEST)
