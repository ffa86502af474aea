"""Bookmarks, subscriptions and reading history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ficarchive.accounts.models import User
from ficarchive.community.forms import BookmarkFilterForm, BookmarkForm
from ficarchive.community.models import Bookmark, Subscription
from ficarchive.community.services import bookmarks, history, subscriptions
from ficarchive.community.views import back, ids, message_of
from ficarchive.pagination import paginate
from ficarchive.works.models import Series, Work
from ficarchive.works.views import reader_view, work_for_reader


def _listed(bookmarks_qs):
    return bookmarks_qs.select_related("user", "pseud__user", "work", "series").prefetch_related(
        "tags"
    )


# -- bookmarks ------------------------------------------------------------------------------


def _bookmark_form(request: HttpRequest, target) -> HttpResponse:
    field = "work" if isinstance(target, Work) else "series"
    existing = Bookmark.objects.filter(user=request.user, **{field: target}).first()
    initial = {}
    if existing:
        initial = {
            "notes": existing.notes,
            "tags": ", ".join(existing.tag_names),
            "rec": existing.rec,
            "private": existing.private,
        }
    form = BookmarkForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bookmarks.save_bookmark(request.user, target, form.bookmark_input())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Bookmark was successfully saved.")
            return redirect(target)
    context = {"form": form, "target": target, "existing": existing}
    return render(request, "community/bookmark_form.html", context)


@login_required
@reader_view
def bookmark_work(request: HttpRequest, work_id: int) -> HttpResponse:
    return _bookmark_form(request, work_for_reader(request, work_id))


@login_required
def bookmark_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_object_or_404(Series.objects.visible_to(request.user), pk=series_id)
    return _bookmark_form(request, series)


@login_required
@require_POST
def bookmark_delete(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = get_object_or_404(Bookmark, pk=bookmark_id, user=request.user)
    bookmarks.delete_bookmark(bookmark)
    messages.success(request, "Bookmark was successfully deleted.")
    return back(request, reverse("user_bookmarks", args=[request.user.username]))


@reader_view
def work_bookmarks(request: HttpRequest, work_id: int) -> HttpResponse:
    """A work's public bookmarks, as this visitor may see them."""
    work = work_for_reader(request, work_id)
    # Opened by its address, a muted work shows its bookmarks, as its page shows comments.
    shown = Bookmark.objects.visible_to(request.user, muted=True).filter(work=work, private=False)
    page = paginate(request, _listed(shown))
    return render(request, "community/work_bookmarks.html", {"work": work, "page": page})


def user_bookmarks(request: HttpRequest, username: str) -> HttpResponse:
    """A user's bookmarks: private ones only to them, only of works the visitor may see."""
    owner = get_object_or_404(User, username__iexact=username, is_active=True)
    shown = Bookmark.objects.visible_to(request.user).filter(user=owner)
    form = BookmarkFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["tag"]:
            shown = shown.filter(tags__name__iexact=data["tag"].strip())
        if data["kind"] == "work":
            shown = shown.filter(work__isnull=False)
        elif data["kind"] == "series":
            shown = shown.filter(series__isnull=False)
        if data["rec"]:
            shown = shown.filter(rec=True)
        if data["q"]:
            words = data["q"].strip()
            shown = shown.filter(
                Q(work__title__icontains=words)
                | Q(series__title__icontains=words)
                | Q(notes__icontains=words)
            )
    page = paginate(request, _listed(shown.distinct()))
    context = {"owner": owner, "page": page, "form": form}
    return render(request, "community/user_bookmarks.html", context)


# -- subscriptions --------------------------------------------------------------------------


def _toggle(request: HttpRequest, target, field: str, fallback) -> HttpResponse:
    existing = Subscription.objects.filter(user=request.user, **{field: target}).first()
    if existing:
        existing.delete()
        messages.success(request, f"You have unsubscribed from {target}.")
        return back(request, fallback)
    try:
        subscriptions.subscribe(request.user, target)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, f"You are now subscribed to {target}.")
    return back(request, fallback)


@login_required
@require_POST
@reader_view
def subscribe_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    return _toggle(request, work, "work", work)


@login_required
@require_POST
def subscribe_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_object_or_404(Series.objects.visible_to(request.user), pk=series_id)
    return _toggle(request, series, "series", series)


@login_required
@require_POST
def subscribe_user(request: HttpRequest, username: str) -> HttpResponse:
    creator = get_object_or_404(User, username__iexact=username, is_active=True)
    return _toggle(request, creator, "creator", creator)


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "unsubscribe" in request.POST:
        chosen = ids(request.POST.getlist("unsubscribe"))
        Subscription.objects.filter(user=request.user, pk__in=chosen).delete()
        messages.success(request, "Unsubscribed.")
        return redirect("subscriptions")
    subs = Subscription.objects.filter(user=request.user).select_related(
        "work", "series", "creator"
    )
    page = paginate(request, subs)
    page.object_list = subscriptions.mark_visible(list(page.object_list), request.user)
    return render(request, "community/subscriptions.html", {"page": page})


def unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in e-mails: one button, no log-in needed (the signed token is the proof)."""
    subscription = subscriptions.subscription_from_token(token)
    if subscription is not None:
        subscriptions.mark_visible([subscription], request.user)
    if request.method == "POST" and subscription is not None:
        subscription.delete()
        return render(request, "community/unsubscribed.html", {"done": True})
    return render(
        request, "community/unsubscribed.html", {"subscription": subscription, "done": False}
    )


# -- reading history ------------------------------------------------------------------------


@login_required
def history_list(request: HttpRequest) -> HttpResponse:
    readings = history.history_for(request.user)
    if request.GET.get("show") == "later":
        readings = readings.filter(later=True)
    return render(
        request,
        "community/history.html",
        {"page": paginate(request, readings), "later_only": request.GET.get("show") == "later"},
    )


@login_required
@require_POST
def history_clear(request: HttpRequest) -> HttpResponse:
    history.clear_history(request.user)
    messages.success(request, "Your history is now cleared.")
    return redirect("history")


@login_required
@require_POST
@reader_view
def mark_for_later(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    later = request.POST.get("later", "on") == "on"
    history.mark_for_later(request.user, work, later)
    messages.success(
        request,
        "This work was added to your Marked for Later list."
        if later
        else "This work was removed from your Marked for Later list.",
    )
    return back(request, work)
