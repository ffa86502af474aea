"""`ficarchive delete_old_drafts`: drafts are kept 30 days after they were created."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ficarchive.works.services import delete_old_drafts


class Command(BaseCommand):
    help = (
        "Delete drafts created more than 30 days ago (--days to change). "
        "Run it once a day, for example from cron or a systemd timer."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30, help="Age in days (default 30).")

    def handle(self, *args, days: int, **options) -> None:
        count = delete_old_drafts(days)
        plural = "s" if count != 1 else ""
        self.stdout.write(f"Deleted {count} draft{plural} older than {days} days.")
