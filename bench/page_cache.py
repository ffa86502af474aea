"""Benchmark: what the guest page cache saves, cached against uncached in the same run.

Builds a scratch corpus of N works with chapter text (bench/corpus.py), then asks for the
works index and work pages as a guest through Django's whole request path (middleware
included, no network), first with the page cache off, then on, and prints the median and
90th percentile milliseconds of each.

    .venv/bin/python bench/page_cache.py --works 2000
    .venv/bin/python bench/page_cache.py --works 2000 --redis redis://127.0.0.1:6379/5
    FICARCHIVE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ficarchive_bench \\
        .venv/bin/python bench/page_cache.py --works 2000

Without FICARCHIVE_DATABASE_URL it uses a SQLite file under /tmp (deleted first); the
scratch database is wiped and rebuilt. With --redis the cache is Redis (that database is
emptied first), as with FICARCHIVE_REDIS_URL; otherwise this process's memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timings(client, paths: list[str], rounds: int) -> list[float]:
    """Milliseconds per request, asking for each path `rounds` times."""
    spent = []
    for _ in range(rounds):
        for path in paths:
            started = time.perf_counter()
            response = client.get(path)
            spent.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    return spent


def summary(spent: list[float]) -> str:
    p50 = statistics.median(spent)
    p90 = statistics.quantiles(spent, n=10)[-1]
    return f"p50 {p50:7.2f} ms   p90 {p90:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=20, help="different work pages asked for")
    parser.add_argument("--rounds", type=int, default=10, help="times each page is asked for")
    parser.add_argument("--redis", help="a redis:// URL to cache in, as FICARCHIVE_REDIS_URL")
    args = parser.parse_args()

    os.environ.setdefault("FICARCHIVE_HTTPS", "0")
    sys.path.insert(0, str(ROOT))
    from bench.wrangle import setup_django

    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from bench.corpus import build_corpus
    from ficarchive.works.models import Work

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {  # no collectstatic manifest in a scratch archive
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LISTING_RATE_LIMIT = 0
    if args.redis:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": args.redis,
                "KEY_PREFIX": "ficarchive-bench",
            }
        }
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    build_corpus(args.works, fandoms=20, seed=1, text_words=args.works * 3000)
    cache.clear()

    ids = list(Work.objects.order_by("pk").values_list("pk", flat=True)[: args.pages])
    cases = {
        "works index": ["/works/", "/works/?page=2"],
        "work page": [f"/works/{pk}/" for pk in ids],
    }
    where = "Redis" if args.redis else "local memory"
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"{args.works} works on {engine}; guest requests, {args.rounds} rounds; cache in {where}")
    client = Client()
    for name, paths in cases.items():
        settings.PAGE_CACHE_SECONDS = 0
        timings(client, paths, 1)  # warm the database's own caches
        uncached = timings(client, paths, args.rounds)
        settings.PAGE_CACHE_SECONDS = 300
        timings(client, paths, 1)  # fill the page cache
        cached = timings(client, paths, args.rounds)
        ratio = statistics.median(uncached) / statistics.median(cached)
        print(f"{name:12}  uncached {summary(uncached)}")
        print(f"{'':12}  cached   {summary(cached)}   ({ratio:.0f}x at the median)")


if __name__ == "__main__":
    main()
