"""Friendly error pages that never show internals."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

# A lost or refused database connection (or a locked SQLite file) is usually over soon;
# Django opens a new connection for the next request, so the archive recovers by itself.
DATABASE_RETRY_SECONDS = 30


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database can't be reached: Django calls this while handling
    the exception. No context processors here: they might be what failed."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
        return response
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token: say what to do, not Django's internals."""
    return render(request, "errors/csrf.html", status=403)
