"""/readyz checks the Redis task queue when it is the configured backend."""

from __future__ import annotations

import pytest
import redis

from tests.conftest import client_for
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
