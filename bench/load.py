"""Load test: the production server on PostgreSQL under many simulated visitors.

Builds a fresh PostgreSQL database with the benchmark corpus (`ficarchive bench_corpus`:
works with chapters of prose, Zipf-distributed tags, counters, series) and one account per
simulated member, starts `ficarchive serve --production` on 127.0.0.1 (gunicorn,
DEBUG off, Redis for hit counts when it answers; listing and API rate limits off, since
every visitor comes from one address), and runs locust headless with bench/locustfile.py's
mix of browsing, filtering, searching, reading, kudos, comments and posting. Locust stops
by itself after --duration. Then it checks that no request got a 5xx (or any failure) and
that the server's log has no error or traceback, and prints requests per second and
p50/p95/p99 latency per page type, with the machine's cores and the server's workers.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/load.py                      # 50 users, 5 minutes, 3,000 works
    .venv/bin/python bench/load.py --users 10 --duration 60 --works 500

The database (--database-url, default ficarchive_load on the local PostgreSQL) is dropped
and rebuilt, unless --reuse finds it already filled with --works works. Exit status 0 when
every check passed. docs/performance.md has the figures of a full run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/ficarchive_load"
PASSWORD = "load-test-password-1"
MEMBERS = 60
SEARCH_WORDS = ["lighthouse", "harbour", "storm", "letter", "lantern", "rain", "ferry"]
SEARCH_WORDS += ['"the old"', "garden", "tea", "bridge", "winter"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url(database: int) -> str | None:
    """Redis on the default local port, if it answers."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return f"redis://127.0.0.1:6379/{database}"
    except OSError:
        pass
    return None


