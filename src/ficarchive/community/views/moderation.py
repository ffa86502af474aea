"""Reports from members, and the staff queue that acts on them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ficarchive.accounts.models import User
from ficarchive.community.forms import ReportForm, ResolveForm
from ficarchive.community.models import Comment, Report, ReportStatus
from ficarchive.community.services import moderation, threads
from ficarchive.pagination import paginate
from ficarchive.works.views import reader_view, work_for_reader


def _report(request: HttpRequest, target: dict, about: str, back_to) -> HttpResponse:
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.file_report(request.user, form.cleaned_data["reason"], **target)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you: your report was sent to the archive's staff.")
            return redirect(back_to)
    return render(request, "community/report_form.html", {"form": form, "about": about})


@login_required
@reader_view
def report_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    return _report(request, {"work": work}, f"the work “{work.title}”", work)


@login_required
@reader_view
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_id)
    work = work_for_reader(request, comment.work_id)
    if not threads.build([comment], request.user, work):
        return redirect(work)
    return _report(request, {"comment": comment}, "a comment", comment)


@login_required
def report_user(request: HttpRequest, username: str) -> HttpResponse:
    user = get_object_or_404(User, username__iexact=username, is_active=True)
    return _report(request, {"user": user}, f"the user {user.username}", user)


@staff_member_required
def report_queue(request: HttpRequest) -> HttpResponse:
    status = ReportStatus.RESOLVED if request.GET.get("show") == "resolved" else ReportStatus.OPEN
    reports = Report.objects.filter(status=status).select_related(
        "reporter", "work", "comment", "reported_user"
    )
    if status == ReportStatus.RESOLVED:
        reports = reports.order_by("-resolved_at", "-id")
    return render(
        request,
        "community/report_queue.html",
        {"page": paginate(request, reports), "resolved": status == ReportStatus.RESOLVED},
    )


@staff_member_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.select_related("reporter", "work", "comment__user", "reported_user"),
        pk=report_id,
    )
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = moderation.resolve(
                report, request.user, data["action"], data["note"], data["days"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Report resolved: {done}.")
            return redirect("report_queue")
    context = {"report": report, "form": form, "people": moderation.people_behind(report)}
    return render(request, "community/report_detail.html", context)
