"""`ficarchive reindex`: rebuild the full-text index of every work."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand

from ficarchive.search.index import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of every work from the works themselves, with a "
        "progress bar. Searching keeps working meanwhile, on a partial index."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        show = sys.stdout.isatty() or options["verbosity"] > 1

        def progress(done: int, total: int) -> None:
            if show:
                width = 30
                filled = width * done // max(total, 1)
                rate = done / max(time.monotonic() - started, 0.001)
                bar = "#" * filled + "-" * (width - filled)
                self.stdout.write(f"\r[{bar}] {done:,}/{total:,} works, {rate:,.0f}/s", ending="")
                self.stdout.flush()

        count = rebuild(progress)
        if show:
            self.stdout.write("")
        self.stdout.write(f"Indexed {count:,} works in {time.monotonic() - started:.1f} s.")
