"""Counting requests per visitor or account in Django's cache, to slow down guessing and
floods. A fixed window: the first counted request starts it, and once `attempts` are
counted the key waits until the window ends.

The cache is each process's memory unless CACHES says otherwise, so with several web
processes each one counts on its own (docs/hosting.md).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    seconds: int


def client_address(request: HttpRequest) -> str:
    """The visitor's IP address. Behind a trusted proxy, the address the proxy saw: the
    last X-Forwarded-For entry, since earlier ones are whatever the visitor sent."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _keys(limit: Limit, key: str) -> tuple[str, str]:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # any text makes a valid cache key
    return f"throttle:{limit.name}:{digest}:count", f"throttle:{limit.name}:{digest}:start"


def record(limit: Limit, key: str) -> None:
    """Count one attempt for `key`."""
    count_key, start_key = _keys(limit, key)
    cache.add(start_key, time.time(), limit.seconds)
    if cache.add(count_key, 1, limit.seconds):
        return
    try:
        cache.incr(count_key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(count_key, 1, limit.seconds)


def take(limit: Limit, key: str) -> int:
    """Count one attempt for `key` and say whether it fits: 0 if it does, otherwise how many
    seconds until the window ends. The count and the check are one atomic increment, so two
    requests at once can't both take the last place."""
    count_key, start_key = _keys(limit, key)
    cache.add(start_key, time.time(), limit.seconds)
    if cache.add(count_key, 1, limit.seconds):
        count = 1
    else:
        try:
            count = cache.incr(count_key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(count_key, 1, limit.seconds)
            count = 1
    if count <= limit.attempts:
        return 0
    start = cache.get(start_key) or time.time()
    return max(1, math.ceil(start + limit.seconds - time.time()))


def wait_seconds(limit: Limit, key: str) -> int:
    """0 if `key` may try again now, otherwise how many seconds until it may."""
    count_key, start_key = _keys(limit, key)
    if cache.get(count_key, 0) < limit.attempts:
        return 0
    start = cache.get(start_key) or time.time()
    return max(1, math.ceil(start + limit.seconds - time.time()))


def in_words(seconds: int) -> str:
    """'20 seconds', '1 minute', '5 minutes': how long to wait, for people."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
