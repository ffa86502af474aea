"""Pages for reading, posting and editing works, chapters and series.

Views parse the request and render; who may see what is Work.objects.visible_to, and what
an edit does is in works/services.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ficarchive.community import work_page
from ficarchive.community.guards import not_suspended
from ficarchive.community.services import comments
from ficarchive.formats.export import FORMATS
from ficarchive.formats.export import filename as export_filename
from ficarchive.formats.sanitize import sanitize_html
from ficarchive.page_cache import cached_for_guests
from ficarchive.search.listing import works_listing
from ficarchive.tags.models import Tag, TagType
from ficarchive.works import downloads, services
from ficarchive.works.forms import ChapterForm, OrderForm, SeriesForm, WorkForm
from ficarchive.works.models import Chapter, Creatorship, Series, SeriesWork, Work

ADULT_SESSION_KEY = "adult"


# -- finding what the visitor may see -------------------------------------------------------


class LoginNeeded(Exception):
    """The work exists and is restricted; a guest must log in to read it."""


def work_for_reader(request: HttpRequest, work_id: int) -> Work:
    """The work if the visitor may see it; Http404 if not (or LoginNeeded for guests)."""
    # Asked for by its address, a muted work still opens (with a notice), unlike in listings.
    visible = Work.objects.visible_to(request.user, muted=True)
    work = visible.for_listing().filter(pk=work_id).first()
    if work is not None:
        work.muted = visible.filter(pk=work_id).muted_for(request.user)
        return work
    if not request.user.is_authenticated and Work.objects.needs_login().filter(pk=work_id).exists():
        raise LoginNeeded
    raise Http404("No work here, or you may not see it.")


def work_for_creator(request: HttpRequest, work_id: int) -> Work:
    """The work if the visitor is one of its creators; 404 if they may not see it, else 403."""
    work = work_for_reader(request, work_id)
    if not work.is_creator(request.user):
        raise PermissionDenied("Only the work's creators can change it.")
    return work


def reader_view(view):
    """Send guests to log in when they ask for a restricted work."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LoginNeeded:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def adult_gate_applies(request: HttpRequest, work: Work) -> bool:
    """Adult or unrated works ask first, except their creators, staff, and those who said yes."""
    if not work.is_adult:
        return False
    user = request.user
    if user.is_authenticated and (user.is_staff or user.skip_adult_gate or work.is_creator(user)):
        return False
    if request.GET.get("view_adult") == "true":
        request.session[ADULT_SESSION_KEY] = True
    return not request.session.get(ADULT_SESSION_KEY, False)


# -- reading --------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    works = Work.objects.visible_to(request.user).for_listing()[:10]
    fandoms = (
        Tag.objects.of_type(TagType.FANDOM)
        .filter(works__in=Work.objects.visible_to(request.user))
        .distinct()
        .order_by("name")[:30]
    )
    return render(request, "home.html", {"works": works, "fandoms": fandoms})


@cached_for_guests
def work_index(request: HttpRequest) -> HttpResponse:
    return works_listing(request, Work.objects.visible_to(request.user), heading="Works")


def search(request: HttpRequest) -> HttpResponse:
    """Search every work the reader may see: words, phrases, tags, and the works' text."""
    return works_listing(
        request, Work.objects.visible_to(request.user), heading="Search Results", searching=True
    )


def _series_links(request: HttpRequest, work: Work) -> list[dict]:
    """For each series of the work: its part number, size, and neighbours, counting only
    works this visitor may see."""
    links = []
    for membership in work.series_memberships.all():
        series = membership.series
        ids = series.visible_work_ids(request.user)
        if work.pk not in ids:
            continue
        index = ids.index(work.pk)
        links.append(
            {
                "series": series,
                "part": index + 1,
                "total": len(ids),
                "previous": ids[index - 1] if index > 0 else None,
                "next": ids[index + 1] if index + 1 < len(ids) else None,
            }
        )
    return links


def _render_work(request: HttpRequest, work: Work, chapters, chapter: Chapter | None):
    if adult_gate_applies(request, work):
        return render(request, "works/adult_gate.html", {"work": work}, status=200)
    work_page.record_view(request, work, chapter)
    all_chapters = list(work.chapters.all().only("pk", "position", "title", "work_id"))
    position = chapter.position if chapter else None
    context = {
        "work": work,
        "chapters": chapters,
        "chapter": chapter,
        "chapter_list": all_chapters,
        "previous_chapter": next(
            (c for c in all_chapters if c.position == (position or 0) - 1), None
        ),
        "next_chapter": next((c for c in all_chapters if c.position == (position or 0) + 1), None),
        "series_links": _series_links(request, work),
        "is_creator": work.is_creator(request.user),
        **work_page.context(request, work, chapters, chapter),
    }
    return render(request, "works/show.html", context)


