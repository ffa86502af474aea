"""Who is calling: a personal access token (Bearer, or Basic for e-readers), else the session.

A token that is present but wrong is an error rather than a silent guest, so a script with a
revoked token learns why restricted works disappeared.
"""

from __future__ import annotations

import base64
import binascii
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from ninja.utils import check_csrf

from ficarchive.api.models import AccessToken
from ficarchive.api.tokens import token_for


class BadToken(Exception):
    """The request carried credentials that match no active token."""


class ReadOnlyToken(Exception):
    """A read-scoped token tried to change something."""


class CsrfFailed(Exception):
    """A session-authenticated change without the CSRF token the site's pages send."""


TOO_MANY = "Too many requests; try again later."


class RateLimited(Exception):
    def __init__(self, retry_after: int, message: str = TOO_MANY) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Caller:
    user: object
    token: AccessToken | None = None

    @property
    def can_write(self) -> bool:
        if not self.user.is_authenticated:
            return False
        return self.token is None or self.token.can_write


def _secret(request: HttpRequest) -> str | None:
    """The token in an Authorization header: `Bearer <token>` or Basic with it as password."""
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    if kind.lower() == "bearer":
        return value.strip()
    if kind.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return None


def caller(request: HttpRequest) -> Caller:
    """The user a request acts for; raises BadToken or RateLimited. Worked out (and counted
    against the rate limit) once per request, however many helpers ask."""
    known = getattr(request, "api_caller", None)
    if known is not None:
        return known
    secret = _secret(request)
    if secret is None:
        user = getattr(request, "user", None) or AnonymousUser()
        who = Caller(user)
    else:
        token = token_for(secret)
        if token is None:
            raise BadToken
        who = Caller(token.user, token)
        request.user = token.user  # the site's services read the actor from the request
    check_rate(request, who)
    request.api_caller = who
    return who


def writer(request: HttpRequest) -> Caller:
    """The caller, who must be signed in (session) or hold a write-scoped token."""
    who = caller(request)
    if not who.user.is_authenticated:
        raise BadToken
    if not who.can_write:
        raise ReadOnlyToken
    if who.token is None and check_csrf(request):
        raise CsrfFailed
    return who


def check_rate(request: HttpRequest, who: Caller) -> None:
    """A fixed window per user (or per address for guests), as AO3 limits per IP."""
    limit, window = settings.API_RATE_LIMIT, settings.API_RATE_WINDOW
    if not limit:
        return
    if who.user.is_authenticated:
        key = f"user:{who.user.pk}"
    else:
        key = f"ip:{request.META.get('REMOTE_ADDR', '')}"
    now = int(time.time())
    start = now - now % window
    bucket = f"api-rate:{key}:{start}"
    cache.add(bucket, 0, window + 5)
    try:
        count = cache.incr(bucket)
    except ValueError:  # the entry expired between add and incr
        count = 1
    if count > limit:
        raise RateLimited(start + window - now)
