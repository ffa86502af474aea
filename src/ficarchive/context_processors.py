"""Values every page template needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def archive(request: HttpRequest) -> dict:
    from ficarchive.works.downloads import available_formats

    return {
        "ARCHIVE_NAME": settings.ARCHIVE_NAME,
        "REGISTRATION": settings.REGISTRATION,  # which sign-up link the header shows
        "DOWNLOAD_FORMATS": available_formats(),
        # Counted only if the page shows it (the header does, for members).
        "INBOX_UNREAD": SimpleLazyObject(lambda: _unread(request)),
    }


def _unread(request: HttpRequest) -> int:
    from ficarchive.community.models import InboxItem

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return InboxItem.objects.visible_to(user).unread().count()
