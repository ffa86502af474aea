"""`serve --production` with two gunicorn workers: /metrics adds up both workers' counts,
and with FICARCHIVE_LOG_FORMAT=json everything the server logs is JSON."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "a-metrics-token-for-tests"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A production server with two workers; yields (base URL, var dir, its output)."""
    var_dir = tmp_path_factory.mktemp("gunicorn")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FICARCHIVE_")}
    environ.update(
        FICARCHIVE_VAR_DIR=str(var_dir),
        FICARCHIVE_DATABASE_URL=f"sqlite:///{var_dir / 'archive.sqlite3'}",
        FICARCHIVE_HTTPS="0",
        FICARCHIVE_DEBUG="0",
        FICARCHIVE_METRICS_TOKEN=TOKEN,
        FICARCHIVE_LOG_FORMAT="json",
    )
    port = _free_port()
    log = (var_dir / "server.log").open("w")
    command = ["serve", f"127.0.0.1:{port}", "--production", "--workers", "2"]
    process = subprocess.Popen(
        [sys.executable, "-m", "ficarchive", *command],
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240  # migrations and collectstatic first
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the production server did not come up")
            time.sleep(0.5)
    yield base, var_dir, lambda: (var_dir / "server.log").read_text()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    log.close()


def _get(url: str, token: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=20) as r:
        return r.read().decode()


def _healthz_count(base: str) -> float:
    text = _get(f"{base}/metrics", TOKEN)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "ficarchive_http_requests_total" and sample.labels == {
                "method": "GET",
                "route": "healthz",
                "status": "2xx",
            }:
                return sample.value
    return 0


def test_metrics_add_up_the_requests_both_workers_answered(server):
    base, var_dir, _ = server
    before = _healthz_count(base)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: _get(f"{base}/healthz"), range(60)))

    assert _healthz_count(base) - before == 60
    # Both processes counted some of them, in their own files.
    counters = list(Path(var_dir, "metrics").glob("counter_*.db"))
    assert len(counters) == 2


def test_metrics_stay_closed_without_the_token(server):
    base, _, _ = server
    with pytest.raises(urllib.error.HTTPError) as error:
        _get(f"{base}/metrics", "a-wrong-token-of-some-length")
    assert error.value.code == 403


def test_with_json_logs_every_server_line_is_a_json_object(server):
    base, _, output = server
    _get(f"{base}/works/")
    time.sleep(0.5)

    # What gunicorn and the archive log once serving starts (migrate's progress before it
    # is a command's output, not a log).
    lines = output().split("Serving with gunicorn", 1)[1].splitlines()[1:]
    entries = [json.loads(line) for line in lines]
    booted = [e for e in entries if e["logger"] == "gunicorn.error" and "Booting" in e["message"]]
    assert len(booted) == 2
    [works] = [e for e in entries if e.get("path") == "/works/"]
    assert works["status"] == 200 and works["method"] == "GET" and works["request_id"]
