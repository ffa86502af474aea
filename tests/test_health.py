"""The probes (/healthz, /readyz) and the production server profile."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import client_for


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_the_database_cache_and_queue(db):
    response = client_for(None).get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"]["ok"] and checks["cache"]["ok"] and checks["queue"]["ok"]


def test_readyz_counts_the_waiting_tasks_of_a_database_queue(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queue = client_for(None).get("/readyz").json()["checks"]["queue"]
    assert queue == {"ok": True, "backend": "database", "waiting": 0}


def test_readyz_says_503_and_what_failed_when_the_cache_cannot_be_written(db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": "/proc/ficarchive-cache",  # a directory nobody can create
        }
    }
    response = client_for(None).get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["cache"]["ok"] is False and body["checks"]["cache"]["error"]
    assert body["checks"]["database"]["ok"] is True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(tmp_path, **extra: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FICARCHIVE_")}
    environ.update(
        FICARCHIVE_VAR_DIR=str(tmp_path),
        FICARCHIVE_DATABASE_URL=f"sqlite:///{tmp_path / 'archive.sqlite3'}",
        FICARCHIVE_HTTPS="0",
        **extra,
    )
    return environ


def test_production_serve_refuses_debug_mode(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ficarchive", "serve", "--production", "--no-migrate"],
        env=_environment(tmp_path, FICARCHIVE_DEBUG="1"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "--production needs FICARCHIVE_DEBUG=0" in result.stderr


def test_production_serve_runs_gunicorn_with_compressed_long_cached_static_files(tmp_path):
    port = _free_port()
    command = ["serve", f"127.0.0.1:{port}", "--production", "--workers", "2"]
    server = subprocess.Popen(
        [sys.executable, "-m", "ficarchive", *command],
        env=_environment(tmp_path, FICARCHIVE_DEBUG="0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # collectstatic compresses every file first
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the production server did not come up")
                time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/works/", timeout=10) as response:
            page = response.read().decode()
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet)  # a hashed, cacheable name
        request = urllib.request.Request(base + stylesheet, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert "max-age=315360000" in response.headers["Cache-Control"]
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert "Serving with gunicorn" in output
    assert "Booting worker" in output
