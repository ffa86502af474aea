"""Tag pages: the works filed under a tag."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ficarchive.pagination import paginate
from ficarchive.tags.models import Tag, TagType, tag_key
from ficarchive.works.models import Work


def tag_works(request: HttpRequest, name: str) -> HttpResponse:
    tag = get_object_or_404(Tag, key=tag_key(name))
    works = Work.objects.visible_to(request.user).filter(tags=tag).for_listing()
    return render(
        request,
        "works/listing.html",
        {"page": paginate(request, works), "heading": f"Works in {tag.label}", "tag": tag},
    )


def fandom_index(request: HttpRequest) -> HttpResponse:
    visible = Work.objects.visible_to(request.user)
    fandoms = (
        Tag.objects.of_type(TagType.FANDOM)
        .annotate(count=Count("works", filter=Q(works__in=visible)))
        .filter(count__gt=0)
        .order_by("name")
    )
    return render(request, "tags/fandoms.html", {"fandoms": fandoms})
