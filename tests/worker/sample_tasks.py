"""Tasks for the worker tests: each notes what it did in a text file the test reads."""

from __future__ import annotations

import time
from pathlib import Path

from ficarchive.tasks import task


def _note(path: str, line: str) -> None:
    with Path(path).open("a") as out:
        out.write(line + "\n")


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@task()
def note(path: str, word: str, first_run_seconds: float = 0) -> str:
    """Note 'start WORD', wait (only the first time WORD runs), then note 'done WORD'."""
    first_run = f"start {word}" not in lines(Path(path))
    _note(path, f"start {word}")
    if first_run:
        time.sleep(first_run_seconds)
    _note(path, f"done {word}")
    return word


@task()
def flaky(path: str, failures: int) -> int:
    """Fail the first `failures` runs, then succeed; every run is noted."""
    runs = len(lines(Path(path))) + 1
    _note(path, f"run {runs}")
    if runs <= failures:
        raise RuntimeError(f"planned failure {runs}")
    return runs
