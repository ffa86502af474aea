"""Hits and readings: a page view is not a database write.

Each visitor counts once per work per day. Views (and members' reading history) wait in
a buffer: Redis when FICARCHIVE_REDIS_URL is set (shared by every web process), otherwise
this process's memory. `flush` adds the buffered counts to Work.hits (one UPDATE per
work) and the readings to Reading rows; the worker runs it shortly after views arrive,
and `ficarchive flush_hits` runs it on demand (or from cron).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import hmac
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from ficarchive.community.models import HitDay, Reading
from ficarchive.community.redis import Redis
from ficarchive.works.models import Chapter, Work

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 60  # buffered hits reach the database within about this long
LOCAL_FLUSH_AFTER = 200  # …or once this many are waiting in one process


def visitor_address(request: HttpRequest) -> str:
    """The visitor's IP address. Behind the trusted proxy (FICARCHIVE_BEHIND_PROXY), the
    rightmost X-Forwarded-For entry: the one the proxy appended, the address it saw. Entries
    to its left come from the visitor and can be made up, one per guest kudos."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR", "")


def hashed(value: str) -> str:
    """A keyed hash, so stored guest addresses reveal nothing without the secret key."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def visitor_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    return "g" + hashed(visitor_address(request))[:32]


@dataclass
class Reading_:
    """A buffered reading: the last chapter opened, when, and how many views since."""

    chapter_id: int | None
    at: float
    count: int


class LocalBuffer:
    """Hits kept in this process; seen visitors are forgotten when the day changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day = ""
        self._seen: set[tuple[int, str]] = set()
        self._pending: Counter[tuple[int, str]] = Counter()
        self._readings: dict[tuple[int, int], Reading_] = {}
        self._last_flush = time.monotonic()

    def add(self, work_id: int, visitor: str, day: str) -> None:
        with self._lock:
            if day != self._day:
                self._day, self._seen = day, set()
            if (work_id, visitor) not in self._seen:
                self._seen.add((work_id, visitor))
                self._pending[(work_id, day)] += 1

    def add_reading(self, user_id: int, work_id: int, chapter_id: int | None, at: float) -> None:
        with self._lock:
            earlier = self._readings.get((user_id, work_id))
            if earlier is None:
                self._readings[(user_id, work_id)] = Reading_(chapter_id, at, 1)
            else:
                chapter_id = chapter_id or earlier.chapter_id  # the entire work keeps the place
                self._readings[(user_id, work_id)] = Reading_(chapter_id, at, earlier.count + 1)

    def take_readings(self) -> dict[tuple[int, int], Reading_]:
        with self._lock:
            readings, self._readings = self._readings, {}
        return readings

    def due(self) -> bool:
        waiting = sum(self._pending.values()) + len(self._readings)
        return waiting >= LOCAL_FLUSH_AFTER or (
            waiting > 0 and time.monotonic() - self._last_flush >= FLUSH_SECONDS
        )

    def take(self) -> dict[tuple[int, str], int]:
        with self._lock:
            pending, self._pending = dict(self._pending), Counter()
            self._last_flush = time.monotonic()
        return pending

    def give_back(self, counts: dict[tuple[int, str], int]) -> None:
        with self._lock:
            self._pending.update(counts)

    def give_back_readings(self, readings: dict[tuple[int, int], Reading_]) -> None:
        for (user_id, work_id), reading in readings.items():
            for _ in range(reading.count):
                self.add_reading(user_id, work_id, reading.chapter_id, reading.at)


# Reads and empties the pending hash in one step, so no hit is counted twice or lost.
TAKE_SCRIPT = "local v = redis.call('HGETALL', KEYS[1]) redis.call('DEL', KEYS[1]) return v"


