"""The "Import works" pages: upload files or paste text, wait while they are read, check
what was found, then post. The rules live in works/import_batches.py; these views only
turn requests into calls to it and its answers into pages.
"""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ficarchive.community.guards import not_suspended
from ficarchive.community.services.moderation import posting_refusal
from ficarchive.tags.services import split_tag_names
from ficarchive.works import import_batches
from ficarchive.works.import_batches import MAX_FILES, check_upload
from ficarchive.works.models import ImportBatch

REFRESH_SECONDS = 2


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ImportForm(forms.Form):
    files = MultipleFileField(
        required=False,
        label="Files",
        help_text="AO3 work pages (saved as text or HTML), AO3 downloads (HTML or EPUB), plain "
        "text, Markdown, HTML or Word (.docx). Up to 50 files.",
    )
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 8}), label="…or paste text"
    )
    split_chapters = forms.BooleanField(
        required=False, label="Start a new chapter at each “Chapter N” line or heading"
    )
    fandoms = forms.CharField(
        required=False, label="Fandoms", help_text="Used for works whose file names none."
    )

    def clean(self):
        data = super().clean()
        files = data.get("files") or []
        if not files and not (data.get("text") or "").strip():
            raise ValidationError("Choose at least one file, or paste some text.")
        if len(files) > MAX_FILES:
            raise ValidationError(f"Import at most {MAX_FILES} files at a time.")
        for upload in files:
            check_upload(upload.name, upload.size)
        return data


def _files(data: dict) -> Iterator[tuple[str, bytes]]:
    """The uploads and the pasted text as (name, bytes), read one at a time."""
    for upload in data["files"]:
        yield upload.name, upload.read()
    if data["text"].strip():
        yield "pasted.txt", data["text"].encode()


@login_required
@not_suspended
def import_works(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_batches.start_import(
                request.user,
                _files(form.cleaned_data),
                split_chapters=form.cleaned_data["split_chapters"],
                fandoms=split_tag_names(form.cleaned_data["fandoms"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(batch)
    waiting = ImportBatch.objects.filter(owner=request.user)
    return render(request, "works/import.html", {"form": form, "waiting": waiting})


@login_required
def import_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """While files are being read, a page that reloads itself; then what was found in
    each, with the buttons to post, save as drafts or discard."""
    batch = get_object_or_404(
        ImportBatch.objects.select_related("owner"), pk=batch_id, owner=request.user
    )
    if request.method == "POST":
        return _finish(request, batch)
    if import_batches.is_waiting(batch):
        import_batches.resume_reading(batch)
    if import_batches.is_waiting(batch):
        context = {
            "batch": batch,
            "results": import_batches.results(batch, works=False),
            "refresh": REFRESH_SECONDS,
            "slow": import_batches.is_slow(batch),
        }
        return render(request, "works/import_waiting.html", context)
    results = import_batches.results(batch)
    context = {"batch": batch, "results": results, "postable": any(r.work for r in results)}
    return render(request, "works/import_preview.html", context)


def _finish(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    action = request.POST.get("confirm")
    if action == "discard":
        import_batches.discard_import(request.user, batch.pk)
        messages.success(request, "Import discarded; nothing was posted.")
        return redirect("import_works")
    if action not in {"post", "draft"}:
        return redirect(batch)
    refusal = posting_refusal(request.user)  # suspended since uploading: nothing is posted
    if refusal:
        messages.error(request, refusal)
        return redirect(batch)
    try:
        outcome = import_batches.confirm_import(request.user, batch.pk, post=action == "post")
    except ImportBatch.DoesNotExist:
        raise Http404("This import was already posted or discarded.") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(batch)
    for work in outcome.imported:
        messages.success(request, f"Imported “{work.title}”.")
    for line in outcome.failed:
        messages.error(request, f"Not imported: {line}")
    if len(outcome.imported) == 1 and not outcome.failed:
        return redirect(outcome.imported[0])
    return redirect("user_works", request.user.username)
