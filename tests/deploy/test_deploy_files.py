"""The files docs/deploy.md tells people to copy: the systemd units must be valid as shipped
(checked by systemd itself), and the settings example must be accepted by the archive."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
INSTALLED = "/srv/ficarchive/app/.venv/bin/ficarchive"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd isn't installed")
def test_the_systemd_units_are_valid(tmp_path):
    """`systemd-analyze verify` checks every directive; the program path is pointed at this
    checkout's installed `ficarchive`, since /srv/ficarchive doesn't exist here."""
    program = Path(sys.executable).with_name("ficarchive")
    units = sorted((DEPLOY / "systemd").iterdir())
    assert {unit.suffix for unit in units} == {".service", ".timer"}
    for unit in units:
        text = unit.read_text()
        if unit.suffix == ".service":
            assert INSTALLED in text or "ExecStart=/bin/sh" in text, unit.name
        (tmp_path / unit.name).write_text(text.replace(INSTALLED, str(program)))
    done = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr


def test_every_timer_has_its_service():
    timers = {p.stem for p in (DEPLOY / "systemd").glob("*.timer")}
    services = {p.stem for p in (DEPLOY / "systemd").glob("*.service")}
    assert timers and timers <= services


def test_the_settings_example_is_accepted(tmp_path):
    """Every line of ficarchive.env.example is a setting the archive knows and accepts."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FICARCHIVE_")}
    for line in (DEPLOY / "ficarchive.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            environ[name] = value.strip('"')
    environ["FICARCHIVE_VAR_DIR"] = str(tmp_path)  # the example's /srv path doesn't exist here
    settings = Path(__file__).resolve().parents[2] / "src" / "ficarchive" / "settings.py"
    names = {name for name in environ if name.startswith("FICARCHIVE_")}
    source = settings.read_text()
    unknown = sorted(name for name in names if f'"{name}"' not in source)
    assert not unknown, f"settings.py reads no {unknown}"
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**environ, "DJANGO_SETTINGS_MODULE": "ficarchive.settings",
             "PYTHONPATH": str(settings.parents[1])},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="ficarchive-manage switches user, which needs root")
def test_ficarchive_manage_runs_a_command_with_the_settings_file(tmp_path):
    env_file = tmp_path / "ficarchive.env"
    env_file.write_text(
        f"FICARCHIVE_VAR_DIR={tmp_path}\n"
        f'FICARCHIVE_NAME="Settings From The File"\n'
        f"FICARCHIVE_DATABASE_URL=sqlite:///{tmp_path}/archive.sqlite3\n"
    )
    environ = {
        "PATH": os.environ["PATH"],
        "FICARCHIVE_APP_DIR": str(Path(sys.executable).parents[2]),  # this checkout
        "FICARCHIVE_ENV_FILE": str(env_file),
        "FICARCHIVE_USER": "root",
    }
    done = subprocess.run(
        [str(DEPLOY / "ficarchive-manage"), "shell", "-c",
         "from django.conf import settings; print(settings.ARCHIVE_NAME)"],
        env=environ, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "Settings From The File"
