"""Which running tasks a starting worker takes back (ficarchive.taskqueue.abandoned)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

from django.utils import timezone

from ficarchive.taskqueue import abandoned

HOST = socket.gethostname()[:40]


def test_a_task_of_a_live_worker_on_this_machine_is_left_alone():
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        long_ago = timezone.now() - timedelta(days=1)
        assert not abandoned(f"{HOST}:{sleeper.pid}:abcdefgh", long_ago, timezone.now())
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_task_of_a_dead_worker_on_this_machine_is_taken_back_at_once():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert abandoned(f"{HOST}:{gone.pid}:abcdefgh", timezone.now(), timezone.now())
    # A worker restarted with its predecessor's pid (a container's pid 1) is one too.
    assert abandoned(f"{HOST}:{os.getpid()}:abcdefgh", timezone.now(), timezone.now())


def test_a_task_on_another_machine_is_taken_back_only_once_it_is_stale(settings):
    settings.TASK_STALE_SECONDS = 600
    now = timezone.now()
    assert not abandoned("elsewhere:123:abcdefgh", now - timedelta(seconds=599), now)
    assert abandoned("elsewhere:123:abcdefgh", now - timedelta(seconds=601), now)
