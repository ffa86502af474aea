"""/readyz and /metrics read the Redis task queue when it is the configured backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from tests.conftest import client_for
from tests.observability.test_metrics import TOKEN, scrape
from tests.worker.sample_tasks import note

REDIS_URL = "redis://127.0.0.1:6379/8"


@pytest.fixture
def redis_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    redis.Redis.from_url(REDIS_URL).flushdb()
    yield settings
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_readyz_counts_the_waiting_tasks_of_a_redis_queue(db, redis_queue, tmp_path):
    note.enqueue(str(tmp_path / "notes.txt"), "waiting")
    queue = client_for(None).get("/readyz").json()["checks"]["queue"]
    assert queue == {"ok": True, "backend": "redis", "waiting": 1}


def test_readyz_says_503_when_the_redis_queue_is_unreachable(db, redis_queue):
    redis_queue.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    response = client_for(None).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == {"ok": False, "error": "ConnectionError"}


def test_metrics_read_the_depth_of_the_redis_queue(db, redis_queue, tmp_path):
    redis_queue.METRICS_TOKEN = TOKEN
    note.enqueue(str(tmp_path / "notes.txt"), "now")
    note.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(str(tmp_path), "later")

    samples = scrape()

    depth = {
        dict(labels)["state"]: value
        for (name, labels), value in samples.items()
        if name == "ficarchive_tasks" and dict(labels)["backend"] == "redis"
    }
    assert depth == {"ready": 1, "scheduled": 1, "running": 0, "failed": 0}
