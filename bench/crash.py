"""Crash test: kill the production server with SIGKILL while people write, many times over.

A real gunicorn server (the production settings, several worker processes) serves a fresh
database. Client threads log in and use the site as people do, over HTTP: authors post
multi-chapter works, edit works and chapters; an importer uploads a text file and confirms
it; a wrangler makes tags synonyms, canonical, metatags and parents. At random moments
the whole server (master and workers) is killed with SIGKILL, then started again, and the
clients carry on. Every write the server acknowledged (a redirect after the form) is
written down. At the end the server is stopped and the database is checked:

- the engine's own integrity checks (SQLite `integrity_check` and `foreign_key_check`;
  PostgreSQL `amcheck` over every index of the archive's tables, and no invalid index);
- the archive's invariants: chapters numbered 1..n, counts and word counts equal to the
  chapters', posted works dated, each work with its byline and sort key, tag closures and
  every work's filter set equal to what the tags' wrangling says, stored tag counts, one
  text-index row per work, no import both posted and still waiting;
- every acknowledged write is there, and nothing else than what was attempted.

    .venv/bin/python bench/crash.py --rounds 30
    .venv/bin/python bench/crash.py --rounds 30 \\
        --database-url postgres://postgres@127.0.0.1:5432/ficarchive_crash

Without --database-url it uses a SQLite file in a temporary directory. A PostgreSQL
database named in --database-url is dropped and created afresh. The exit status is 0 when
every check passed. tests/deploy/test_crash.py runs a few rounds of it on the suite's
database engine.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "crash-password-1"
AUTHORS = ["author1", "author2", "author3"]
IMPORTER = "importer"
WRANGLER = "wrangler"
FANDOM = "Crash Fandom"
CANONICAL = [f"Crash Canon {n}" for n in range(1, 9)]
RAW = [f"Crash Raw {n}" for n in range(1, 41)]
PROSE = (
    "The lighthouse keeper counted the gulls on the rail and wrote the number in the log. "
    "Rain came in from the west before noon, and the ferry was late again."
)
REQUEST_TIMEOUT = 60


# -- the database and the server ------------------------------------------------------------


def prepare_environment(database_url: str | None, var_dir: Path) -> dict[str, str]:
    """Environment for this process and the server: production settings, one database."""
    if database_url is None:
        database_url = f"sqlite:///{var_dir / 'crash.sqlite3'}"
    env = {
        "FICARCHIVE_DATABASE_URL": database_url,
        "FICARCHIVE_VAR_DIR": str(var_dir),
        "FICARCHIVE_SECRET_KEY": "crash-test-secret-key-" + "k7Qz9" * 8,
        "FICARCHIVE_DEBUG": "0",
        "FICARCHIVE_HTTPS": "0",
        "FICARCHIVE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FICARCHIVE_LISTING_RATE_LIMIT": "0",
        "FICARCHIVE_API_RATE_LIMIT": "0",
        "FICARCHIVE_TASKS": "immediate",
        "FICARCHIVE_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "ficarchive.settings",
    }
    os.environ.update(env)
    os.environ.pop("FICARCHIVE_DATABASE_REPLICA_URLS", None)
    os.environ.pop("FICARCHIVE_REDIS_URL", None)
    return dict(os.environ)


def fresh_database(database_url: str | None) -> None:
    """Drop and create a PostgreSQL database (a SQLite file starts in an empty directory)."""
    if not database_url or not database_url.startswith("postgres"):
        return
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def collect_static() -> None:
    """Collect (and compress) the static files once per version of them, into a directory
    shared between runs: compressing the API docs' assets costs half a minute of CPU."""
    import hashlib
    from importlib.metadata import version

    from django.conf import settings
    from django.core.management import call_command

    fingerprint = hashlib.sha256()
    for package in ("django", "django-ninja", "whitenoise"):
        fingerprint.update(version(package).encode())
    for path in sorted((ROOT / "src" / "ficarchive" / "static").rglob("*")):
        fingerprint.update(f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode())
    shared = Path(tempfile.gettempdir()) / f"ficarchive-static-{fingerprint.hexdigest()[:16]}"
    if not (shared / "staticfiles.json").exists():
        scratch = Path(tempfile.mkdtemp(prefix="ficarchive-static-"))
        settings.STATIC_ROOT = scratch
        call_command("collectstatic", interactive=False, verbosity=0)
        try:
            scratch.rename(shared)
        except OSError:  # another run collected them meanwhile
            shutil.rmtree(scratch, ignore_errors=True)
    Path(settings.VAR_DIR, "static").symlink_to(shared)


@dataclass
class Fixture:
    """Ids the clients need to fill in forms, read from the database once before the run."""

    pseuds: dict[str, int]
    rating: int
    warning: int
    tags: dict[str, int]


