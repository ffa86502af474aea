"""The "Import a work" page: upload files or paste text, check what was recovered, post.

Uploaded files wait in MEDIA_ROOT/imports/<token>/ between the two steps, so nothing is
parsed from the browser's word and nothing is saved before the person confirms.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ficarchive.community.guards import not_suspended
from ficarchive.formats.importers import LIMIT_BYTES, parse
from ficarchive.formats.work import FormatError
from ficarchive.tags.services import split_tag_names
from ficarchive.works.exchange import ImportChoices, create_from_parsed, import_problems

MAX_FILES = 50
SESSION_KEY = "pending_import"


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
            if upload.size > LIMIT_BYTES:
                raise ValidationError(
                    f"{upload.name} is {upload.size / 1e6:.1f} MB; files can be at most "
                    f"{LIMIT_BYTES // 1_000_000} MB."
                )
        return data


def _pending_dir(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / token


def _parse_all(folder: Path, split: bool) -> list[dict]:
    results = []
    for path in sorted(folder.iterdir()):
        name = path.name.split("-", 1)[1]
        try:
            results.append(
                {"name": name, "work": parse(name, path.read_bytes(), split_chapters=split)}
            )
        except FormatError as error:
            results.append({"name": name, "error": str(error)})
    return results


@login_required
@not_suspended
def import_works(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    if request.method == "POST" and "confirm" in request.POST and pending:
        return _confirm(request, pending)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = secrets.token_hex(16)
        folder = _pending_dir(token)
        folder.mkdir(parents=True)
        uploads = form.cleaned_data["files"]
        for index, upload in enumerate(uploads):
            safe = Path(upload.name).name.replace("/", "_")[:100] or "upload"
            with (folder / f"{index:03d}-{safe}").open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
        if form.cleaned_data["text"].strip():
            (folder / f"{len(uploads):03d}-pasted.txt").write_text(form.cleaned_data["text"])
        pending = {
            "token": token,
            "split": form.cleaned_data["split_chapters"],
            "fandoms": split_tag_names(form.cleaned_data["fandoms"]),
        }
        request.session[SESSION_KEY] = pending
        return _preview(request, pending)
    return render(request, "works/import.html", {"form": form})


def _choices(request: HttpRequest, pending: dict, post: bool = True) -> ImportChoices:
    return ImportChoices(pseud=request.user.default_pseud, post=post, fandoms=pending["fandoms"])


def _preview(request: HttpRequest, pending: dict) -> HttpResponse:
    results = _parse_all(_pending_dir(pending["token"]), pending["split"])
    for item in results:
        if "work" in item:
            item["problems"] = import_problems(item["work"], _choices(request, pending))
    return render(request, "works/import_preview.html", {"results": results})


def _confirm(request: HttpRequest, pending: dict) -> HttpResponse:
    folder = _pending_dir(pending["token"])
    post = request.POST.get("confirm") == "post"
    imported, failed = [], []
    for item in _parse_all(folder, pending["split"]) if folder.exists() else []:
        if "error" in item:
            failed.append(f"{item['name']}: {item['error']}")
            continue
        try:
            imported.append(create_from_parsed(item["work"], _choices(request, pending, post)))
        except ValidationError as error:
            failed.append(f"{item['name']}: {' '.join(error.messages)}")
    shutil.rmtree(folder, ignore_errors=True)
    del request.session[SESSION_KEY]
    for work in imported:
        messages.success(request, f"Imported “{work.title}”.")
    for line in failed:
        messages.error(request, f"Not imported: {line}")
    if len(imported) == 1 and not failed:
        return redirect(imported[0])
    return redirect("user_works", request.user.username)
