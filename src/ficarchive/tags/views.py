"""Tag pages: what a tag is, and the works filed under it."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ficarchive.pagination import paginate
from ficarchive.tags.models import Tag, TagType, tag_key
from ficarchive.works.models import Work


def works_in_tag(tag: Tag, user):
    """A canonical tag lists its filter set (synonyms and subtags included); any other tag
    lists the works that carry it as typed."""
    works = Work.objects.visible_to(user)
    return works.filter(filters=tag) if tag.canonical else works.filter(tags=tag)


def tag_show(request: HttpRequest, name: str) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.select_related("merger"), key=tag_key(name))
    if tag.merger_id:
        return redirect("tag", tag.merger.name)
    works = works_in_tag(tag, request.user).for_listing()
    context = {
        "tag": tag,
        "parents": tag.parents.all(),
        "metatags": tag.metatags.all(),
        "subtags": tag.subtags.all(),
        "synonyms": tag.synonyms.all(),
        "children": tag.children.order_by("type", "name"),
        "works": works[:5],
        "work_count": works.count(),
    }
    return render(request, "tags/show.html", context)


def tag_works(request: HttpRequest, name: str) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.select_related("merger"), key=tag_key(name))
    if tag.merger_id:
        return redirect("tag_works", tag.merger.name)
    works = works_in_tag(tag, request.user).for_listing()
    return render(
        request,
        "works/listing.html",
        {"page": paginate(request, works), "heading": f"Works in {tag.label}", "tag": tag},
    )


def fandom_index(request: HttpRequest) -> HttpResponse:
    """Every fandom with works the visitor may see, with counts, by first letter."""
    visible = Work.objects.visible_to(request.user)
    fandoms = (
        Tag.objects.of_type(TagType.FANDOM)
        .filter(merger__isnull=True)
        .annotate(count=Count("works", filter=Q(works__in=visible), distinct=True))
        .filter(count__gt=0)
        .order_by("name")
    )
    letters: dict[str, list[Tag]] = {}
    for fandom in fandoms:
        first = fandom.name[:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(fandom)
    return render(request, "tags/fandoms.html", {"letters": letters, "fandoms": fandoms})
