"""Retry policy of ficarchive.tasks, in this process: the delay, and the immediate backend."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ficarchive.tasks import retry_delay
from tests.worker.sample_tasks import flaky, lines


def test_the_delay_doubles_with_each_attempt_within_half_either_way(settings):
    settings.TASK_RETRY_DELAY = 10
    for attempt, base in [(1, 10), (2, 20), (3, 40)]:
        delays = [retry_delay(attempt) for _ in range(200)]
        assert all(base * 0.5 <= delay <= base * 1.5 for delay in delays)
        assert len(set(delays)) > 1  # jittered


def test_under_the_immediate_backend_a_failure_is_logged_and_not_retried(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="ficarchive.tasks"):
        result = flaky.enqueue(str(tmp_path / "notes.txt"), failures=1)

    assert result.status == "FAILED"
    assert lines(tmp_path / "notes.txt") == ["run 1"]
    assert "tasks that run immediately are not retried" in caplog.text


@pytest.mark.django_db
def test_a_retry_waits_for_its_delay_in_the_database_queue(tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RETRY_DELAY = 60
    first = flaky.enqueue(str(tmp_path / "notes.txt"), failures=1)
    task = DBTaskResult.objects.get(pk=first.id)

    with pytest.raises(RuntimeError, match="planned failure 1"):
        task.task.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])

    retry = DBTaskResult.objects.exclude(pk=first.id).get()
    assert retry.status == "READY"
    assert retry.args_kwargs["kwargs"] == {"failures": 1, "_attempt": 2}
    wait = retry.run_after - timezone.now()
    assert timedelta(seconds=25) < wait < timedelta(seconds=91)
    assert not DBTaskResult.objects.ready().filter(pk=retry.pk).exists()


@pytest.mark.django_db
def test_when_the_retry_cannot_be_queued_the_task_error_stands_and_is_logged(
    tmp_path, settings, caplog
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RETRY_DELAY = 60
    first = flaky.enqueue(str(tmp_path / "notes.txt"), failures=1)
    task = DBTaskResult.objects.get(pk=first.id)
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}

    with pytest.raises(RuntimeError, match="planned failure 1"):
        task.task.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])

    assert "flaky failed and could not be queued again" in caplog.text
    assert DBTaskResult.objects.count() == 1