@cached_for_guests
@reader_view
def work_show(request: HttpRequest, work_id: int) -> HttpResponse:
    """The first chapter, or the entire work when asked, preferred, or only one chapter long."""
    work = work_for_reader(request, work_id)
    full = (
        request.GET.get("view_full_work") == "true"
        or work.chapter_count <= 1
        or (
            request.user.is_authenticated
            and request.user.view_full_works
            and request.GET.get("view_full_work") != "false"
        )
    )
    if full:
        return _render_work(request, work, list(work.chapters.all()), None)
    first = work.chapters.first()
    return _render_work(request, work, [first], first)


@cached_for_guests
@reader_view
def chapter_show(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    chapter = get_object_or_404(work.chapters, pk=chapter_id)
    return _render_work(request, work, [chapter], chapter)


@reader_view
def chapter_index(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    return render(request, "works/navigate.html", {"work": work, "chapters": work.chapters.all()})


def adult_gate_back(request: HttpRequest) -> HttpResponse:
    """'No, Go Back': return to where the reader came from, if it is on this site."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("works")
    return redirect(target)


# -- posting and editing --------------------------------------------------------------------


def _save_work_form(request: HttpRequest, form: WorkForm, work: Work, post: bool):
    """Save a valid form; returns the saved work or None with errors added to the form."""
    try:
        with transaction.atomic():
            saved = services.save_work(work, form.work_input(), form.first_chapter(), post=post)
            comments.set_moderation(saved, request.user, form.cleaned_data["moderate_comments"])
            return saved
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
@not_suspended
def work_new(request: HttpRequest) -> HttpResponse:
    form = WorkForm(request.POST or None, user=request.user, instance=Work())
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = form.cleaned_data
        else:
            post = "save_draft" not in request.POST
            work = _save_work_form(request, form, Work(), post)
            if work is not None:
                messages.success(
                    request,
                    "Work was successfully posted."
                    if post
                    else "Draft was saved. It will be "
                    "deleted 30 days after it was created unless you post it.",
                )
                return redirect(work)
    return render(request, "works/form.html", {"form": form, "preview": _preview(preview)})


def _preview(cleaned: dict | None) -> dict | None:
    """Sanitised texts for the preview pane: what readers would see, nothing saved."""
    if cleaned is None:
        return None
    return {
        "title": cleaned["title"],
        "summary": sanitize_html(cleaned.get("summary", "")),
        "notes": sanitize_html(cleaned.get("notes", "")),
        "end_notes": sanitize_html(cleaned.get("end_notes", "")),
        "chapter_title": cleaned.get("chapter_title", ""),
        "text": sanitize_html(cleaned.get("text", "")),
    }


@login_required
@not_suspended
def work_edit(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    form = WorkForm(request.POST or None, user=request.user, instance=work)
    if request.method == "POST" and form.is_valid():
        saved = _save_work_form(request, form, work, post="post" in request.POST)
        if saved is not None:
            messages.success(request, "Work was successfully updated.")
            return redirect(saved)
    return render(request, "works/form.html", {"form": form, "work": work})


@login_required
@require_POST
@not_suspended
def work_post_draft(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    services.post_draft(work)
    messages.success(request, "Work was successfully posted.")
    return redirect(work)


@login_required
@require_POST
def work_mark_complete(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    services.mark_complete(work)
    messages.success(request, "The work is marked complete.")
    return redirect(work)


@login_required
def work_delete(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    if request.method == "POST":
        title = work.title
        services.delete_work(work)
        messages.success(request, f"Your work {title} was deleted.")
        return redirect("user_works", request.user.username)
    return render(request, "works/confirm_delete.html", {"work": work})


@login_required
@not_suspended
def chapter_new(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    form = ChapterForm(request.POST or None, instance=Chapter(work=work))
    if request.method == "POST" and form.is_valid():
        chapter = services.save_chapter(form.save(commit=False))
        messages.success(request, "Chapter was successfully posted.")
        return redirect(chapter)
    return render(request, "works/chapter_form.html", {"form": form, "work": work})


@login_required
@not_suspended
def chapter_edit(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    chapter = get_object_or_404(work.chapters, pk=chapter_id)
    form = ChapterForm(request.POST or None, instance=chapter)
    if request.method == "POST" and form.is_valid():
        services.save_chapter(form.save(commit=False))
        messages.success(request, "Chapter was successfully updated.")
        return redirect(chapter)
    return render(
        request, "works/chapter_form.html", {"form": form, "work": work, "chapter": chapter}
    )


@login_required
def chapter_delete(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    chapter = get_object_or_404(work.chapters, pk=chapter_id)
    if request.method == "POST":
        try:
            services.delete_chapter(chapter)
        except ValueError as error:
            messages.error(request, str(error))
            return redirect(work)
        messages.success(request, "The chapter was deleted.")
        return redirect(work)
    return render(request, "works/confirm_delete.html", {"work": work, "chapter": chapter})


@login_required
def chapter_order(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_creator(request, work_id)
    form = OrderForm(request.POST or None, items=work.chapters.all())
    if request.method == "POST" and form.is_valid():
        services.reorder_chapters(work, form.ordered_ids())
        messages.success(request, "Chapter order has been successfully updated.")
        return redirect("chapter_index", work.pk)
    return render(
        request, "works/order.html", {"form": form, "work": work, "heading": "Reorder chapters"}
    )


@login_required
@require_POST
def invitation_answer(request: HttpRequest, creatorship_id: int) -> HttpResponse:
    creatorship = get_object_or_404(
        Creatorship, pk=creatorship_id, pseud__user=request.user, approved=False
    )
    accept = request.POST.get("answer") == "accept"
    services.answer_invitation(creatorship, accept)
    messages.success(
        request, "You are now listed as a co-creator." if accept else "Invitation declined."
    )
    return redirect("dashboard")


# -- series ---------------------------------------------------------------------------------


def series_show(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_object_or_404(Series.objects.visible_to(request.user), pk=series_id)
    part = SeriesWork.objects.filter(series=series, work=OuterRef("pk")).values("position")
    works = (
        Work.objects.visible_to(request.user)
        .filter(series_memberships__series=series)
        .annotate(series_position=Subquery(part[:1]))
    )
    return works_listing(
        request,
        works,
        heading=series.title,
        template="works/series.html",
        default_sort="position",
        series=series,
        is_creator=series.is_creator(request.user),
    )


@login_required
def series_edit(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_object_or_404(Series.objects.visible_to(request.user), pk=series_id)
    if not series.is_creator(request.user):
        raise PermissionDenied("Only the series' creators can change it.")
    works = list(series.works_visible_to(request.user))
    form = SeriesForm(request.POST or None, instance=series, prefix="series")
    order = OrderForm(request.POST or None, items=works, prefix="order")
    if request.method == "POST" and form.is_valid() and order.is_valid():
        with transaction.atomic():
            services.clean_html_fields(form.instance, ("summary", "notes"))
            form.save()
            hidden = list(
                series.memberships.exclude(work__in=works).values_list("work_id", flat=True)
            )
            services.reorder_series(series, order.ordered_ids() + hidden)
        messages.success(request, "Series was successfully updated.")
        return redirect(series)
    return render(
        request, "works/series_form.html", {"form": form, "order": order, "series": series}
    )


# -- downloads ------------------------------------------------------------------------------


@reader_view
def download(request: HttpRequest, work_id: int, key: str) -> HttpResponse:
    """A work's file. Drafts and hidden works are never downloadable, not even by their
    creators; restricted works need a login, like reading them."""
    work = work_for_reader(request, work_id)
    if not work.posted or work.hidden_by_admin:
        raise Http404("This work can't be downloaded.")
    fmt = FORMATS.get(key)
    if fmt is None or not fmt.available():
        raise Http404("No such download format here.")
    path = downloads.cache_path(work, key)
    if not path.exists():
        downloads.build_download.enqueue(
            work.pk, key, request.build_absolute_uri(work.get_absolute_url())
        )
    if not path.exists():
        response = render(request, "works/download_pending.html", {"work": work}, status=202)
        response["Retry-After"] = "5"
        return response
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=export_filename(work.title, fmt.extension),
        content_type=fmt.content_type,
    )
