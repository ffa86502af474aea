"""Background tasks that are retried when they fail.

django-tasks records a failed task and stops there. Ficarchive's tasks are declared with
`ficarchive.tasks.task` instead: when one raises under a queue that can run work later
(the database or Redis queue), the same call is queued again with a growing, jittered delay,
up to TASK_ATTEMPTS attempts in all; the last failure is logged as an error. Each attempt
is its own task result (FAILED, then READY for the next one), so the queue keeps an honest
record. The attempt number travels in a keyword argument the wrapper removes before the
task function sees it.

With the immediate backend (the default) a task runs inside the request that asked for it,
so it is not retried: waiting there would hold the request. Its failure is logged and
recorded as before, and the request carries on.

Every task must therefore be safe to run again after a partial run; each task's docstring
says why it is.
"""

from __future__ import annotations

import functools
import logging
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task as django_task
from django_tasks.base import Task

logger = logging.getLogger("ficarchive.tasks")

ATTEMPT = "_attempt"  # the keyword argument carrying the attempt number (1 for the first)


def retry_delay(attempt: int) -> float:
    """Seconds to wait before attempt `attempt + 1`: the base delay doubled per attempt, with
    ±50% jitter so that tasks that failed together (a database restart) don't return
    together."""
    base = settings.TASK_RETRY_DELAY * 2 ** (attempt - 1)
    return base * random.uniform(0.5, 1.5)


def task(function: Callable | None = None, **options: Any) -> Any:
    """Like django_tasks.task (same options), with retries as described above."""

    def decorate(function: Callable) -> Task:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            attempt = kwargs.pop(ATTEMPT, 1)
            try:
                return function(*args, **kwargs)
            except Exception:
                _after_failure(queued, attempt, args, kwargs)
                raise

        queued = django_task(**options)(run)
        return queued

    return decorate(function) if function is not None else decorate


def _after_failure(queued: Task, attempt: int, args: tuple, kwargs: dict) -> None:
    name = queued.module_path
    # The backend logs each failed attempt with its traceback; these lines say what follows.
    if not queued.get_backend().supports_defer:
        logger.warning("Task %s failed; tasks that run immediately are not retried", name)
        return
    if attempt >= settings.TASK_ATTEMPTS:
        logger.exception("Task %s failed for good after %d attempts", name, attempt)
        return
    delay = retry_delay(attempt)
    if delay > 0:
        queued = queued.using(run_after=timezone.now() + timedelta(seconds=delay))
    try:
        queued.enqueue(*args, **kwargs, **{ATTEMPT: attempt + 1})
    except Exception:  # the queue is down too: say so, and let the task's own error stand
        logger.exception("Task %s failed and could not be queued again", name)
        return
    logger.warning(
        "Task %s failed (attempt %d of %d); trying again in %.1f s",
        name,
        attempt,
        settings.TASK_ATTEMPTS,
        delay,
    )
