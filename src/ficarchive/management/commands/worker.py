"""`ficarchive worker`: run queued background tasks (with FICARCHIVE_TASKS=database)."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run background tasks queued in the database, such as recomputing filter sets after "
        "wrangling and reading files uploaded for import. Needs FICARCHIVE_TASKS=database; "
        "with the default (immediate) tasks run inside the web process and no worker is "
        "needed. --batch runs what is queued and exits."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run queued tasks, then exit.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls (default 1)."
        )

    def handle(self, *args, batch: bool, interval: float, **options) -> None:
        if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
            raise CommandError(
                "Tasks run immediately in this configuration; set FICARCHIVE_TASKS=database "
                "to queue them for a worker."
            )
        call_command(
            "db_worker",
            interval=interval,
            batch=batch,
            reload=False,
            startup_delay=False,
            verbosity=options["verbosity"],
        )
