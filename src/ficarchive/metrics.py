"""Prometheus metrics at /metrics, for whoever holds FICARCHIVE_METRICS_TOKEN.

Requests are counted and timed by MetricsMiddleware, by route name (not path, so the number
of series stays small). Under `ficarchive serve --production` each gunicorn worker process
writes its counts to files in PROMETHEUS_MULTIPROC_DIR (set and emptied by serve), and a
scrape adds up every process's files, whichever process answers it. Queue depth and the
number of posted works are read from the database (or Redis) when scraped.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector

from ficarchive import taskqueue

# registry=None: each scrape builds its own registry (one process, or every process's files).
REQUESTS = Counter(
    "ficarchive_http_requests",
    "HTTP requests answered, by method, route name and status class.",
    ["method", "route", "status"],
    registry=None,
)
LATENCY = Histogram(
    "ficarchive_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name.",
    ["route"],
    registry=None,
)


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else "unmatched"


class MetricsMiddleware:
    """Count and time every request (only when metrics are enabled)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.METRICS_TOKEN:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        route = _route(request)
        status = f"{response.status_code // 100}xx"
        REQUESTS.labels(request.method, route, status).inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)
        return response


class ArchiveCollector:
    """Gauges read at scrape time: the task queue and the archive's size."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        tasks = GaugeMetricFamily(
            "ficarchive_tasks",
            "Background tasks in the queue, by state (failed: attempts kept until pruned).",
            labels=["backend", "state"],
        )
        backend = taskqueue.kind()
        for state, count in taskqueue.depth().items():
            tasks.add_metric([backend, state], count)
        yield tasks
        from ficarchive.works.models import Work

        works = GaugeMetricFamily("ficarchive_works_posted", "Posted works in the archive.")
        works.add_metric([], Work.objects.filter(posted=True).count())
        yield works


def _authorised(request: HttpRequest) -> bool | None:
    """None without a bearer token, else whether it is the right one (in constant time)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return hmac.compare_digest(token.strip().encode(), settings.METRICS_TOKEN.encode())


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The exposition, or 404 when metrics are off, 401 without a token, 403 with a wrong one."""
    if not settings.METRICS_TOKEN:
        raise Http404("Metrics are not enabled.")
    authorised = _authorised(request)
    if authorised is None:
        response = HttpResponse("A bearer token is needed.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not authorised:
        return HttpResponse("Wrong token.\n", status=403)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(ArchiveCollector())
    # The classic text format (0.0.4): every Prometheus version reads it.
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_PLAIN_0_0_4)
