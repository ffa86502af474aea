"""The task queue as a whole, whichever backend holds it: how deep it is, and getting back
the tasks a dead worker left behind.

A worker killed in the middle of a task (power cut, SIGKILL, out of memory) never gets to
mark it finished: the database queue leaves it RUNNING and Redis leaves it "started",
so it would never run again. Workers are named host:pid:random, and when one starts it
puts back in the queue every task marked running by a worker of the same host whose process
is gone (so a restarted worker picks its own interrupted task up at once), and every task
running for longer than TASK_STALE_SECONDS on another host (whose processes it cannot see).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import get_random_string

logger = logging.getLogger("ficarchive.tasks")

BACKENDS = {
    "django_tasks.backends.immediate.ImmediateBackend": "immediate",
    "django_tasks_db.DatabaseBackend": "database",
    "django_tasks_rq.RQBackend": "redis",
}
STATES = ("ready", "scheduled", "running", "failed")


def kind() -> str:
    """'immediate', 'database' or 'redis': which queue the settings configure."""
    return BACKENDS.get(settings.TASKS["default"]["BACKEND"], "other")


def worker_name() -> str:
    """A name that says where the worker runs, so that its tasks can be recovered."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def abandoned(worker: str, started_at: datetime | None, now: datetime) -> bool:
    """Was the task that `worker` started at `started_at` left behind by a dead worker?"""
    host, _, rest = (worker or "").partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname()[:40] and pid.isdigit():
        return int(pid) == os.getpid() or not _process_alive(int(pid))
    stale = timedelta(seconds=settings.TASK_STALE_SECONDS)
    return started_at is None or started_at < now - stale


def recover_interrupted() -> int:
    """Put the tasks that dead workers left running back in the queue; returns how many."""
    recovered = {"database": _recover_database, "redis": _recover_redis}[kind()]()
    if recovered:
        logger.warning("Put %d interrupted task(s) back in the queue", recovered)
    return recovered


def _recover_database() -> int:
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    recovered = 0
    for result in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if abandoned(worker, result.started_at, now):
            # Conditional, so that a task finished meanwhile is left alone.
            running = DBTaskResult.objects.running().filter(pk=result.pk)
            recovered += running.update(status="READY")
    return recovered


def _recover_redis() -> int:
    import django_rq
    from rq.job import Job, JobStatus
    from rq.registry import StartedJobRegistry

    queue = django_rq.get_queue("default")
    registry = StartedJobRegistry(queue=queue)
    now = timezone.now()
    recovered = 0
    for job in Job.fetch_many(registry.get_job_ids(cleanup=False), connection=queue.connection):
        if job is None or job.get_status() != JobStatus.STARTED:
            continue
        started = job.started_at
        if started is not None and started.tzinfo is None:  # rq may store naive UTC times
            started = started.replace(tzinfo=UTC)
        if abandoned(job.worker_name or "", started, now):
            registry.remove_executions(job)
            queue.enqueue_job(job)
            recovered += 1
    return recovered


def waiting() -> int:
    """Tasks ready to run now: one cheap question for /readyz, which also proves the queue's
    store (database or Redis) answers."""
    if kind() == "database":
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.ready().count()
    if kind() == "redis":
        import django_rq

        return django_rq.get_queue("default").count
    return 0


def depth() -> dict[str, int]:
    """How many tasks are ready to run now, scheduled for later (retries), running, and
    failed (each failed attempt, until pruned)."""
    if kind() == "database":
        from django_tasks_db.models import DBTaskResult

        tasks = DBTaskResult.objects
        queued = tasks.filter(status="READY").count()
        ready = tasks.ready().count()
        return {
            "ready": ready,
            "scheduled": queued - ready,
            "running": tasks.running().count(),
            "failed": tasks.failed().count(),
        }
    if kind() == "redis":
        import django_rq

        queue = django_rq.get_queue("default")
        return {
            "ready": queue.count,
            "scheduled": queue.scheduled_job_registry.count,
            "running": queue.started_job_registry.count,
            "failed": queue.failed_job_registry.count,
        }
    return dict.fromkeys(STATES, 0)
