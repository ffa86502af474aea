"""Values every page template needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def archive(request: HttpRequest) -> dict:
    from ficarchive.works.downloads import available_formats

    return {"ARCHIVE_NAME": settings.ARCHIVE_NAME, "DOWNLOAD_FORMATS": available_formats()}