def build_fixture() -> Fixture:
    """Migrate, collect static files, and create the people and tags the run uses."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from ficarchive.accounts.models import WRANGLERS_GROUP, User
    from ficarchive.tags import wrangling
    from ficarchive.tags.models import Tag, TagType
    from ficarchive.tags.services import tags_for

    call_command("migrate", interactive=False, verbosity=0)
    collect_static()
    pseuds = {}
    for name in [*AUTHORS, IMPORTER, WRANGLER]:
        user = User.objects.create_user(name, f"{name}@example.org", PASSWORD)
        pseuds[name] = user.default_pseud.pk
    group, _ = Group.objects.get_or_create(name=WRANGLERS_GROUP)
    User.objects.get(username=WRANGLER).groups.add(group)
    for tag in [*tags_for([FANDOM], TagType.FANDOM), *tags_for(CANONICAL, TagType.ADDITIONAL)]:
        wrangling.set_canonical(tag, True)
    tags_for(RAW, TagType.ADDITIONAL)
    tags = {t.name: t.pk for t in Tag.objects.filter(name__in=[FANDOM, *CANONICAL, *RAW])}
    return Fixture(
        pseuds=pseuds,
        rating=Tag.objects.get(type=TagType.RATING, name="General Audiences").pk,
        warning=Tag.objects.get(type=TagType.WARNING, name="No Archive Warnings Apply").pk,
        tags=tags,
    )


class Server:
    """gunicorn with the production settings, in a process group of its own so that one
    SIGKILL reaches the master and every worker at once."""

    def __init__(self, env: dict[str, str], port: int, workers: int, log: Path) -> None:
        self.env, self.port, self.workers, self.log = env, port, workers, log
        self.process: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "ficarchive.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        command += ["--access-logfile", "-", "--graceful-timeout", "20", "--no-control-socket"]
        env = {**self.env, "PYTHONPATH": str(ROOT / "src")}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited at start; see {self.log}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still booting
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer within 90 s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL the whole process group and wait until every process in it is gone."""
        assert self.process is not None
        group = self.process.pid
        os.killpg(group, signal.SIGKILL)
        self.process.wait()
        for _ in range(500):
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.01)
        raise RuntimeError("server processes survived SIGKILL")

    def stop(self) -> None:
        """A clean stop (SIGTERM: gunicorn finishes its requests first)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


# -- clients --------------------------------------------------------------------------------


class Cut(Exception):
    """The connection broke or was refused: the server is down; nothing was acknowledged."""


class Unexpected(Exception):
    """The server answered, but not as the site should (a 5xx, or a form refused)."""


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    requests: int = 0
    answered: int = 0  # responses received, whatever their status
    cut: int = 0  # sent, then the connection died: killed while serving it
    refused: int = 0  # the server was down when the request was made
    statuses: Counter = field(default_factory=Counter)
    acked: Counter = field(default_factory=Counter)
    unacked: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


class Browser:
    """One person's session over HTTP: cookies, CSRF token, login."""

    def __init__(self, base: str, username: str, stats: Stats, up: threading.Event) -> None:
        self.base, self.username, self.stats, self.up = base, username, stats, up
        self.session = requests.Session()
        self.logged_in = False

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        self.up.wait()
        stats = self.stats
        with stats.lock:
            stats.in_flight += 1
            stats.requests += 1
        try:
            response = self.session.request(
                method, self.base + path, allow_redirects=False, timeout=REQUEST_TIMEOUT, **kwargs
            )
        except requests.ConnectionError as error:
            refused = "refused" in str(error) or "NewConnectionError" in str(error)
            with stats.lock:
                if refused:
                    stats.refused += 1
                else:
                    stats.cut += 1
            raise Cut(str(error)) from None
        finally:
            with stats.lock:
                stats.in_flight -= 1
        with stats.lock:
            stats.statuses[response.status_code] += 1
            stats.answered += 1
        if response.status_code >= 500:
            raise Unexpected(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code == 302 and "/account/login/" in response.headers["Location"]:
            self.logged_in = False
            raise Cut("session lost")  # the login itself was not acknowledged: log in again
        return response

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        token = self.session.cookies.get("csrftoken") or ""
        return self.request("POST", path, data={**data, "csrfmiddlewaretoken": token}, **kwargs)

    def stats_ack(self, what: str) -> None:
        with self.stats.lock:
            self.stats.acked[what] += 1

    def login(self) -> None:
        if self.logged_in:
            return
        self.request("GET", "/account/login/")
        response = self.post("/account/login/", {"username": self.username, "password": PASSWORD})
        if response.status_code != 302:
            raise Unexpected(f"login as {self.username} refused: HTTP {response.status_code}")
        self.logged_in = True


def expect_redirect(response: requests.Response, pattern: str, what: str) -> re.Match:
    """A successful form answers with a redirect; anything else is a refusal to report."""
    location = response.headers.get("Location", "")
    match = re.search(pattern, location) if response.status_code == 302 else None
    if match is None:
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', response.text or "")
        raise Unexpected(f"{what}: HTTP {response.status_code} {location} {errors[:3]}")
    return match


def token(rng: random.Random) -> str:
    """A word found nowhere else, to recognise a title or text afterwards."""
    return "zq" + "".join(rng.choice("bcdfghjklmnpstvwx") for _ in range(10))


@dataclass
class Possible:
    """What a field may hold: the last acknowledged value, plus any attempted after it (a
    cut request may or may not have committed)."""

    values: set = field(default_factory=set)

    def acked(self, value) -> None:
        self.values = {value}

    def attempted(self, value) -> None:
        self.values.add(value)


@dataclass
class WorkRecord:
    work_id: int
    owner: str
    title: Possible
    additional: Possible  # frozensets of additional tag names
    first: Possible  # the first chapter's text tokens (its id is the work's lowest)
    chapters: dict[int, Possible] = field(default_factory=dict)  # later chapters by id
    unacked_chapters: int = 0  # adds that were cut: each may or may not exist


@dataclass
class Ledger:
    """Everything acknowledged or attempted, for the checks at the end."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    works: dict[int, WorkRecord] = field(default_factory=dict)
    attempted_titles: set[str] = field(default_factory=set)  # every title token ever sent
    imports: dict[str, int | None] = field(default_factory=dict)  # token -> work id if acked
    tags: dict[str, dict] = field(default_factory=dict)  # raw tag name -> known state
    wrangles: int = 0


class Author:
    """Posts works of two or three chapters, adds chapters, edits works and chapters."""

    def __init__(self, browser: Browser, fixture: Fixture, ledger: Ledger, rng) -> None:
        self.b, self.fixture, self.ledger, self.rng = browser, fixture, ledger, rng
        self.mine: list[WorkRecord] = []

    def step(self) -> None:
        self.b.login()
        roll = self.rng.random()
        if not self.mine or roll < 0.35:
            self.post_work()
        elif roll < 0.55:
            self.add_chapter(self.rng.choice(self.mine))
        elif roll < 0.8:
            self.edit_work(self.rng.choice(self.mine))
        else:
            self.edit_chapter(self.rng.choice(self.mine))

    def _work_fields(self, title: str, additional: frozenset) -> dict:
        return {
            "title": title,
            "creators": self.fixture.pseuds[self.b.username],
            "rating": self.fixture.rating,
            "warnings": self.fixture.warning,
            "fandoms": FANDOM,
            "additional_tags": ", ".join(sorted(additional)),
            "language": "en",
            "published_on": time.strftime("%Y-%m-%d", time.gmtime()),
            "comment_permission": "everyone",
            "expected_chapters": "?",
        }

    def _text(self, word: str) -> str:
        return f"{PROSE} The word of the day was {word}.\n\n{PROSE}"

    def post_work(self) -> None:
        title = f"Crash work {token(self.rng)}"
        additional = frozenset(self.rng.sample(RAW, 2))
        first = token(self.rng)
        with self.ledger.lock:
            self.ledger.attempted_titles.add(title)
        data = {**self._work_fields(title, additional), "text": self._text(first)}
        response = self.b.post("/works/new/", data)
        work_id = int(expect_redirect(response, r"/works/(\d+)/$", "post work").group(1))
        record = WorkRecord(
            work_id, self.b.username, Possible({title}), Possible({additional}), Possible({first})
        )
        with self.ledger.lock:
            self.ledger.works[work_id] = record
            self.mine.append(record)
        self.b.stats_ack("post work")
        for _ in range(self.rng.randint(1, 2)):
            self.add_chapter(record)

    def _first_chapter(self, record: WorkRecord) -> int:
        """The first chapter's id, read from the work's chapter index."""
        page = self.b.request("GET", f"/works/{record.work_id}/navigate/")
        ids = re.findall(rf"/works/{record.work_id}/chapters/(\d+)/", page.text)
        if page.status_code != 200 or not ids:
            raise Unexpected(f"chapter index of work {record.work_id}: HTTP {page.status_code}")
        return int(ids[0])

    def add_chapter(self, record: WorkRecord) -> None:
        word = token(self.rng)
        path = f"/works/{record.work_id}/chapters/new/"
        try:
            response = self.b.post(path, {"title": "", "text": self._text(word)})
        except Cut:
            record.unacked_chapters += 1
            raise
        match = expect_redirect(response, rf"/works/{record.work_id}/chapters/(\d+)/$", "chapter")
        record.chapters[int(match.group(1))] = Possible({word})
        self.b.stats_ack("add chapter")

    def edit_work(self, record: WorkRecord) -> None:
        title = f"Crash work {token(self.rng)}"
        additional = frozenset(self.rng.sample(RAW, self.rng.randint(1, 3)))
        with self.ledger.lock:
            self.ledger.attempted_titles.add(title)
        record.title.attempted(title)
        record.additional.attempted(additional)
        response = self.b.post(
            f"/works/{record.work_id}/edit/", self._work_fields(title, additional)
        )
        expect_redirect(response, rf"/works/{record.work_id}/$", "edit work")
        record.title.acked(title)
        record.additional.acked(additional)
        self.b.stats_ack("edit work")

    def edit_chapter(self, record: WorkRecord) -> None:
        chapter_id = self.rng.choice([0, *record.chapters])
        words = record.first if chapter_id == 0 else record.chapters[chapter_id]
        if chapter_id == 0:
            chapter_id = self._first_chapter(record)
        word = token(self.rng)
        words.attempted(word)
        response = self.b.post(
            f"/works/{record.work_id}/chapters/{chapter_id}/edit/",
            {"title": "", "text": self._text(word)},
        )
        expect_redirect(response, rf"/chapters/{chapter_id}/$", "edit chapter")
        words.acked(word)
        self.b.stats_ack("edit chapter")


class Importer:
    """Uploads a text file of two chapters, waits for it to be read, confirms it."""

    def __init__(self, browser: Browser, ledger: Ledger, rng) -> None:
        self.b, self.ledger, self.rng = browser, ledger, rng
        self.tidy = True

    def step(self) -> None:
        self.b.login()
        if not self.tidy:
            self.discard_leftovers()
        word = token(self.rng)
        title = f"Crash import {word}"
        body = f"Title: {title}\n\nChapter 1\n\n{PROSE}\n\nChapter 2\n\n{PROSE} {word}\n"
        with self.ledger.lock:
            self.ledger.attempted_titles.add(title)
            self.ledger.imports[title] = None
        self.tidy = False
        response = self.b.post(
            "/works/import/",
            {"split_chapters": "on", "fandoms": FANDOM, "text": ""},
            files={"files": (f"{word}.txt", body.encode(), "text/plain")},
        )
        batch = expect_redirect(response, r"/works/import/(\d+)/$", "upload").group(1)
        page = self.b.request("GET", f"/works/import/{batch}/")
        if "Crash import" not in page.text:
            raise Unexpected(f"import {batch} was not read during the upload")
        response = self.b.post(f"/works/import/{batch}/", {"confirm": "post"})
        work_id = int(expect_redirect(response, r"/works/(\d+)/$", "confirm import").group(1))
        self.tidy = True
        with self.ledger.lock:
            self.ledger.imports[title] = work_id
        self.b.stats_ack("import")

    def discard_leftovers(self) -> None:
        """Imports whose upload or confirmation was cut: discard whatever is still waiting
        (a second import of the same file would be a different work)."""
        page = self.b.request("GET", "/works/import/")
        for batch in sorted(set(re.findall(r"/works/import/(\d+)/", page.text))):
            self.b.post(f"/works/import/{batch}/", {"confirm": "discard"})
        self.tidy = True


class Wrangler:
    """Files the raw tags authors use: synonyms, canonical tags, metatags, parents."""

    def __init__(self, browser: Browser, fixture: Fixture, ledger: Ledger, rng) -> None:
        self.b, self.fixture, self.ledger, self.rng = browser, fixture, ledger, rng
        for name in RAW:
            ledger.tags[name] = {"merger": None, "canonical": False, "metas": set(), "known": True}

    def step(self) -> None:
        self.b.login()
        tags = self.ledger.tags
        unknown = [n for n, s in tags.items() if not s["known"]]
        if unknown:
            self.learn(self.rng.choice(unknown))
            return
        name = self.rng.choice(RAW)
        state = tags[name]
        if state["merger"]:
            self.apply(name, {"synonym_of": ""}, {"merger": None})
        elif state["canonical"]:
            free = [c for c in CANONICAL if c not in state["metas"]]
            if (state["metas"] and self.rng.random() < 0.3) or not free:
                self.apply(name, {"canonical": ""}, {"canonical": False, "metas": set()})
            else:
                meta = self.rng.choice(free)
                change = {"metas": state["metas"] | {meta}}
                self.apply(name, {"canonical": "on", "add_metatags": meta}, change)
        else:
            roll = self.rng.random()
            if roll < 0.5:
                target = self.rng.choice(CANONICAL)
                self.bulk(name, "synonym", target, {"merger": target})
            elif roll < 0.8:
                self.bulk(name, "canonical", "", {"canonical": True})
            else:
                self.bulk(name, "parent", FANDOM, {})

    def _tag_id(self, name: str) -> int:
        return self.fixture.tags[name]

    def bulk(self, name: str, action: str, target: str, change: dict) -> None:
        """The unwrangled-tags page: one change applied to the ticked tags."""
        self.ledger.tags[name]["known"] = False
        data = {"tags": self._tag_id(name), "action": action, "target": target}
        response = self.b.post("/wrangling/unwrangled/?type=additional", data)
        expect_redirect(response, r"/wrangling/unwrangled/", f"bulk {action} {name}")
        self._acked(name, change)

    def apply(self, name: str, fields: dict, change: dict) -> None:
        """One tag's wrangling page, every field filled as the page shows it but `fields`."""
        state = self.ledger.tags[name]
        data = {
            "name": name,
            "canonical": "on" if state["canonical"] else "",
            "synonym_of": state["merger"] or "",
            **fields,
        }
        state["known"] = False
        response = self.b.post(f"/tags/{quote(name)}/wrangle/", data)
        expect_redirect(response, r"/wrangle/$", f"wrangle {name}")
        self._acked(name, change)

    def _acked(self, name: str, change: dict) -> None:
        with self.ledger.lock:
            self.ledger.tags[name].update(change, known=True)
            self.ledger.wrangles += 1
        self.b.stats_ack("wrangle")

    def learn(self, name: str) -> None:
        """After a cut change, read the tag's page to know where it stands now."""
        page = self.b.request("GET", f"/tags/{quote(name)}/wrangle/")
        if page.status_code != 200:
            raise Unexpected(f"wrangling page of {name}: HTTP {page.status_code}")
        html = page.text
        canonical = re.search(r'<input[^>]*name="canonical"[^>]*>', html).group(0)
        synonym = re.search(r'<input[^>]*name="synonym_of"[^>]*>', html).group(0)
        value = re.search(r'value="([^"]*)"', synonym)
        metas = re.findall(r'name="remove_metatags" value="(\d+)"', html)
        names = {pk: n for n, pk in self.fixture.tags.items()}
        self.ledger.tags[name].update(
            canonical=" checked" in canonical,
            merger=value.group(1) if value and value.group(1) else None,
            metas={names[int(pk)] for pk in metas},
            known=True,
        )


def client_loop(actor, stats: Stats, stop: threading.Event, name: str) -> None:
    """Run the actor's steps until told to stop; a cut step is retried with a new one."""
    while not stop.is_set():
        try:
            actor.step()
        except Cut:
            with stats.lock:
                stats.unacked[name] += 1
            time.sleep(0.05)
        except Unexpected as error:
            with stats.lock:
                stats.problems.append(f"{name}: {error}")
            time.sleep(0.2)
        except Exception as error:  # a bug in the client: say so and keep going
            with stats.lock:
                stats.problems.append(f"{name}: {type(error).__name__}: {error}")
            time.sleep(0.2)


# -- checks ---------------------------------------------------------------------------------


def engine_checks() -> tuple[list[str], str]:
    """The database engine's own view of its files and indexes, and what was checked."""
    from django.db import connection

    problems = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            rows = [r[0] for r in cursor.fetchall()]
            if rows != ["ok"]:
                problems.append(f"SQLite integrity_check: {rows[:5]}")
            cursor.execute("PRAGMA foreign_key_check")
            rows = cursor.fetchall()
            if rows:
                problems.append(f"SQLite foreign_key_check: {rows[:5]}")
            return problems, "SQLite integrity_check and foreign_key_check"
        cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        cursor.execute(
            """SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam
            WHERE n.nspname = 'public' AND a.amname = 'btree' ORDER BY 1"""
        )
        indexes = [r[0] for r in cursor.fetchall()]
        for index in indexes:
            try:
                cursor.execute("SELECT bt_index_check(%s::regclass, true)", [index])
            except Exception as error:
                problems.append(f"amcheck {index}: {error}")
        if not indexes:
            problems.append("amcheck found no indexes to check")
        cursor.execute(
            """SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE NOT i.indisvalid OR NOT i.indisready"""
        )
        invalid = [r[0] for r in cursor.fetchall()]
        if invalid:
            problems.append(f"invalid indexes: {invalid}")
        cursor.execute("SELECT count(*) FROM pg_class WHERE relnamespace = 0")
        if cursor.fetchone()[0]:
            problems.append("pg_class has relations without a schema")
        cursor.execute("SELECT pg_catalog.pg_database_size(current_database())")
        cursor.fetchone()
    return problems, f"amcheck bt_index_check (heapallindexed) of {len(indexes)} indexes"


def archive_invariants() -> list[str]:
    """Rules the archive keeps in every transaction, checked from scratch."""
    from django.db.models import Count

    from ficarchive.search.backends import backend
    from ficarchive.tags.models import Tag, TagFilter, TagType
    from ficarchive.works.models import (
        Chapter,
        Creatorship,
        FilterTagging,
        ImportFile,
        Work,
    )

    problems = []
    chapters: dict[int, list] = {}
    for work_id, position, words, published in Chapter.objects.values_list(
        "work_id", "position", "word_count", "published_on"
    ):
        chapters.setdefault(work_id, []).append((position, words, published))
    bylines: dict[int, list[str]] = {}
    for work_id, pseud in Creatorship.objects.filter(approved=True).values_list(
        "work_id", "pseud__name"
    ):
        bylines.setdefault(work_id, []).append(pseud.lower())
    tagged: dict[int, set[int]] = {}
    for work_id, tag_id in Work.tags.through.objects.values_list("work_id", "tag_id"):
        tagged.setdefault(work_id, set()).add(tag_id)
    types = dict(Tag.objects.values_list("pk", "type"))
    works = list(Work.objects.all())
    for work in works:
        mine = sorted(chapters.get(work.pk, []))
        where = f"work {work.pk} ({work.title})"
        if [p for p, _, _ in mine] != list(range(1, len(mine) + 1)) or not mine:
            problems.append(f"{where}: chapter positions {[p for p, _, _ in mine]}")
        if work.chapter_count != len(mine):
            problems.append(f"{where}: chapter_count {work.chapter_count}, has {len(mine)}")
        if work.word_count != sum(w for _, w, _ in mine):
            problems.append(f"{where}: word_count {work.word_count} != chapters' sum")
        if work.posted and (work.published_on is None or work.revised_at is None):
            problems.append(f"{where}: posted without dates")
        if any(published is None for _, _, published in mine):
            problems.append(f"{where}: a chapter without a date")
        names = sorted(bylines.get(work.pk, []))
        if not names:
            problems.append(f"{where}: no creator")
        elif not work.imported_creators and work.creator_sort != names[0][:100]:
            problems.append(f"{where}: creator_sort {work.creator_sort!r} != {names[0]!r}")
        kinds = Counter(types[t] for t in tagged.get(work.pk, set()))
        if kinds[TagType.RATING] != 1 or not kinds[TagType.WARNING] or not kinds[TagType.FANDOM]:
            problems.append(f"{where}: tags {dict(kinds)}")

    # Closures from the graph alone, then every work's filter set from the closures.
    up: dict[int, set[int]] = {}
    for sub, meta in Tag.metatags.through.objects.values_list("from_tag_id", "to_tag_id"):
        up.setdefault(sub, set()).add(meta)
    expected_closure: dict[int, set[int]] = {}
    for pk, canonical, merger in Tag.objects.values_list("pk", "canonical", "merger_id"):
        root = pk if canonical else merger
        if root is not None:
            seen, stack = {root}, [root]
            while stack:
                for nxt in up.get(stack.pop(), ()):
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
            expected_closure[pk] = seen
    closure: dict[int, set[int]] = {}
    for tag_id, filter_id in TagFilter.objects.values_list("tag_id", "filter_id"):
        closure.setdefault(tag_id, set()).add(filter_id)
    if closure != expected_closure:
        wrong = {k for k in closure.keys() | expected_closure.keys()}
        wrong = sorted(k for k in wrong if closure.get(k) != expected_closure.get(k))
        problems.append(f"tag closures differ from the wrangling for tags {wrong[:10]}")
    filters: dict[int, set[int]] = {}
    for work_id, tag_id in FilterTagging.objects.values_list("work_id", "tag_id"):
        filters.setdefault(work_id, set()).add(tag_id)
    for work in works:
        expected = set().union(*(expected_closure.get(t, set()) for t in tagged.get(work.pk, [])))
        if filters.get(work.pk, set()) != expected:
            problems.append(f"work {work.pk}: filter set differs from its tags' wrangling")

    # Stored tag counts (what tag pages and listings show).
    public = set(Work.objects.public().values_list("pk", flat=True))
    members = set(Work.objects.for_members().values_list("pk", flat=True))
    for tag in Tag.objects.annotate(n=Count("works")):
        holders = (
            {w for w, fs in filters.items() if tag.pk in fs}
            if tag.canonical
            else {w for w, ts in tagged.items() if tag.pk in ts}
        )
        if (tag.public_works_count, tag.works_count) != (
            len(holders & public),
            len(holders & members),
        ):
            problems.append(
                f"tag {tag.name}: stored counts {tag.public_works_count}/{tag.works_count}, "
                f"real {len(holders & public)}/{len(holders & members)}"
            )

    # One text-index row per work, holding the work's current title.
    problems += search_index_problems(backend(), works)

    # Imports: no batch waiting whose work was also posted. (A file the kill left unread is
    # read when its import is opened: tests/works/test_imports.py.)
    titles = Counter(w.title for w in works)
    for file in ImportFile.objects.all():
        if file.result and titles[file.result.get("title")]:
            problems.append(f"import batch {file.batch_id} is waiting and posted")
    return problems


def search_index_problems(engine, works) -> list[str]:
    from django.db import connection

    problems = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT rowid, title FROM {engine.table}")
            indexed = dict(cursor.fetchall())
            stale = [w.pk for w in works if indexed.get(w.pk) != w.title]
        else:
            cursor.execute(f"SELECT work_id FROM {engine.table}")
            indexed = {row[0]: None for row in cursor.fetchall()}
            stale = []
            for work in works:
                word = work.title.split()[-1]
                cursor.execute(
                    f"SELECT 1 FROM {engine.table} WHERE work_id = %s "
                    "AND document @@ to_tsquery(config, %s)",
                    [work.pk, word],
                )
                if cursor.fetchone() is None:
                    stale.append(work.pk)
    missing = {w.pk for w in works} ^ set(indexed)
    if missing:
        problems.append(f"text index rows without a work or works without one: {sorted(missing)}")
    if stale:
        problems.append(f"text index holds an old title for works {stale[:10]}")
    return problems


def acknowledged_writes(ledger: Ledger) -> list[str]:
    """Every acknowledged write is there; everything there was attempted."""
    from ficarchive.tags.models import Tag
    from ficarchive.works.models import Chapter, Work

    problems = []
    works = {w.pk: w for w in Work.objects.all()}
    by_title = Counter(w.title for w in works.values())
    for title in by_title:
        if title not in ledger.attempted_titles:
            problems.append(f"a work titled {title!r} that nobody posted")
        if by_title[title] > 1:
            problems.append(f"{by_title[title]} works titled {title!r}")
    chapters: dict[int, dict[int, str]] = {}
    for pk, work_id, text in Chapter.objects.values_list("pk", "work_id", "text"):
        chapters.setdefault(work_id, {})[pk] = text
    additional = {}
    for work_id, name in Work.tags.through.objects.filter(tag__type="additional").values_list(
        "work_id", "tag__name"
    ):
        additional.setdefault(work_id, set()).add(name)
    for record in ledger.works.values():
        work = works.get(record.work_id)
        if work is None:
            problems.append(f"acknowledged work {record.work_id} is missing")
            continue
        if work.title not in record.title.values:
            problems.append(f"work {work.pk}: title {work.title!r}, expected {record.title.values}")
        if frozenset(additional.get(work.pk, set())) not in record.additional.values:
            problems.append(f"work {work.pk}: additional tags {additional.get(work.pk)}")
        have = chapters.get(work.pk, {})
        if not have or not any(word in have[min(have)] for word in record.first.values):
            problems.append(f"work {work.pk}: the first chapter lost its text or its edit")
        for chapter_id, words in record.chapters.items():
            text = have.get(chapter_id)
            if text is None:
                problems.append(f"work {work.pk}: acknowledged chapter {chapter_id} is missing")
            elif not any(word in text for word in words.values):
                problems.append(f"work {work.pk}: chapter {chapter_id} lost its edit")
        extra = len(set(have) - set(record.chapters) - {min(have, default=0)})
        if extra > record.unacked_chapters:
            problems.append(f"work {work.pk}: {extra} chapters nobody added")
    for title, work_id in ledger.imports.items():
        if work_id is not None and works.get(work_id) is None:
            problems.append(f"acknowledged import {title!r} (work {work_id}) is missing")
        elif work_id is not None and works[work_id].title != title:
            problems.append(f"imported work {work_id} has title {works[work_id].title!r}")
    tags = {t.name: t for t in Tag.objects.filter(name__in=RAW).select_related("merger")}
    metas: dict[str, set[str]] = {}
    for sub, meta in Tag.metatags.through.objects.values_list("from_tag__name", "to_tag__name"):
        metas.setdefault(sub, set()).add(meta)
    for name, state in ledger.tags.items():
        if not state["known"]:
            continue
        tag = tags[name]
        actual = (tag.merger.name if tag.merger else None, tag.canonical, metas.get(name, set()))
        expected = (state["merger"], state["canonical"], state["metas"])
        if actual != expected:
            problems.append(f"tag {name}: {actual}, acknowledged {expected}")
    return problems


def read_back(server: Server, ledger: Ledger) -> list[str]:
    """After the last restart, every acknowledged work opens and shows its title."""
    problems = []
    session = requests.Session()
    for record in list(ledger.works.values())[:200]:
        page = session.get(f"{server.url}/works/{record.work_id}/?view_adult=true", timeout=60)
        if page.status_code != 200 or not any(t in page.text for t in record.title.values):
            problems.append(f"work {record.work_id}: HTTP {page.status_code} after the crashes")
    return problems


# -- the run --------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="server kills (default 30)")
    parser.add_argument("--database-url", help="postgres://… (dropped and created afresh)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--answers", type=int, default=20, help="most responses a server life serves (20)"
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    rng = random.Random(seed)
    var_dir = Path(tempfile.mkdtemp(prefix="ficarchive-crash-"))
    started = time.monotonic()
    env = prepare_environment(args.database_url, var_dir)
    fresh_database(args.database_url)
    setup_django()
    from django.db import connection, connections

    fixture = build_fixture()
    connections.close_all()
    engine = connection.vendor
    print(
        f"crash test: {engine}, {args.rounds} rounds, {args.workers} workers, seed {seed} "
        f"(set-up {time.monotonic() - started:.0f} s)"
    )

    server = Server(env, free_port(), args.workers, var_dir / "server.log")
    stats, ledger = Stats(), Ledger()
    up, stop = threading.Event(), threading.Event()

    def browser(name: str) -> Browser:
        return Browser(server.url, name, stats, up)

    actors = [
        (f"author {name}", Author(browser(name), fixture, ledger, random.Random(rng.random())))
        for name in AUTHORS
    ]
    actors.append(("importer", Importer(browser(IMPORTER), ledger, random.Random(rng.random()))))
    actors.append(
        ("wrangler", Wrangler(browser(WRANGLER), fixture, ledger, random.Random(rng.random())))
    )
    threads = [
        threading.Thread(target=client_loop, args=(actor, stats, stop, name), daemon=True)
        for name, actor in actors
    ]
    kills_in_flight, restarts = 0, []
    server.start()
    up.set()
    for thread in threads:
        thread.start()
    for _ in range(args.rounds):
        # Each life serves a random number of responses, then dies a moment later: counted
        # in answers rather than seconds, so a slow or busy machine still gets work done.
        # One life in five is long, so that steps of several requests (an import) finish.
        answers = rng.randint(1, args.answers)
        if rng.random() < 0.2:
            answers = rng.randint(args.answers, 4 * args.answers)
        with stats.lock:
            target = stats.answered + answers
        deadline = time.monotonic() + 60
        while stats.answered < target and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.2))
        with stats.lock:
            busy = stats.in_flight
        up.clear()
        server.kill()
        kills_in_flight += busy > 0
        restart = time.monotonic()
        server.start()
        restarts.append(time.monotonic() - restart)
        up.set()
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 5)
    problems = list(stats.problems)
    problems += read_back(server, ledger)
    server.stop()
    log = server.log.read_text(errors="replace")
    problems += [f"server log: {line}" for line in log.splitlines() if "Traceback" in line][:5]

    found, checked = engine_checks()
    problems += found
    problems += archive_invariants()
    problems += acknowledged_writes(ledger)
    from ficarchive.works.models import Chapter, ImportBatch, ImportFile, Work

    unread = ImportFile.objects.filter(status=ImportFile.Status.PENDING).count()

    print(
        f"{args.rounds} kills, {kills_in_flight} with a request in flight; "
        f"{stats.requests} requests, {stats.cut} cut off by a kill, {stats.refused} refused "
        f"while the server was down"
    )
    print("acknowledged: " + ", ".join(f"{n} {what}" for what, n in sorted(stats.acked.items())))
    print("cut steps:    " + ", ".join(f"{n} {what}" for what, n in sorted(stats.unacked.items())))
    print("statuses:     " + ", ".join(f"{n}×{s}" for s, n in sorted(stats.statuses.items())))
    print(
        f"database: {Work.objects.count()} works, {Chapter.objects.count()} chapters, "
        f"{ImportBatch.objects.count()} imports waiting ({unread} files unread), "
        f"{ledger.wrangles} wrangling changes"
    )
    mean_restart = sum(restarts) / max(len(restarts), 1)
    print(f"checked: {checked}; archive invariants; acknowledged writes")
    print(f"took {time.monotonic() - started:.0f} s; restarts took {mean_restart:.1f} s")
    if problems:
        print(f"FAILED: {len(problems)} problems (server log {server.log})")
        for problem in problems[:40]:
            print("  " + problem)
        return 1
    print("PASSED: integrity checks, invariants and every acknowledged write")
    if not args.keep:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
