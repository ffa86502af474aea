"""The signed-in user's community pages: inbox, preferences, blocked users."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ficarchive.community.forms import BlockForm, PreferencesForm
from ficarchive.community.models import Block, InboxItem, Preferences
from ficarchive.community.services import blocking
from ficarchive.community.views import ids
from ficarchive.pagination import paginate


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Comments, replies and deliveries, newest first; only about works the user may see."""
    items = InboxItem.objects.visible_to(request.user)
    if request.method == "POST":
        chosen = items.filter(pk__in=ids(request.POST.getlist("items")))
        if "delete" in request.POST:
            count = InboxItem.objects.filter(pk__in=chosen.values("pk")).delete()[0]
            messages.success(request, f"{count} item{'s' if count != 1 else ''} deleted.")
        elif "read" in request.POST:
            InboxItem.objects.filter(pk__in=chosen.values("pk")).update(read=True)
            messages.success(request, "Marked as read.")
        elif "unread" in request.POST:
            InboxItem.objects.filter(pk__in=chosen.values("pk")).update(read=False)
            messages.success(request, "Marked as unread.")
        return redirect(request.get_full_path())
    if request.GET.get("show") == "unread":
        items = items.unread()
    page = paginate(request, items.select_related("work", "comment__pseud__user", "comment__user"))
    return render(
        request,
        "community/inbox.html",
        {
            "page": page,
            "unread_only": request.GET.get("show") == "unread",
        },
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=Preferences.of(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your preferences were successfully updated.")
        return redirect("community_preferences")
    return render(request, "community/preferences.html", {"form": form})


@login_required
def blocked(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = BlockForm(request.POST if "block" in request.POST else None)
    if request.method == "POST":
        if "unblock" in request.POST:
            for other_id in ids(request.POST.getlist("unblock")):
                blocking.unblock(user, other_id)
            messages.success(request, "The user is no longer blocked.")
            return redirect("blocked")
        if form.is_valid():
            try:
                blocking.block(user, form.cleaned_data["username"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    "Blocked. They can no longer comment on or leave kudos on your works, "
                    "or reply to your comments.",
                )
                return redirect("blocked")
    blocks = (
        Block.objects.filter(blocker=user).select_related("blocked").order_by("blocked__username")
    )
    return render(request, "community/blocked.html", {"form": form, "blocks": blocks})
