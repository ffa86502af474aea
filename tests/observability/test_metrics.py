"""/metrics: off without a token, closed to anyone without it, and valid Prometheus text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import make_work
from tests.worker.sample_tasks import note

TOKEN = "a-metrics-token-for-tests"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client: Client | None = None) -> dict[tuple[str, tuple], float]:
    """Every sample of the exposition, by (name, sorted labels)."""
    client = client or Client()
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def requests_to(samples: dict, route: str, status: str = "2xx") -> float:
    labels = (("method", "GET"), ("route", route), ("status", status))
    return samples.get(("ficarchive_http_requests_total", labels), 0)


def test_metrics_do_not_exist_without_a_token(client, db):
    assert client.get("/metrics").status_code == 404


def test_metrics_ask_for_a_bearer_token(client, db, metrics_on):
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401


def test_metrics_refuse_a_wrong_token(client, db, metrics_on):
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token-at-all")
    assert response.status_code == 403
    assert "ficarchive" not in response.content.decode()


def test_requests_are_counted_by_route_and_status_class_and_timed(client, db, metrics_on):
    before = scrape()
    client.get("/works/")
    client.get("/works/")
    client.get("/no-such-page-here/")
    after = scrape()

    assert requests_to(after, "works") - requests_to(before, "works") == 2
    assert requests_to(after, "unmatched", "4xx") - requests_to(before, "unmatched", "4xx") == 1
    count = ("ficarchive_http_request_duration_seconds_count", (("route", "works"),))
    assert after[count] - before.get(count, 0) == 2
    bucket = "ficarchive_http_request_duration_seconds_bucket"
    assert after[(bucket, (("le", "+Inf"), ("route", "works")))] == after[count]


def test_queue_depth_and_posted_works_are_read_when_scraped(db, settings, metrics_on, alice):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_work(alice, "The Lighthouse Keeper")
    note.enqueue("/nonexistent/notes.txt", "waiting")
    later = timezone.now() + timedelta(hours=1)
    note.using(run_after=later).enqueue("/nonexistent/notes.txt", "later")

    samples = scrape()

    ready = ("ficarchive_tasks", (("backend", "database"), ("state", "ready")))
    assert samples[ready] >= 1  # the work's own tasks (reindexing) may be queued too
    scheduled = ("ficarchive_tasks", (("backend", "database"), ("state", "scheduled")))
    assert samples[scheduled] == 1
    assert samples[("ficarchive_tasks", (("backend", "database"), ("state", "failed")))] == 0
    assert samples[("ficarchive_works_posted", ())] == 1