class RedisBuffer:
    """Hits kept in Redis: a set of visitors seen per day, a hash of counts per work."""

    def __init__(self, url: str, prefix: str = "ficarchive:hits:") -> None:
        self.redis = Redis(url)
        self.prefix = prefix

    def add(self, work_id: int, visitor: str, day: str) -> None:
        seen = f"{self.prefix}seen:{day}"
        if self.redis.command("SADD", seen, f"{work_id}:{visitor}"):
            self.redis.command("HINCRBY", f"{self.prefix}pending", f"{work_id}:{day}", 1)
            self.redis.command("EXPIRE", seen, 2 * 86400)

    def due(self) -> bool:
        """True once per FLUSH_SECONDS across all processes: whoever wins schedules a flush."""
        return bool(self.redis.command("SET", f"{self.prefix}flush", 1, "NX", "EX", FLUSH_SECONDS))

    def take(self) -> dict[tuple[int, str], int]:
        flat = self.redis.command("EVAL", TAKE_SCRIPT, 1, f"{self.prefix}pending") or []
        counts = {}
        for i in range(0, len(flat), 2):
            work_id, day = flat[i].decode().split(":")
            counts[(int(work_id), day)] = int(flat[i + 1])
        return counts

    def give_back(self, counts: dict[tuple[int, str], int]) -> None:
        for (work_id, day), count in counts.items():
            self.redis.command("HINCRBY", f"{self.prefix}pending", f"{work_id}:{day}", count)

    def add_reading(self, user_id: int, work_id: int, chapter_id: int | None, at: float) -> None:
        key = f"{self.prefix}readings"
        self.redis.command("HSET", key, f"{user_id}:{work_id}:last", f"{chapter_id or ''}|{at}")
        self.redis.command("HINCRBY", key, f"{user_id}:{work_id}:n", 1)

    def take_readings(self) -> dict[tuple[int, int], Reading_]:
        flat = self.redis.command("EVAL", TAKE_SCRIPT, 1, f"{self.prefix}readings") or []
        fields = {flat[i].decode(): flat[i + 1].decode() for i in range(0, len(flat), 2)}
        readings = {}
        for name, value in fields.items():
            user_id, work_id, part = name.split(":")
            if part != "last":
                continue
            chapter, at = value.split("|")
            count = int(fields.get(f"{user_id}:{work_id}:n", 1))
            readings[(int(user_id), int(work_id))] = Reading_(
                int(chapter) if chapter else None, float(at), count
            )
        return readings

    def give_back_readings(self, readings: dict[tuple[int, int], Reading_]) -> None:
        for (user_id, work_id), reading in readings.items():
            key = f"{self.prefix}readings"
            self.redis.command(
                "HSET", key, f"{user_id}:{work_id}:last", f"{reading.chapter_id or ''}|{reading.at}"
            )
            self.redis.command("HINCRBY", key, f"{user_id}:{work_id}:n", reading.count)


_buffer: LocalBuffer | RedisBuffer | None = None
_buffer_url: str | None = None


def buffer() -> LocalBuffer | RedisBuffer:
    """The configured buffer (rebuilt if the setting changes, as it does in tests)."""
    global _buffer, _buffer_url
    url = settings.REDIS_URL
    if _buffer is None or url != _buffer_url:
        _buffer = RedisBuffer(url) if url else LocalBuffer()
        _buffer_url = url
    return _buffer


def record_hit(request: HttpRequest, work: Work) -> None:
    """Count this visit to `work` (creators' own visits don't count)."""
    if work.is_creator(request.user) or not work.posted:
        return
    buffer().add(work.pk, visitor_key(request), timezone.localdate().isoformat())
    if not request.user.is_authenticated:
        request.counted_work = work.pk  # a cached copy of this page counts the same hit


def record_guest_hit(request: HttpRequest, work_id: int) -> None:
    """Count a guest's visit served from the page cache (ficarchive/page_cache.py), which
    knows only the work's id. Like record_view, a Redis outage loses the hit, not the page."""
    from ficarchive.community.redis import RedisError

    try:
        buffer().add(work_id, visitor_key(request), timezone.localdate().isoformat())
        flush_when_due()
    except RedisError as error:
        logger.warning("Hit not counted: %s", error)


