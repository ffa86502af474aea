"""Models into the plain dicts the schemas describe; one place, so every endpoint agrees."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from ficarchive.works.downloads import available_formats
from ficarchive.works.models import Work


def tag_ref(tag) -> dict:
    return {"id": tag.pk, "name": tag.name, "type": tag.type}


def pseud_ref(pseud) -> dict:
    return {
        "id": pseud.pk,
        "name": pseud.name,
        "username": pseud.user.username,
        "byline": pseud.byline,
    }


def work_summary(request: HttpRequest, work: Work) -> dict:
    """What a listing shows of a work (its blurb); expects Work.objects.for_listing()."""
    return {
        "id": work.pk,
        "url": request.build_absolute_uri(work.get_absolute_url()),
        "title": work.title,
        "summary": work.summary,
        "creators": [pseud_ref(pseud) for pseud in work.creator_pseuds],
        "imported_creators": work.imported_creators,
        "rating": tag_ref(work.rating) if work.rating else None,
        "warnings": [tag_ref(t) for t in work.warnings],
        "categories": [tag_ref(t) for t in work.categories],
        "fandoms": [tag_ref(t) for t in work.fandoms],
        "relationships": [tag_ref(t) for t in work.relationships],
        "characters": [tag_ref(t) for t in work.characters],
        "additional_tags": [tag_ref(t) for t in work.additional_tags],
        "language": work.language,
        "series": [
            {"id": m.series_id, "title": m.series.title, "position": m.position}
            for m in work.series_memberships.all()
        ],
        "word_count": work.word_count,
        "chapter_count": work.chapter_count,
        "expected_chapters": work.expected_chapters,
        "complete": work.complete,
        "restricted": work.restricted,
        "published_on": work.published_on,
        "revised_at": work.revised_at,
        "hits": work.hits,
        "kudos": work.kudos_count,
        "comments": work.comments_count,
        "bookmarks": work.bookmarks_count,
    }


def downloads(request: HttpRequest, work: Work) -> list[dict]:
    """Download links; none for drafts and hidden works, which the site never serves."""
    if not work.posted or work.hidden_by_admin:
        return []
    return [
        {
            "format": key,
            "label": label,
            "url": request.build_absolute_uri(reverse("download", args=[work.pk, key])),
        }
        for key, label in available_formats()
    ]


def chapter_ref(chapter) -> dict:
    return {
        "id": chapter.pk,
        "position": chapter.position,
        "title": chapter.title,
        "heading": chapter.heading,
        "word_count": chapter.word_count,
        "published_on": chapter.published_on,
    }


def chapter(chapter) -> dict:
    return {
        **chapter_ref(chapter),
        "work_id": chapter.work_id,
        "summary": chapter.summary,
        "notes": chapter.notes,
        "end_notes": chapter.end_notes,
        "text": chapter.text,
    }


def work_detail(request: HttpRequest, work: Work) -> dict:
    return {
        **work_summary(request, work),
        "notes": work.notes,
        "end_notes": work.end_notes,
        "posted": work.posted,
        "muted": getattr(work, "muted", False),
        "chapters": [chapter_ref(c) for c in work.chapters.order_by("position")],
        "downloads": downloads(request, work),
    }
