"""The Content Security Policy header, which Django 5.2 can't send by itself.

The policy (settings.CONTENT_SECURITY_POLICY) allows no inline script or style: every
script and stylesheet lives in static/ficarchive/.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Add the policy in settings.CONTENT_SECURITY_POLICY to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
