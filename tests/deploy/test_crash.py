"""The crash test (bench/crash.py), a few rounds, on the engine the suite runs on.

It starts a real gunicorn server on a database of its own (a SQLite file, or a fresh
PostgreSQL database named after the suite's with `_crash` appended), kills it with SIGKILL
while clients post, edit, import and wrangle, and checks the database afterwards. The full
run is `bench/crash.py --rounds 30`; docs/performance.md has its figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 6


def crash_database_url() -> list[str]:
    """--database-url for the crash test: beside the suite's PostgreSQL database, if any."""
    url = os.environ.get("FICARCHIVE_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return []
    parts = urlsplit(url)
    return ["--database-url", parts._replace(path=parts.path + "_crash").geturl()]


def test_sigkill_while_writing_loses_no_acknowledged_write_and_corrupts_nothing():
    command = [sys.executable, str(ROOT / "bench" / "crash.py"), "--rounds", str(ROUNDS)]
    run = subprocess.run(
        [*command, *crash_database_url()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    print(run.stdout, run.stderr)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "PASSED" in run.stdout
    # The kills must have hit requests being served, or the test proved nothing.
    assert f"{ROUNDS} kills, 0 with a request in flight" not in run.stdout
