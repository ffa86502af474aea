"""A real PostgreSQL primary and streaming replica on loopback ports, made with the
machine's PostgreSQL tools, and the archive routing reads and writes between them."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

TOOLS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = [
    pytest.mark.skipif(not TOOLS, reason="PostgreSQL's server tools aren't installed"),
    pytest.mark.skipif(
        not os.environ.get("FICARCHIVE_DATABASE_URL", "").startswith("postgres"),
        reason="runs in the PostgreSQL pass of the suite (it makes clusters of its own)",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    tool = [str(Path(TOOLS[-1]) / command[0]), *command[1:]]
    return ["runuser", "-u", "postgres", "--", *tool] if os.geteuid() == 0 else tool


def _run(*command: str) -> None:
    subprocess.run(_as_postgres(*command), check=True, capture_output=True, timeout=120)


@pytest.fixture
def clusters():
    base = Path(tempfile.mkdtemp(prefix="ficarchive-replica-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    primary, replica = base / "primary", base / "replica"
    ports = _free_port(), _free_port()
    started = []
    try:
        _run("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        settings = f"port = {ports[0]}\nlisten_addresses = '127.0.0.1'\n"
        settings += f"unix_socket_directories = '{base}'\n"
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(settings)
        _run("pg_ctl", "-D", str(primary), "-l", str(base / "primary.log"), "-w", "start")
        started.append(primary)
        _run("createdb", "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres", "ficarchive")
        _run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream",
        )  # fmt: skip
        with (replica / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {ports[1]}\n")
        _run("pg_ctl", "-D", str(replica), "-l", str(base / "replica.log"), "-w", "start")
        started.append(replica)
        yield ports
    finally:
        for data in reversed(started):
            subprocess.run(_as_postgres("pg_ctl", "-D", str(data), "-m", "fast", "stop"))
        shutil.rmtree(base, ignore_errors=True)


def test_reads_go_to_the_replica_and_writes_to_the_primary(clusters, tmp_path):
    primary, replica = clusters
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FICARCHIVE_")}
    environ.update(
        FICARCHIVE_DATABASE_URL=f"postgres://postgres@127.0.0.1:{primary}/ficarchive",
        FICARCHIVE_DATABASE_REPLICA_URLS=f"postgres://postgres@127.0.0.1:{replica}/ficarchive",
        FICARCHIVE_VAR_DIR=str(tmp_path),
        FICARCHIVE_HTTPS="0",
        FICARCHIVE_DEBUG="1",  # static files from the source tree, no collectstatic
        FICARCHIVE_ALLOWED_HOSTS="testserver",
    )
    check = Path(__file__).with_name("replica_check.py")
    result = subprocess.run(
        [sys.executable, str(check)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "ALL OK"
