"""Pages for wranglers: unwrangled tags per fandom, bulk changes, one tag's filing, the log.

Views check the form and call tags/wrangling.py; each submission is one transaction, so a
refused step leaves every tag as it was.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ficarchive.pagination import paginate
from ficarchive.tags import wrangling
from ficarchive.tags.forms import BulkAction, BulkWrangleForm, TagWrangleForm
from ficarchive.tags.models import FREE_TYPES, Tag, TagType, WranglingLog, tag_key

UNWRANGLED = Q(canonical=False, merger__isnull=True, unwrangleable=False)


def wrangler_required(view):
    """Guests are asked to log in; logged-in people who aren't wranglers get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_wrangler:
            raise PermissionDenied("Only wranglers can do this.")
        return view(request, *args, **kwargs)

    return wrapped


def unwrangled_tags(tag_type: str, fandom: Tag | None = None):
    """Tags of a type nobody has filed yet, optionally only those used in a fandom."""
    tags = Tag.objects.of_type(tag_type).filter(UNWRANGLED)
    if fandom is not None:
        on_works = {"works__filters": fandom} if fandom.canonical else {"works__tags": fandom}
        tags = tags.filter(**on_works)
    return tags.distinct().order_by("key")


@wrangler_required
def home(request: HttpRequest) -> HttpResponse:
    other_types = [TagType.RELATIONSHIP, TagType.CHARACTER, TagType.ADDITIONAL]
    fandoms = (
        Tag.objects.of_type(TagType.FANDOM)
        .filter(canonical=True)
        .annotate(
            unwrangled=Count(
                "filtered_works__tags",
                filter=Q(
                    filtered_works__tags__type__in=other_types,
                    filtered_works__tags__canonical=False,
                    filtered_works__tags__merger__isnull=True,
                    filtered_works__tags__unwrangleable=False,
                ),
                distinct=True,
            )
        )
        .order_by("key")
    )
    counts = [
        {
            "type": t.value,
            "label": t.label,
            "count": Tag.objects.of_type(t).filter(UNWRANGLED).count(),
        }
        for t in FREE_TYPES
    ]
    return render(request, "wrangling/home.html", {"fandoms": fandoms, "counts": counts})


@wrangler_required
def unwrangled(request: HttpRequest) -> HttpResponse:
    tag_type = request.GET.get("type", TagType.CHARACTER)
    if tag_type not in FREE_TYPES:
        tag_type = TagType.CHARACTER
    fandom = None
    if request.GET.get("fandom"):
        fandom = get_object_or_404(
            Tag.objects.of_type(TagType.FANDOM), key=tag_key(request.GET["fandom"])
        )
    choices = unwrangled_tags(tag_type, fandom)
    form = BulkWrangleForm(request.POST or None, choices=choices, tag_type=tag_type)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                done = apply_bulk(form.cleaned_data, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{done} tag{'s' if done != 1 else ''} wrangled.")
            return redirect(request.get_full_path())
    page = paginate(request, choices, per_page=100)
    return render(
        request,
        "wrangling/unwrangled.html",
        {
            "form": form,
            "page": page,
            "fandom": fandom,
            "tag_type": TagType(tag_type),
            "types": FREE_TYPES,
            "query": _query_without_page(request),
        },
    )


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def apply_bulk(data: dict, user) -> int:
    action, target = data["action"], data.get("target_tag")
    for tag in data["tags"]:
        if action == BulkAction.CANONICAL:
            wrangling.set_canonical(tag, True, user)
        elif action == BulkAction.SYNONYM:
            wrangling.set_synonym(tag, target, user)
        elif action == BulkAction.PARENT:
            wrangling.add_parent(tag, target, user)
        elif action == BulkAction.METATAG:
            wrangling.add_metatag(tag, target, user)
        elif action == BulkAction.UNWRANGLEABLE:
            wrangling.set_unwrangleable(tag, True, user)
    return len(data["tags"])


@wrangler_required
def tag_edit(request: HttpRequest, name: str) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.select_related("merger"), key=tag_key(name))
    form = TagWrangleForm(request.POST or None, tag=tag)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                result = apply_tag_form(tag, form.cleaned_data, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{result.name}” was updated.")
            return redirect("tag_wrangle", result.name)
    log = WranglingLog.objects.filter(tag=tag).select_related("user")[:20]
    return render(request, "wrangling/tag_form.html", {"form": form, "tag": tag, "log": log})


def apply_tag_form(tag: Tag, data: dict, user) -> Tag:
    """Apply every change the form asks for, in an order where each step can succeed."""
    if data["name"] != tag.name:
        wrangling.rename(tag, data["name"], user)
    synonym_of = data["synonym_of"]
    if (synonym_of.pk if synonym_of else None) != tag.merger_id:
        wrangling.set_synonym(tag, synonym_of, user)
        tag.refresh_from_db()
    if data["canonical"] != tag.canonical and not synonym_of:
        wrangling.set_canonical(tag, data["canonical"], user)
        tag.refresh_from_db()
    if data["unwrangleable"] != tag.unwrangleable:
        wrangling.set_unwrangleable(tag, data["unwrangleable"], user)
    for parent in data.get("remove_parents") or []:
        wrangling.remove_parent(tag, parent, user)
    for parent in data.get("add_parents") or []:
        wrangling.add_parent(tag, parent, user)
    for meta in data["remove_metatags"]:
        wrangling.remove_metatag(tag, meta, user)
    for meta in data["add_metatags"]:
        wrangling.add_metatag(tag, meta, user)
    for sub in data["add_subtags"]:
        wrangling.add_metatag(sub, tag, user)
    if data["merge_into"] is not None:
        target = data["merge_into"]
        wrangling.merge(tag, target, user)
        return target
    return tag


@wrangler_required
def log(request: HttpRequest) -> HttpResponse:
    entries = WranglingLog.objects.select_related("user")
    tag_name = request.GET.get("tag", "").strip()
    if tag_name:
        entries = entries.filter(tag_name__iexact=tag_name)
    return render(
        request,
        "wrangling/log.html",
        {
            "page": paginate(request, entries, per_page=50),
            "tag_name": tag_name,
            "query": urlencode({"tag": tag_name}) if tag_name else "",
        },
    )
