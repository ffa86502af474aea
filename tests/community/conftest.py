"""Community test set-up: a fresh hit buffer per test, and a real Redis server when the
machine has one (redis-server), for the Redis hit buffer."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from ficarchive.community.services import hits


@pytest.fixture(autouse=True)
def _fresh_hit_buffer(settings):
    settings.REDIS_URL = ""
    hits._buffer = None
    yield
    hits._buffer = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path, settings):
    """A throwaway redis-server on a free port, used as FICARCHIVE_REDIS_URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        url = f"redis://127.0.0.1:{port}/0"
        settings.REDIS_URL = url
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def page_text(response) -> str:
    """What a reader sees: the page's text without markup, spaces collapsed."""
    from html import unescape

    from django.utils.html import strip_tags

    return " ".join(unescape(strip_tags(response.content.decode())).split())