def record_reading(user_id: int, work_id: int, chapter_id: int | None) -> None:
    """Note a member's reading; it reaches their history at the next flush."""
    buffer().add_reading(user_id, work_id, chapter_id, time.time())


def flush_when_due() -> None:
    """After recording a view: flush here (this process's buffer) or schedule a flush by the
    worker (Redis) when enough has waited."""
    hits = buffer()
    if hits.due():
        if isinstance(hits, LocalBuffer):
            flush()  # only this process holds these hits
        else:
            _schedule_flush()


def _schedule_flush() -> None:
    from ficarchive.community.tasks import flush_hits

    if flush_hits.get_backend().supports_defer:
        # Run at the end of the window, so one flush carries every hit that arrives in it.
        flush_hits.using(run_after=timezone.now() + timedelta(seconds=FLUSH_SECONDS)).enqueue()
    else:
        flush_hits.enqueue()


def flush() -> int:
    """Add buffered hits to the works' counters and daily rows, and buffered readings to
    the readers' history; returns how many hits were written."""
    hits = buffer()
    counts = hits.take()
    readings = hits.take_readings()
    try:
        with transaction.atomic():
            _write_hits(counts)
            _write_readings(readings)
    except Exception:
        hits.give_back(counts)
        hits.give_back_readings(readings)
        raise
    return sum(counts.values())


def _write_hits(counts: dict[tuple[int, str], int]) -> None:
    per_work: Counter[int] = Counter()
    for (work_id, _day), count in counts.items():
        per_work[work_id] += count
    for work_id, count in sorted(per_work.items()):
        Work.objects.filter(pk=work_id).update(hits=F("hits") + count)
    existing = set(Work.objects.filter(pk__in=per_work).values_list("pk", flat=True))
    for (work_id, day), count in sorted(counts.items()):
        if work_id in existing:
            _add_to_day(work_id, day, count)


def _write_readings(readings: dict[tuple[int, int], Reading_]) -> None:
    """Upsert each reading; works, chapters or users deleted meanwhile are skipped."""
    if not readings:
        return
    works = set(Work.objects.filter(pk__in={w for _, w in readings}).values_list("pk", flat=True))
    chapters = set(
        Chapter.objects.filter(pk__in={r.chapter_id for r in readings.values()}).values_list(
            "pk", flat=True
        )
    )
    users = set(
        get_user_model()
        .objects.filter(pk__in={u for u, _ in readings})
        .values_list("pk", flat=True)
    )
    for (user_id, work_id), reading in sorted(readings.items()):
        if work_id not in works or user_id not in users:
            continue
        chapter_id = reading.chapter_id if reading.chapter_id in chapters else None
        at = datetime.fromtimestamp(reading.at, tz=UTC)
        rows = Reading.objects.filter(user_id=user_id, work_id=work_id)
        fields = {"last_read_at": at}
        if chapter_id:  # reading the entire work keeps the chapter last read
            fields["chapter_id"] = chapter_id
        if rows.update(times=F("times") + reading.count, **fields):
            continue
        try:
            with transaction.atomic():
                Reading.objects.create(
                    user_id=user_id, work_id=work_id, times=reading.count, **fields
                )
        except IntegrityError:  # "mark for later" created the row meanwhile
            rows.update(times=F("times") + reading.count, **fields)


def _add_to_day(work_id: int, day: str, count: int) -> None:
    rows = HitDay.objects.filter(work_id=work_id, day=day)
    if not rows.update(hits=F("hits") + count):
        try:
            with transaction.atomic():
                HitDay.objects.create(work_id=work_id, day=day, hits=count)
        except IntegrityError:  # another flush created the row meanwhile
            rows.update(hits=F("hits") + count)


def _flush_at_exit() -> None:
    if isinstance(_buffer, LocalBuffer):
        # The database may already be gone at exit; then there is nothing more to do.
        with contextlib.suppress(Exception):
            flush()


atexit.register(_flush_at_exit)
