"""`ficarchive bench_corpus`: fill an empty database with a large deterministic archive.

For benchmarks only (bench/search.py): it writes straight into the tables, and with --yes
it first wipes whatever the database holds. The generator lives in bench/corpus.py, so this
command works from a source checkout.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[5]  # the checkout: src/ficarchive/search/management/…


class Command(BaseCommand):
    help = (
        "Build a benchmark corpus: N works over M fandoms with Zipf-distributed tags, "
        "reader counters, creators and series; with --text-words, chapters of generated "
        "prose and their text index. Refuses a database that already has works unless "
        "--yes, which wipes it first (flush)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--works", type=int, required=True, help="how many works")
        parser.add_argument("--fandoms", type=int, default=200, help="how many fandoms")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same corpus")
        parser.add_argument(
            "--text-words",
            type=int,
            default=None,
            help="write chapters holding about this many words in all, and index them",
        )
        parser.add_argument(
            "--yes", action="store_true", help="wipe a database that already has works"
        )

    def handle(self, *args, **options) -> None:
        if options["works"] < 1 or options["fandoms"] < 1:
            raise CommandError("--works and --fandoms must be at least 1.")
        if options["text_words"] is not None and options["text_words"] < 1:
            raise CommandError("--text-words must be at least 1.")
        if not (ROOT / "bench" / "corpus.py").exists():
            raise CommandError(f"bench/corpus.py is not under {ROOT}: run from a source checkout.")
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from bench.corpus import build_corpus

        from ficarchive.works.models import Work

        existing = Work.objects.count()
        if existing:
            if not options["yes"]:
                raise CommandError(
                    f"The database already has {existing:,} works. bench_corpus wipes every "
                    "table before it builds: run it again with --yes if that is what you want."
                )
            self.stdout.write(f"Wiping {existing:,} works and everything else (flush)…")
            call_command("flush", interactive=False, verbosity=0)

        show = options["verbosity"] > 0
        started = time.monotonic()
        last_stage = [""]

        def progress(stage: str, done: int, total: int) -> None:
            if not show:
                return
            if last_stage[0] and stage != last_stage[0]:
                self.stdout.write("")
            last_stage[0] = stage
            width = 30
            filled = width * done // max(total, 1)
            elapsed = max(time.monotonic() - started, 0.001)
            bar = "#" * filled + "-" * (width - filled)
            rate = f", {done / elapsed:,.0f}/s" if stage == "works" else ""
            self.stdout.write(
                f"\r{stage:<8} [{bar}] {done:,}/{total:,}{rate}, {elapsed:,.0f} s", ending=""
            )
            self.stdout.flush()

        written = build_corpus(
            options["works"],
            fandoms=options["fandoms"],
            seed=options["seed"],
            text_words=options["text_words"],
            progress=progress,
        )
        if show:
            self.stdout.write("")
        parts = [f"{written.works:,} works", f"{written.tag_rows:,} taggings"]
        if written.chapters:
            parts += [
                f"{written.chapters:,} chapters",
                f"{written.words:,} words",
                f"{written.documents:,} indexed",
            ]
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in written.seconds.items())
        self.stdout.write(
            f"Built {', '.join(parts)} in {time.monotonic() - started:.1f} s ({steps})."
        )
