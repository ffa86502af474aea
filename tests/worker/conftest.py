"""A throw-away archive for worker processes: its own database (a SQLite file, or a
PostgreSQL database next to the test database when the suite runs on PostgreSQL) and its
own Redis database, driven through real `ficarchive` subprocesses."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/9"


def _base_environment(var_dir: Path, database_url: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FICARCHIVE_")}
    environ.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        FICARCHIVE_VAR_DIR=str(var_dir),
        FICARCHIVE_DATABASE_URL=database_url,
        FICARCHIVE_HTTPS="0",
        FICARCHIVE_REDIS_URL=REDIS_URL,
        FICARCHIVE_TASK_RETRY_DELAY="0",
    )
    return environ


def ficarchive(environ: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ficarchive", *args],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _postgres_url() -> str | None:
    """The PostgreSQL database for worker processes, or None when the suite uses SQLite."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return None
    user, host, port = database["USER"], database["HOST"], database["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{database['NAME']}_proc"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> str:
    """A migrated database URL (SQLite: a template file copied for each test)."""
    var_dir = tmp_path_factory.mktemp("worker-template")
    url = _postgres_url()
    if url:
        admin = url.rsplit("/", 1)[0] + "/postgres"
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    else:
        url = f"sqlite:///{var_dir / 'template.sqlite3'}"
    result = ficarchive(_base_environment(var_dir, url), "migrate", "--no-input", timeout=300)
    assert result.returncode == 0, result.stderr
    return url


@dataclass
class Archive:
    environ: dict
    notes: Path

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return ficarchive(self.environ, *args, timeout=timeout)

    def enqueue(self, code: str) -> None:
        """Run `code` with the sample tasks imported, to queue some of them."""
        prelude = "from tests.worker.sample_tasks import flaky, note\n"
        result = self.run("shell", "-c", prelude + code)
        assert result.returncode == 0, result.stderr

    def start_worker(self) -> subprocess.Popen:
        """A worker in its own process group, as a service manager would run it."""
        return subprocess.Popen(
            [sys.executable, "-m", "ficarchive", "worker", "--interval", "0.2"],
            env=self.environ,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def wait_for_note(self, line: str, worker: subprocess.Popen, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while line not in self.lines():
            if time.monotonic() > deadline or worker.poll() is not None:
                stop(worker)
                pytest.fail(f"no {line!r} in the notes; worker said:\n{worker.stdout.read()}")
            time.sleep(0.1)

    def lines(self) -> list[str]:
        return self.notes.read_text().splitlines() if self.notes.exists() else []


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


@pytest.fixture(params=["database", "redis"])
def archive(request, tmp_path, migrated_database) -> Archive:
    """An archive queueing tasks in its database or in Redis (DB 9), with a clean queue."""
    url = migrated_database
    if url.startswith("sqlite"):
        copy = tmp_path / "archive.sqlite3"
        shutil.copy(url.removeprefix("sqlite:///"), copy)
        url = f"sqlite:///{copy}"
    else:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("DELETE FROM django_tasks_database_dbtaskresult")
    redis.Redis.from_url(REDIS_URL).flushdb()
    environ = _base_environment(tmp_path, url)
    environ["FICARCHIVE_TASKS"] = request.param
    return Archive(environ=environ, notes=tmp_path / "notes.txt")
