"""Benchmark: re-wrangle a tag used by N works and report seconds.

Builds a scratch archive of N works (about 15 tags each, one of them "AU"), then times:
making "AU" a synonym of the canonical "Alternate Universe", undoing it, and adding a
metatag above "Alternate Universe". Each step recomputes the affected works' filter sets.

    .venv/bin/python bench/wrangle.py --works 10000 100000
    FICARCHIVE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ficarchive_bench \\
        .venv/bin/python bench/wrangle.py --works 10000 100000

Without FICARCHIVE_DATABASE_URL it uses a SQLite file under /tmp (deleted first).
The scratch database is wiped and rebuilt for every N.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path


def setup_django() -> None:
    if not os.environ.get("FICARCHIVE_DATABASE_URL"):
        path = Path(tempfile.gettempdir()) / "ficarchive-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["FICARCHIVE_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault(
        "FICARCHIVE_VAR_DIR", str(Path(tempfile.gettempdir()) / "ficarchive-bench")
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficarchive.settings")
    os.environ.setdefault("FICARCHIVE_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def build(works: int, seed: int = 1) -> None:
    """Insert `works` posted works with Zipf-ish tags, straight into the tables."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from ficarchive.tags import wrangling
    from ficarchive.tags.models import Tag, TagFilter, TagType
    from ficarchive.works.models import FilterTagging, Work

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    with transaction.atomic():
        pool = Tag.objects.bulk_create(
            [
                Tag(
                    name=f"Bench tag {i}",
                    key=f"bench tag {i}",
                    type=TagType.ADDITIONAL,
                    canonical=i % 3 == 0,
                )
                for i in range(2000)
            ]
        )
        TagFilter.objects.bulk_create(
            [TagFilter(tag=t, filter=t) for t in pool if t.canonical], ignore_conflicts=True
        )
        au = Tag.objects.create(name="AU", key="au", type=TagType.ADDITIONAL)
        Tag.objects.create(
            name="Alternate Universe", key="alternate universe", type=TagType.ADDITIONAL
        )
        Tag.objects.create(name="Tropes", key="tropes", type=TagType.ADDITIONAL)
        through = Work.tags.through
        batch = 5000
        for start in range(0, works, batch):
            made = Work.objects.bulk_create(
                [
                    Work(title=f"Work {n}", posted=True, word_count=1000, chapter_count=1)
                    for n in range(start, min(works, start + batch))
                ]
            )
            rows = []
            for work in made:
                chosen = {min(int(rng.paretovariate(1.2)), 1999) for _ in range(14)}
                rows += [through(work_id=work.pk, tag_id=pool[i].pk) for i in chosen]
                rows.append(through(work_id=work.pk, tag_id=au.pk))
            through.objects.bulk_create(rows, batch_size=10000)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FilterTagging._meta.db_table} (work_id, tag_id) "
                f"SELECT DISTINCT t.work_id, c.filter_id FROM {through._meta.db_table} t "
                f"JOIN {TagFilter._meta.db_table} c ON c.tag_id = t.tag_id"
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    wrangling.set_canonical(Tag.objects.get(name="Alternate Universe"), True)
    wrangling.set_canonical(Tag.objects.get(name="Tropes"), True)


PROFILE = False


def timed(label: str, action) -> float:
    """Run `action`, print its seconds; with --profile, also its three slowest statements."""
    from django.db import connection

    statements: list[tuple[float, str]] = []

    def record(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - began, sql))

    start = time.perf_counter()
    with connection.execute_wrapper(record):
        action()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:8.2f} s  ({len(statements)} statements)", flush=True)
    if PROFILE:
        for spent, sql in sorted(statements, reverse=True)[:3]:
            print(f"      {spent:6.2f} s  {' '.join(sql.split())[:110]}")
    return seconds


def run(works: int) -> dict[str, float]:
    from django.db import connection

    from ficarchive.tags import wrangling
    from ficarchive.tags.models import Tag
    from ficarchive.works.models import Work

    start = time.perf_counter()
    build(works)
    print(f"{connection.vendor}, {works:,} works (built in {time.perf_counter() - start:.1f} s)")
    au = Tag.objects.get(name="AU")
    canonical = Tag.objects.get(name="Alternate Universe")
    tropes = Tag.objects.get(name="Tropes")
    results = {
        "synonym": timed(
            "make 'AU' a synonym of 'Alternate Universe'",
            lambda: wrangling.set_synonym(au, canonical),
        ),
        "metatag": timed(
            "add metatag 'Tropes' above it", lambda: wrangling.add_metatag(canonical, tropes)
        ),
    }
    found = Work.objects.filter(filters=tropes).count()
    assert found == works, f"expected {works} works under the metatag, found {found}"
    results["undo"] = timed("undo the synonym", lambda: wrangling.set_synonym(au, None))
    assert not Work.objects.filter(filters=canonical).exists()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--profile", action="store_true", help="show the slowest statements")
    args = parser.parse_args()
    global PROFILE
    PROFILE = args.profile
    setup_django()
    for works in args.works:
        run(works)


if __name__ == "__main__":
    main()
