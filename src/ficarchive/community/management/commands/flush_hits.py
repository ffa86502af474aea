"""`ficarchive flush_hits`: write buffered hit counts to the database now."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ficarchive.community.services import hits


class Command(BaseCommand):
    help = (
        "Add the hits buffered in Redis (FICARCHIVE_REDIS_URL) to the works' hit counts. "
        "The worker does this a minute after views arrive; run this from cron if you have "
        "no worker, or before a backup."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{hits.flush()} hits written.")
