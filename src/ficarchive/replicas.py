"""Reads from PostgreSQL read replicas, writes to the primary, and read-your-writes.

Listed in FICARCHIVE_DATABASE_REPLICA_URLS, replicas become the database aliases
`replica_1`, `replica_2`, …; `ReplicaRouter` sends reads there and everything else to
`default` (the primary). Three cases read from the primary instead:

- inside a transaction on the primary, which a replica can't see yet;
- during a request that changes something (POST and the like), for the same reason;
- for a few seconds after such a request (FICARCHIVE_REPLICA_PIN_SECONDS), remembered in a
  cookie, so a person sees their own comment or work at once even if the replicas lag.
"""

from __future__ import annotations

import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

PIN_COOKIE = "ficarchive_primary_until"
_pinned: ContextVar[bool] = ContextVar("ficarchive_pinned_to_primary", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        replicas = replica_aliases()
        if not replicas or _pinned.get() or connections["default"].in_atomic_block:
            return "default"
        return random.choice(replicas)

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, first, second, **hints) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == "default"  # replicas follow the primary's schema by replication


class ReplicaPinMiddleware:
    """Pins a request's reads to the primary when it writes, or wrote a moment ago."""

    SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writes = request.method not in self.SAFE
        try:
            until = float(request.COOKIES.get(PIN_COOKIE, "0"))
        except ValueError:
            until = 0.0
        token = _pinned.set(writes or until > time.time())
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writes:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
