"""`ficarchive worker`: run queued background tasks (FICARCHIVE_TASKS=database or redis)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ficarchive import taskqueue


class Command(BaseCommand):
    help = (
        "Run background tasks queued in the database (FICARCHIVE_TASKS=database) or in Redis "
        "(FICARCHIVE_TASKS=redis), such as recomputing filter sets after wrangling and "
        "reading files uploaded for import. On start it puts back in the queue the tasks a "
        "killed worker left unfinished; a failed task is tried again later. SIGTERM lets the "
        "current task finish, then stops. With the default (immediate) tasks run inside the "
        "web process and no worker is needed. --batch runs what is queued and exits."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run queued tasks, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between polls of the database queue (default 1).",
        )

    def handle(self, *args, batch: bool, interval: float, **options) -> None:
        queue = taskqueue.kind()
        if queue not in ("database", "redis"):
            raise CommandError(
                "Tasks run immediately in this configuration; set FICARCHIVE_TASKS=database "
                "(or redis) to queue them for a worker."
            )
        taskqueue.recover_interrupted()
        name = taskqueue.worker_name()
        if queue == "database":
            call_command(
                "db_worker",
                interval=interval,
                batch=batch,
                reload=False,
                startup_delay=False,
                worker_id=name,
                verbosity=options["verbosity"],
            )
        else:
            # The scheduler moves retries (and other delayed tasks) into the queue when due;
            # django-tasks-rq's job class runs a queued job as the task it names.
            call_command(
                "rqworker",
                "default",
                burst=batch,
                with_scheduler=True,
                name=name,
                job_class="django_tasks_rq.backend.Job",
                verbosity=options["verbosity"],
            )
