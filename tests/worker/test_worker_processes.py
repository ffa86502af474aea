"""`ficarchive worker` as a real process, on the database queue and on Redis: failed tasks
come back, a killed worker loses nothing, and SIGTERM lets the current task finish."""

from __future__ import annotations

import json
import signal

import pytest

from tests.worker.conftest import stop


def test_a_failing_task_is_tried_again_until_it_succeeds(archive):
    archive.enqueue(f"flaky.enqueue({str(archive.notes)!r}, failures=2)")

    result = archive.run("worker", "--batch")

    assert result.returncode == 0, result.stderr
    assert archive.lines() == ["run 1", "run 2", "run 3"]
    assert "failed (attempt 1 of 4); trying again" in result.stderr
    assert "failed (attempt 2 of 4); trying again" in result.stderr
    assert "failed for good" not in result.stderr


def test_a_running_worker_retries_once_the_delay_is_up(archive):
    archive.environ["FICARCHIVE_TASK_RETRY_DELAY"] = "2"
    archive.enqueue(f"flaky.enqueue({str(archive.notes)!r}, failures=1)")
    worker = archive.start_worker()
    try:
        archive.wait_for_note("run 1", worker)
        assert archive.lines() == ["run 1"]  # not at once: the retry waits 1-3 seconds
        archive.wait_for_note("run 2", worker, seconds=30)
    finally:
        stop(worker)


def test_a_task_that_keeps_failing_stops_after_the_last_attempt_and_says_so(archive):
    archive.environ["FICARCHIVE_TASK_ATTEMPTS"] = "3"
    archive.enqueue(f"flaky.enqueue({str(archive.notes)!r}, failures=99)")

    result = archive.run("worker", "--batch")

    assert archive.lines() == ["run 1", "run 2", "run 3"]
    assert "Task tests.worker.sample_tasks.flaky failed for good after 3 attempts" in (
        result.stderr
    )
    assert "RuntimeError: planned failure 3" in result.stderr  # with its traceback


def test_a_killed_worker_loses_nothing_and_its_interrupted_task_runs_again(archive):
    path = str(archive.notes)
    archive.enqueue(
        f"note.enqueue({path!r}, 'first', first_run_seconds=120)\n"
        f"note.enqueue({path!r}, 'second')\n"
        f"note.enqueue({path!r}, 'third')\n"
    )
    worker = archive.start_worker()
    archive.wait_for_note("start first", worker)

    stop(worker)  # SIGKILL, in the middle of "first"
    assert "done first" not in archive.lines()

    result = archive.run("worker", "--batch")

    assert result.returncode == 0, result.stderr
    assert "Put 1 interrupted task(s) back in the queue" in result.stderr
    lines = archive.lines()
    assert lines.count("start first") == 2
    assert {"done first", "done second", "done third"} <= set(lines)


def test_sigterm_lets_the_current_task_finish_and_leaves_the_rest_queued(archive):
    path = str(archive.notes)
    archive.enqueue(
        f"note.enqueue({path!r}, 'first', first_run_seconds=3)\nnote.enqueue({path!r}, 'second')\n"
    )
    worker = archive.start_worker()
    archive.wait_for_note("start first", worker)

    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    finally:
        stop(worker)

    assert archive.lines() == ["start first", "done first"]
    result = archive.run("worker", "--batch")
    assert "Put" not in result.stderr  # nothing was left half-done
    assert archive.lines()[-2:] == ["start second", "done second"]


@pytest.mark.parametrize("archive", ["database"], indirect=True)
def test_the_worker_refuses_to_run_when_tasks_run_immediately(archive):
    archive.environ["FICARCHIVE_TASKS"] = "immediate"
    result = archive.run("worker", "--batch")
    assert result.returncode != 0
    assert "set FICARCHIVE_TASKS=database" in result.stderr


def test_with_json_logs_the_worker_logs_a_failure_as_json_with_its_traceback(archive):
    archive.environ.update(FICARCHIVE_LOG_FORMAT="json", FICARCHIVE_TASK_ATTEMPTS="1")
    archive.enqueue(f"flaky.enqueue({str(archive.notes)!r}, failures=1)")

    result = archive.run("worker", "--batch")

    entries = [json.loads(line) for line in (result.stdout + result.stderr).splitlines()]
    [failure] = [e for e in entries if "failed for good" in e["message"]]
    assert failure["level"] == "ERROR" and failure["logger"] == "ficarchive.tasks"
    assert "RuntimeError: planned failure 1" in failure["exception"]
