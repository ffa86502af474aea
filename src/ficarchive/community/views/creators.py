"""Pages for creators: statistics, and orphaning a work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ficarchive.accounts.models import User
from ficarchive.community.services import orphaning, stats
from ficarchive.community.views import message_of
from ficarchive.works.views import work_for_creator


@login_required
def creator_stats(request: HttpRequest, username: str) -> HttpResponse:
    """A creator's own figures (staff may look too): nobody else's business."""
    owner = get_object_or_404(User, username__iexact=username, is_active=True)
    if owner != request.user and not request.user.is_staff:
        raise PermissionDenied("Only you can see your statistics.")
    sort = request.GET.get("sort", "hits")
    works = list(stats.work_stats(owner, sort))
    context = {
        "owner": owner,
        "works": works,
        "totals": stats.totals(works, owner),
        "chart": stats.hit_chart(owner),
        "sort": sort if sort in stats.SORTS else "hits",
    }
    return render(request, "community/stats.html", context)


@login_required
def orphan(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Please confirm that you understand this can't be undone.")
        else:
            keep = request.POST.get("pseud") == "keep"
            try:
                orphaning.orphan_work(work, request.user, keep_pseud=keep)
            except ValidationError as error:
                messages.error(request, message_of(error))
            else:
                messages.success(request, f"{work.title} has been orphaned.")
                return redirect("dashboard")
    return render(request, "community/orphan.html", {"work": work})
