"""Changing things through the API: JSON in, the site's own forms and services underneath.

The site's forms already hold every posting rule (a fandom, a rating, a warning, limits,
dates), so JSON is turned into form data and validated by them; the services save. An
invalid request changes nothing and answers with the form's own messages per field.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ficarchive.api.listing import FieldErrors
from ficarchive.community.services import bookmarks, comments, kudos, subscriptions
from ficarchive.community.services.moderation import posting_refusal
from ficarchive.tags.models import Tag, TagType
from ficarchive.works import services
from ficarchive.works.forms import ChapterForm, WorkForm
from ficarchive.works.models import Chapter, Work

FIXED = {"rating": TagType.RATING, "warnings": TagType.WARNING, "categories": TagType.CATEGORY}
TAG_LISTS = ["fandoms", "relationships", "characters", "additional_tags"]


def _errors(error: ValidationError) -> FieldErrors:
    if hasattr(error, "error_dict"):
        return FieldErrors(
            {k: [str(m) for m in v[0].messages] for k, v in error.error_dict.items()}
        )
    return FieldErrors({"__all__": list(error.messages)}, " ".join(error.messages))


def _form_errors(form) -> FieldErrors:
    return FieldErrors({name: list(messages) for name, messages in form.errors.items()})


def check_may_post(user) -> None:
    refusal = posting_refusal(user)
    if refusal:
        raise PermissionDenied(refusal)


def _fixed_ids(names: object, tag_type: str, field: str) -> list[int]:
    """Fixed tags by name (or id) as the form's ids; an unknown name is a field error."""
    wanted = names if isinstance(names, list) else [names]
    known = {t.name: t.pk for t in Tag.objects.filter(type=tag_type)}
    ids, unknown = [], []
    for name in wanted:
        if isinstance(name, int) and name in known.values():
            ids.append(name)
        elif isinstance(name, str) and name in known:
            ids.append(known[name])
        else:
            unknown.append(str(name))
    if unknown:
        raise FieldErrors({field: [f"Not a {tag_type} here: {', '.join(unknown)}."]})
    return ids


def _work_form(user, work: Work, payload: dict) -> WorkForm:
    """The work form, filled from the work as it is, then from the payload's fields."""
    current = WorkForm(user=user, instance=work)
    data = {name: current[name].value() for name in current.fields}
    for name, value in payload.items():
        if value is None and name != "expected_chapters":
            continue
        if name in FIXED:
            ids = _fixed_ids(value, FIXED[name], name)
            data[name] = ids[0] if name == "rating" else ids
        elif name in TAG_LISTS:
            data[name] = ", ".join(value)
        elif name == "expected_chapters":
            data[name] = "?" if value is None else str(value)
        elif name in data:
            data[name] = value
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    form = WorkForm(data, user=user, instance=work)
    if not form.is_valid():
        raise _form_errors(form)
    return form


def save_work(user, work: Work, payload: dict, *, post: bool) -> Work:
    """Post or update a work (a draft when `post` is false) as the site's form would."""
    check_may_post(user)
    if work.pk and not work.is_creator(user):
        raise PermissionDenied("Only the work's creators can change it.")
    form = _work_form(user, work, payload)
    try:
        with transaction.atomic():
            saved = services.save_work(work, form.work_input(), form.first_chapter(), post=post)
            comments.set_moderation(saved, user, form.cleaned_data["moderate_comments"])
    except ValidationError as error:
        raise _errors(error) from None
    return saved


def delete_work(user, work: Work) -> None:
    if not work.is_creator(user):
        raise PermissionDenied("Only the work's creators can delete it.")
    services.delete_work(work)


def save_chapter(user, chapter: Chapter, payload: dict) -> Chapter:
    """Add a chapter, or change one, through the chapter form."""
    check_may_post(user)
    if not chapter.work.is_creator(user):
        raise PermissionDenied("Only the work's creators can change its chapters.")
    current = ChapterForm(instance=chapter)
    data = {name: current[name].value() for name in current.fields}
    data.update({k: v for k, v in payload.items() if v is not None and k in data})
    form = ChapterForm({k: v for k, v in data.items() if v is not None}, instance=chapter)
    if not form.is_valid():
        raise _form_errors(form)
    return services.save_chapter(form.save(commit=False))


def reorder_chapters(user, work: Work, chapter_ids: list[int]) -> None:
    if not work.is_creator(user):
        raise PermissionDenied("Only the work's creators can reorder its chapters.")
    if sorted(chapter_ids) != sorted(work.chapters.values_list("pk", flat=True)):
        raise FieldErrors({"chapter_ids": ["List every chapter of the work exactly once."]})
    services.reorder_chapters(work, chapter_ids)


def give_kudos(request, work: Work) -> None:
    try:
        kudos.give_kudos(request, work)
    except ValidationError as error:
        raise _errors(error) from None


def post_comment(user, chapter: Chapter, body: str):
    check_may_post(user)
    try:
        return comments.post_comment(chapter, user, comments.CommentInput(body=body))
    except ValidationError as error:
        raise _errors(error) from None


def bookmark(user, work: Work, notes: str, tags: list[str], private: bool):
    check_may_post(user)
    try:
        names = bookmarks.parse_tags(", ".join(tags))
        data = bookmarks.BookmarkInput(notes=notes, tags=names, private=private)
        return bookmarks.save_bookmark(user, work, data)
    except ValidationError as error:
        raise _errors(error) from None


def subscribe(user, work: Work):
    return subscriptions.subscribe(user, work)
