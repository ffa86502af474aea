"""Bookmarks: a reader's notes and own tags on a work or series. Public ones count towards
the work's bookmark count, kept with F() updates."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from ficarchive.community.models import Bookmark, BookmarkTag
from ficarchive.community.services.moderation import posting_refusal
from ficarchive.formats.sanitize import sanitize_html
from ficarchive.tags.services import split_tag_names
from ficarchive.works.models import NOTES_MAX, Series, Work

TAGS_PER_BOOKMARK = 75
TAG_MAX = 150


@dataclass
class BookmarkInput:
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    private: bool = False
    rec: bool = False
    pseud: object = None


def parse_tags(text: str) -> list[str]:
    names = split_tag_names(text)
    if len(names) > TAGS_PER_BOOKMARK:
        raise ValidationError(f"A bookmark can have at most {TAGS_PER_BOOKMARK} tags.")
    too_long = [n for n in names if len(n) > TAG_MAX]
    if too_long:
        raise ValidationError(f"Tags can be at most {TAG_MAX} characters long.")
    return names


def _count(bookmark: Bookmark, delta: int) -> None:
    if bookmark.work_id and not bookmark.private:
        Work.objects.filter(pk=bookmark.work_id).update(
            bookmarks_count=F("bookmarks_count") + delta
        )


@transaction.atomic
def save_bookmark(user, target: Work | Series, data: BookmarkInput) -> Bookmark:
    """Create or update the user's bookmark of `target`. Public notes are published text,
    so a suspended or banned user is refused like any other posting."""
    refusal = posting_refusal(user)
    if refusal:
        raise ValidationError(refusal)
    if len(data.notes) > NOTES_MAX:
        raise ValidationError(f"Bookmark notes can be at most {NOTES_MAX:,} characters long.")
    field_name = "work" if isinstance(target, Work) else "series"
    bookmark = Bookmark.objects.select_for_update().filter(user=user, **{field_name: target})
    bookmark = bookmark.first() or Bookmark(user=user, **{field_name: target})
    if bookmark.pk:
        _count(bookmark, -1)
    bookmark.notes = sanitize_html(data.notes) if data.notes.strip() else ""
    bookmark.private = data.private
    bookmark.rec = data.rec
    bookmark.pseud = data.pseud or user.default_pseud
    bookmark.save()
    _count(bookmark, 1)
    bookmark.tags.all().delete()
    BookmarkTag.objects.bulk_create([BookmarkTag(bookmark=bookmark, name=n) for n in data.tags])
    return bookmark


@transaction.atomic
def delete_bookmark(bookmark: Bookmark) -> None:
    _count(bookmark, -1)
    bookmark.delete()
