"""Probes for process managers and load balancers: is the process up, can it serve?

`/healthz` answers without touching anything, so a stuck database never gets a healthy
process restarted; `/readyz` checks what a request needs (database, cache, task queue) so a
load balancer stops sending traffic to an instance that cannot serve it.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from ficarchive import taskqueue


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "engine": connection.vendor}


def _cache() -> dict:
    key = f"readyz-{time.monotonic_ns()}"
    cache.set(key, "1", 10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": ok}


def _queue() -> dict:
    backend = taskqueue.kind()
    if backend not in ("database", "redis"):
        return {"ok": True, "backend": "immediate"}
    return {"ok": True, "backend": backend, "waiting": taskqueue.waiting()}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 with each check's result, or 503 naming what failed (and why, in a word)."""
    checks = {}
    for name, check in [("database", _database), ("cache", _cache), ("queue", _queue)]:
        try:
            checks[name] = check()
        except Exception as error:  # any failure means "not ready"; the probe must answer
            checks[name] = {"ok": False, "error": type(error).__name__}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )
