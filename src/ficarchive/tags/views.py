"""Tag pages: what a tag is, and the works filed under it."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, Count, Q, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from ficarchive.page_cache import cached_for_guests
from ficarchive.search.filters import Filters, apply, matching_ids
from ficarchive.search.listing import works_listing
from ficarchive.tags.models import Tag, TagType, tag_key
from ficarchive.works.models import Work


def works_in_tag(tag: Tag, user):
    """A canonical tag lists its filter set (synonyms and subtags included); any other tag
    lists the works that carry it as typed."""
    works = Work.objects.visible_to(user)
    return works.filter(filters=tag) if tag.canonical else works.filter(tags=tag)


@cached_for_guests
def tag_show(request: HttpRequest, name: str) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.select_related("merger"), key=tag_key(name))
    if tag.merger_id:
        return redirect("tag", tag.merger.name)
    visible = Work.objects.visible_to(request.user)
    within = Filters(include=[tag])  # planned and counted like the tag's own listing
    limit = settings.LISTING_COUNT_LIMIT
    counted = matching_ids(visible, within)[: limit + 1].count()
    context = {
        "tag": tag,
        "parents": tag.parents.all(),
        "metatags": tag.metatags.all(),
        "subtags": tag.subtags.all(),
        "synonyms": tag.synonyms.all(),
        "children": tag.children.order_by("type", "name"),
        "works": apply(visible, within).for_listing()[:5],
        "work_count": min(counted, limit),
        "more_works": counted > limit,
    }
    return render(request, "tags/show.html", context)


@cached_for_guests
def tag_works(request: HttpRequest, name: str) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.select_related("merger"), key=tag_key(name))
    if tag.merger_id:
        return redirect("tag_works", tag.merger.name)
    return works_listing(
        request,
        Work.objects.visible_to(request.user),
        heading=f"Works in {tag.label}",
        tag=tag,
        within=(tag,),
    )


def fandom_index(request: HttpRequest) -> HttpResponse:
    """Every fandom with works the visitor may see, with counts, by first letter."""
    visible = Work.objects.visible_to(request.user)
    # A canonical fandom counts its filter set (its synonyms' works too); an unwrangled
    # one counts the works tagged with it as typed.
    fandoms = (
        Tag.objects.of_type(TagType.FANDOM)
        .filter(merger__isnull=True)
        .annotate(
            filtered=Count("filtered_works", filter=Q(filtered_works__in=visible), distinct=True),
            typed=Count("works", filter=Q(works__in=visible), distinct=True),
        )
        .annotate(count=Case(When(canonical=True, then="filtered"), default="typed"))
        .filter(count__gt=0)
        .order_by("name")
    )
    letters: dict[str, list[Tag]] = {}
    for fandom in fandoms:
        first = fandom.name[:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(fandom)
    return render(request, "tags/fandoms.html", {"letters": letters, "fandoms": fandoms})


AUTOCOMPLETE_LIMIT = 15


def suggestions(term: str, tag_type: str | None) -> list[dict]:
    """Tags whose names contain `term`: canonical tags first, then synonyms (with what they
    stand for); names that start with the term before names that merely contain it."""
    key = " ".join(term.split()).casefold()
    if not key:
        return []
    tags = Tag.objects.filter(key__contains=key).filter(Q(canonical=True) | Q(merger__isnull=False))
    if tag_type:
        tags = tags.filter(type=tag_type)
    found = tags.select_related("merger").order_by(
        "-canonical",
        Case(When(key__startswith=key, then=0), default=1),
        "key",
    )[:AUTOCOMPLETE_LIMIT]
    return [
        {
            "name": t.name,
            "type": t.type,
            "canonical": t.canonical,
            "synonym_of": t.merger.name if t.merger_id else None,
        }
        for t in found
    ]


def autocomplete(request: HttpRequest) -> HttpResponse:
    """Tag suggestions as JSON for the posting form's script (?format=json), or as a plain
    page with a search box for readers without JavaScript."""
    term = request.GET.get("term", "")[:150]
    tag_type = request.GET.get("type")
    if tag_type not in TagType.values:
        tag_type = None
    results = suggestions(term, tag_type)
    if request.GET.get("format") == "json":
        return JsonResponse({"term": term, "results": results})
    return render(
        request,
        "tags/search.html",
        {"term": term, "tag_type": tag_type, "results": results, "types": TagType.choices},
    )
