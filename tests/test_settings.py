"""Settings come from FICARCHIVE_* variables; bad values stop start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run_ficarchive(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("FICARCHIVE_")}
    environ.update(FICARCHIVE_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "ficarchive", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("FICARCHIVE_DEBUG", "maybe"),
        ("FICARCHIVE_HTTPS", "sometimes"),
        ("FICARCHIVE_DATABASE_URL", "mysql://root@localhost/archive"),
        ("FICARCHIVE_DATABASE_URL", "not a url"),
        ("FICARCHIVE_SECRET_KEY", "too-short"),
        ("FICARCHIVE_EMAIL_PORT", "twenty-five"),
        ("FICARCHIVE_TASKS", "celery"),
        ("FICARCHIVE_REGISTRATION", "sometimes"),
        ("FICARCHIVE_COMMENT_RATE_LIMIT", "lots"),
        ("FICARCHIVE_TASKS", "redis"),  # without FICARCHIVE_REDIS_URL
        ("FICARCHIVE_TASK_ATTEMPTS", "0"),
        ("FICARCHIVE_TASK_RETRY_DELAY", "soon"),
        ("FICARCHIVE_LOG_FORMAT", "xml"),
        ("FICARCHIVE_METRICS_TOKEN", "short"),
        ("FICARCHIVE_TIME_ZONE", "Mars/Olympus"),
        ("FICARCHIVE_LOG_LEVEL", "chatty"),
        ("FICARCHIVE_DATABASE_REPLICA_URLS", "postgres://reader@127.0.0.1/archive"),
    ],
)
def test_a_bad_value_stops_start_up_with_a_message_naming_the_variable(tmp_path, variable, value):
    result = run_ficarchive(tmp_path, "check", **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


def test_default_production_settings_pass_the_deployment_check(tmp_path):
    result = run_ficarchive(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_redis_task_queue_passes_the_deployment_check(tmp_path):
    result = run_ficarchive(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        FICARCHIVE_TASKS="redis",
        FICARCHIVE_REDIS_URL="redis://127.0.0.1:6379/8",
    )
    assert result.returncode == 0, result.stderr


def test_without_a_secret_key_one_is_generated_and_kept_private(tmp_path):
    run_ficarchive(tmp_path, "check")
    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text().strip()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite-only setting")
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["timeout"] >= 5


def test_the_sqlite_connection_really_is_in_wal_mode(tmp_path):
    """An on-disk database (the test one is in memory) reports WAL after start-up."""
    result = run_ficarchive(
        tmp_path,
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0])",
    )
    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr


def test_the_sqlite_connection_has_its_page_cache(tmp_path):
    result = run_ficarchive(
        tmp_path,
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA cache_size').fetchone()[0])",
    )
    assert result.stdout.strip().splitlines()[-1] == "-65536", result.stderr


def test_postgresql_connections_run_without_parallel_workers(db):
    """Checked on a real connection when the suite runs on PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
