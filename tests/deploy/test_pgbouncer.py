"""The archive behind a real PgBouncer in transaction mode (docs/deploy.md, "PgBouncer"):
a slice of the suite that posts, lists, filters, searches, comments and imports runs
through it, so nothing relies on a connection outliving its transaction."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
SUITE_URL = os.environ.get("FICARCHIVE_DATABASE_URL", "")
ROOT = Path(__file__).resolve().parents[2]
# Tests that write in several transactions per request and read back on other connections.
SLICE = [
    "tests/works/test_posting.py",
    "tests/search/test_search.py",
    "tests/community/test_comments.py",
    "tests/works/test_imports.py",
]

pytestmark = [
    pytest.mark.skipif(not Path(PGBOUNCER).exists(), reason="pgbouncer isn't installed"),
    pytest.mark.skipif(
        not SUITE_URL.startswith("postgres"),
        reason="runs in the PostgreSQL pass of the suite",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def pgbouncer():
    """PgBouncer on a loopback port, pooling every database of the suite's server."""
    tmp_path = Path(tempfile.mkdtemp(prefix="ficarchive-pgbouncer-"))  # readable by postgres
    port = _free_port()
    upstream = SUITE_URL.split("@", 1)[1].split("/", 1)[0]
    host, _, upstream_port = upstream.partition(":")
    (tmp_path / "users.txt").write_text('"postgres" ""\n')
    (tmp_path / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={host} port={upstream_port or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {tmp_path / 'users.txt'}\n"
        "pool_mode = transaction\nmax_client_conn = 200\ndefault_pool_size = 4\n"
        f"logfile = {tmp_path / 'pgbouncer.log'}\n"
    )
    command = [PGBOUNCER, str(tmp_path / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer won't run as root
        shutil.chown(tmp_path, "postgres", "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    process = subprocess.Popen(command, start_new_session=True)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "pgbouncer did not start"
            time.sleep(0.1)
    yield port, tmp_path / "pgbouncer.log"
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=10)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_the_archive_works_through_pgbouncer_in_transaction_mode(pgbouncer):
    port, log = pgbouncer
    name = SUITE_URL.rsplit("/", 1)[1] + "_pgbouncer"
    environ = {
        **os.environ,
        "FICARCHIVE_DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/{name}",
        "FICARCHIVE_PGBOUNCER": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *SLICE],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
    # The connections really went through PgBouncer: it logged them.
    assert f"login attempt: db=test_{name} " in log.read_text()


def test_pgbouncer_mode_drops_what_transaction_pooling_breaks():
    """The settings module, read again with FICARCHIVE_PGBOUNCER=1."""
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(bool(d.get('DISABLE_SERVER_SIDE_CURSORS')), d.get('OPTIONS', {}).get('options'))"
    )
    for flag, expected in (("1", "True None"), ("0", "False -c max_parallel_workers_per_gather=0")):
        done = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={**os.environ, "FICARCHIVE_PGBOUNCER": flag},
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.strip() == expected