def environment(args, var_dir: Path) -> dict[str, str]:
    env = {
        "FICARCHIVE_DATABASE_URL": args.database_url,
        "FICARCHIVE_VAR_DIR": str(var_dir),
        "FICARCHIVE_SECRET_KEY": "load-test-secret-key-" + "p4Rw8" * 8,
        "FICARCHIVE_DEBUG": "0",
        "FICARCHIVE_HTTPS": "0",
        "FICARCHIVE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FICARCHIVE_LISTING_RATE_LIMIT": "0",
        "FICARCHIVE_API_RATE_LIMIT": "0",
        "FICARCHIVE_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "ficarchive.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    redis = None if args.no_redis else redis_url(args.redis_db)
    if redis:
        env["FICARCHIVE_REDIS_URL"] = redis
    os.environ.update(env)
    os.environ.pop("FICARCHIVE_DATABASE_REPLICA_URLS", None)
    if not redis:
        os.environ.pop("FICARCHIVE_REDIS_URL", None)
    return dict(os.environ)


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def filled(url: str, works: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM works_work").fetchone()[0] >= works
    except psycopg.Error:
        return False


def fill(works: int, words: int, demo: int) -> None:
    """The archive: the benchmark corpus (works with chapters of generated prose, Zipf-
    distributed tags, reader counters, series), optionally demo works written through the
    posting services too, and the simulated members' accounts."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from ficarchive.accounts.models import User

    call_command("migrate", interactive=False, verbosity=0)
    call_command("bench_corpus", works=works, text_words=works * words, verbosity=0)
    if demo:
        call_command("demo", works=demo, stdout=sys.stdout)
    hashed = make_password(PASSWORD)
    for n in range(1, MEMBERS + 1):
        User.objects.create(
            username=f"reader{n:02}", email=f"reader{n:02}@example.org", password=hashed
        )


def write_plan(path: Path) -> dict:
    """What the visitors pick from: public works with their chapters, tags, words."""
    from django.db.models import Count
    from django.utils import timezone

    from ficarchive.tags.converters import escape_tag
    from ficarchive.tags.models import Tag, TagType
    from ficarchive.works.models import Chapter, Work

    works = list(Work.objects.public().order_by("?").values_list("pk", flat=True)[:2000])
    chapters: dict[int, list[int]] = {}
    for work_id, pk in Chapter.objects.filter(work_id__in=works).values_list("work_id", "pk"):
        chapters.setdefault(work_id, []).append(pk)
    popular = (
        Tag.objects.filter(canonical=True, public_works_count__gt=0)
        .exclude(type__in=[TagType.RATING, TagType.WARNING, TagType.CATEGORY])
        .annotate(n=Count("pk"))
        .order_by("-public_works_count")
    )
    tags = [t.name for t in popular[:60]]
    public = Work.objects.public().count()
    plan = {
        "works": [{"id": w, "chapters": sorted(chapters[w])} for w in works if w in chapters],
        "tags": tags,
        "tag_paths": [quote(escape_tag(name)) for name in tags],
        "fandoms": list(
            Tag.objects.filter(type=TagType.FANDOM, canonical=True).values_list("name", flat=True)
        ),
        "ratings": [
            str(pk) for pk in Tag.objects.filter(type=TagType.RATING).values_list("pk", flat=True)
        ],
        "general_rating": Tag.objects.get(type=TagType.RATING, name="General Audiences").pk,
        "no_warning": Tag.objects.get(type=TagType.WARNING, name="No Archive Warnings Apply").pk,
        "words": SEARCH_WORDS,
        "logins": [f"reader{n:02}" for n in range(1, MEMBERS + 1)],
        "password": PASSWORD,
        "index_pages": max(1, public // 20),
        "today": timezone.localdate().isoformat(),
    }
    path.write_text(json.dumps(plan))
    return plan


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-c", "from ficarchive.cli import main; main()", "serve"]
    command += [f"127.0.0.1:{port}", "--production", "--workers", str(workers)]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True
        )
    import urllib.request

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited at start; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not become ready; see {log}")


def warm_up(port: int, plan: dict, workers: int) -> None:
    """A few requests of each kind per worker before measuring: a fresh worker's first
    pages load templates and code, which a long-running server has done long ago."""
    import urllib.request

    work = plan["works"][0]
    paths = ["/", "/works/", f"/works/?include={quote(plan['tags'][0])}", "/search/?q=rain"]
    paths += [f"/works/{work['id']}/?view_adult=true", f"/tags/{plan['tag_paths'][0]}/works/"]
    paths += ["/account/login/"]
    for _ in range(2 * workers):
        for path in paths:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as answer:
                answer.read()


def server_cpu_seconds(pid: int) -> float:
    """CPU time used so far by the gunicorn master and its workers (psutil comes with
    locust). Divided into the requests served, it gives capacity per application core
    whatever else the machine is doing."""
    import psutil

    master = psutil.Process(pid)
    total = 0.0
    for process in [master, *master.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def report(prefix: Path, duration: float) -> tuple[list[dict], int]:
    """The per-page rows of locust's CSV and the count of failed requests."""
    rows = list(csv.DictReader((prefix.parent / f"{prefix.name}_stats.csv").open()))
    failures = sum(int(r["Failure Count"]) for r in rows if r["Name"] == "Aggregated")
    return rows, failures


def print_table(rows: list[dict]) -> None:
    def ms(value: str) -> str:
        return "—" if value in ("", "N/A") else f"{float(value):,.0f}"

    print("| page | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    ordered = sorted(rows, key=lambda r: (r["Name"] == "Aggregated", -int(r["Request Count"])))
    for row in ordered:
        name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"| {name} | {int(row['Request Count']):,} | {row['Failure Count']} "
            f"| {float(row['Requests/s']):.1f} | {ms(row['50%'])} | {ms(row['95%'])} "
            f"| {ms(row['99%'])} | {ms(row['Max Response Time'])} |"
        )


def log_problems(text: str) -> list[str]:
    """Errors and tracebacks the server logged, and any 5xx in its access log."""
    problems = [line for line in text.splitlines() if re.search(r"ERROR|Traceback|CRITICAL", line)]
    problems += [line for line in text.splitlines() if re.search(r'" 5\d\d ', line)]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated visitors (50)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="visitors started per second")
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (300)")
    parser.add_argument("--works", type=int, default=3000, help="corpus works (3,000)")
    parser.add_argument("--words", type=int, default=1500, help="mean words a work (1,500)")
    parser.add_argument("--demo", type=int, default=0, help="demo works added (slow; 0)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (2/core+1)")
    parser.add_argument("--wait", default="1,3", help="think time between pages, s (1,3)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--redis-db", type=int, default=5, help="Redis database number (5)")
    parser.add_argument("--no-redis", action="store_true", help="keep hit counts in memory")
    parser.add_argument("--reuse", action="store_true", help="keep a database already filled")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("the load test runs on PostgreSQL: give a postgres:// --database-url")
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    var_dir = Path(tempfile.mkdtemp(prefix="ficarchive-load-"))
    env = environment(args, var_dir)
    sys.path.insert(0, str(ROOT / "src"))
    started = time.monotonic()
    reuse = args.reuse and filled(args.database_url, args.works)
    if not reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    if not reuse:
        fill(args.works, args.words, args.demo)
    plan = write_plan(var_dir / "plan.json")
    from django.db import connections

    connections.close_all()
    print(
        f"archive ready in {time.monotonic() - started:.0f} s: {len(plan['works'])} public works "
        f"sampled, {len(plan['tags'])} tags; Redis: {env.get('FICARCHIVE_REDIS_URL', 'off')}"
    )

    port = free_port()
    log = var_dir / "server.log"
    server = start_server(env, port, workers, log)
    warm_up(port, plan, workers)
    prefix = var_dir / "locust"
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")]
    command += ["--headless", "--host", f"http://127.0.0.1:{port}", "--users", str(args.users)]
    command += ["--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.duration}s"]
    command += ["--stop-timeout", "30", "--csv", str(prefix), "--only-summary", "--loglevel"]
    command += ["WARNING"]
    locust_env = {**env, "FICARCHIVE_LOAD_PLAN": str(var_dir / "plan.json")}
    locust_env["FICARCHIVE_LOAD_WAIT"] = args.wait
    print(
        f"locust: {args.users} users (spawn {args.spawn_rate}/s), {args.duration} s, think time "
        f"{args.wait} s; server: {workers} gunicorn workers on {os.cpu_count()} cores"
    )
    load_before, cpu_before = os.getloadavg()[0], server_cpu_seconds(server.pid)
    try:
        limit = args.duration + 300
        with (var_dir / "locust.log").open("wb") as output:
            subprocess.run(
                command, env=locust_env, cwd=ROOT, timeout=limit, stdout=output, stderr=output
            )
        cpu = server_cpu_seconds(server.pid) - cpu_before
    finally:
        stop_server(server)
    rows, failures = report(prefix, args.duration)
    print_table(rows)
    served = sum(int(r["Request Count"]) for r in rows if r["Name"] == "Aggregated")
    print(
        f"server CPU: {cpu:,.0f} s for {served:,} requests = {1000 * cpu / max(served, 1):.0f} ms "
        f"a request, about {served / max(cpu, 0.001):.1f} requests/s per application core "
        f"(PostgreSQL's own CPU not counted); load average {load_before:.1f} before the run, "
        f"{os.getloadavg()[0]:.1f} after"
    )
    problems = log_problems(log.read_text(errors="replace"))
    failed = list(csv.DictReader((var_dir / "locust_failures.csv").open()))
    print(
        f"cores: {os.cpu_count()}, gunicorn workers: {workers}, PostgreSQL and locust on the same "
        f"machine; server log: {log}, locust's: {var_dir / 'locust.log'}"
    )
    ok = True
    if failures:
        ok = False
        print(f"FAILED: {failures} requests failed:")
        for row in failed[:20]:
            print(f"  {row['Occurrences']}× {row['Method']} {row['Name']}: {row['Error']}")
    if problems:
        ok = False
        print(f"FAILED: {len(problems)} error lines in the server log, the first:")
        for line in problems[:10]:
            print("  " + line)
    if ok:
        print("PASSED: no failed request, no 5xx, no error in the server log")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
