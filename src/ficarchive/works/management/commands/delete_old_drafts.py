"""`ficarchive delete_old_drafts`: drafts are kept 30 days after they were created, and
imports nobody posted or discarded one day (their uploaded files are in the database)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ficarchive.works.import_batches import KEEP_HOURS, delete_old_imports
from ficarchive.works.services import delete_old_drafts


class Command(BaseCommand):
    help = (
        "Delete drafts created more than 30 days ago (--days to change), and imports started "
        f"on the site more than {KEEP_HOURS} hours ago that were never posted or discarded "
        "(--import-hours to change). Run it once a day, for example from cron or a systemd "
        "timer."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30, help="Age in days (default 30).")
        parser.add_argument(
            "--import-hours",
            type=int,
            default=KEEP_HOURS,
            help=f"Age of unfinished imports in hours (default {KEEP_HOURS}).",
        )

    def handle(self, *args, days: int, import_hours: int, **options) -> None:
        count = delete_old_drafts(days)
        plural = "s" if count != 1 else ""
        self.stdout.write(f"Deleted {count} draft{plural} older than {days} days.")
        imports = delete_old_imports(import_hours)
        plural = "s" if imports != 1 else ""
        self.stdout.write(
            f"Deleted {imports} unfinished import{plural} older than {import_hours} hours."
        )
