"""With FICARCHIVE_REDIS_URL the cache, sessions and rate limits are shared by every process
through Redis; without it, each process counts in its own memory and sessions live in the
database. Uses databases 6 and 7 of the tests' Redis server (redis_server in tests/conftest.py)."""

from __future__ import annotations

import socket
import threading

import pytest
import redis
from django.contrib.sessions.models import Session
from django.test import Client

from ficarchive.throttle import Limit, record, wait_seconds
from tests.conftest import PASSWORD, client_for, make_work, use_redis_settings
from tests.test_settings import run_ficarchive

SOME_URL = "redis://127.0.0.1:6379/6"  # only read by the settings, never connected to


@pytest.fixture
def counters_url(redis_server) -> str:
    return f"{redis_server}/6"


@pytest.fixture
def sessions_url(redis_server) -> str:
    return f"{redis_server}/7"


def use_redis(settings, url: str) -> None:
    """The settings FICARCHIVE_REDIS_URL=url gives (see settings.py)."""
    use_redis_settings(settings, url)
    redis.Redis.from_url(url).flushdb()


SHOW_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, "
    "settings.PAGE_CACHE_SECONDS)"
)


def words(result) -> list[str]:
    """The words of the last line the command printed (the shell says a line first)."""
    return result.stdout.strip().splitlines()[-1].split()


def test_redis_url_switches_the_cache_and_sessions_and_turns_the_page_cache_on(tmp_path):
    shown = run_ficarchive(tmp_path, "shell", "-c", SHOW_SETTINGS, FICARCHIVE_REDIS_URL=SOME_URL)
    assert words(shown) == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "300",
    ]


def test_without_redis_the_cache_is_local_memory_and_sessions_are_in_the_database(tmp_path):
    shown = run_ficarchive(tmp_path, "shell", "-c", SHOW_SETTINGS)
    assert words(shown) == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        "0",
    ]


def test_the_page_cache_seconds_can_be_set(tmp_path):
    shown = run_ficarchive(
        tmp_path,
        "shell",
        "-c",
        SHOW_SETTINGS,
        FICARCHIVE_REDIS_URL=SOME_URL,
        FICARCHIVE_PAGE_CACHE_SECONDS="30",
    )
    assert words(shown)[-1] == "30"


@pytest.mark.django_db
def test_a_session_survives_redis_losing_everything(settings, alice, sessions_url):
    use_redis(settings, sessions_url)
    client = client_for(alice)
    assert client.get("/account/").status_code == 200
    assert redis.Redis.from_url(sessions_url).dbsize() > 0  # the session is cached there…
    redis.Redis.from_url(sessions_url).flushdb()
    response = client.get("/account/")  # …and read back from the database
    assert response.status_code == 200
    assert Session.objects.filter(session_key=client.session.session_key).exists()


@pytest.mark.django_db
def test_another_process_and_this_one_count_the_same_listing_requests(
    settings, tmp_path, counters_url
):
    use_redis(settings, counters_url)
    settings.LISTING_RATE_LIMIT = 4
    settings.LISTING_RATE_LIMIT_SECONDS = 60
    address = "203.0.113.77"
    other = run_ficarchive(
        tmp_path,
        "shell",
        "-c",
        "from ficarchive.throttle import Limit, record; "
        f"[record(Limit('listing', 4, 60), '{address}') for _ in range(3)]",
        FICARCHIVE_REDIS_URL=counters_url,
    )
    assert other.returncode == 0, other.stderr
    visitor = Client(REMOTE_ADDR=address)
    assert visitor.get("/works/").status_code == 200  # the fourth of four
    assert visitor.get("/works/").status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.78").get("/works/").status_code == 200


@pytest.mark.django_db
def test_login_throttling_is_shared_with_another_process(settings, tmp_path, alice, counters_url):
    use_redis(settings, counters_url)
    other = run_ficarchive(
        tmp_path,
        "shell",
        "-c",
        "from ficarchive.accounts.login_throttle import record_failed_login; "
        "[record_failed_login(None, 'alice') for _ in range(5)]",
        FICARCHIVE_REDIS_URL=counters_url,
    )
    assert other.returncode == 0, other.stderr
    response = Client().post("/account/login/", {"username": "alice", "password": PASSWORD})
    assert "Too many failed log-in attempts" in response.content.decode()


def test_counts_from_many_threads_at_once_are_all_kept(settings, counters_url):
    """200 records at once reach a limit of exactly 200: none was lost to a race."""
    use_redis(settings, counters_url)
    exactly, one_more = Limit("race", 200, 60), Limit("race-spare", 201, 60)
    start = threading.Barrier(8)

    def knock() -> None:
        start.wait()
        for _ in range(25):
            record(exactly, "203.0.113.80")
            record(one_more, "203.0.113.80")

    threads = [threading.Thread(target=knock) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wait_seconds(exactly, "203.0.113.80") > 0
    assert wait_seconds(one_more, "203.0.113.80") == 0


@pytest.mark.django_db
def test_readyz_checks_redis(settings, counters_url):
    use_redis(settings, counters_url)
    cache_check = Client().get("/readyz").json()["checks"]["cache"]
    assert cache_check == {"ok": True, "backend": "redis"}


def redis_away(settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe closes
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }


@pytest.mark.django_db
def test_readyz_says_503_when_redis_cannot_be_reached(settings):
    redis_away(settings)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}


@pytest.mark.django_db
def test_without_redis_guests_still_read_and_authors_still_write(settings, alice):
    """The page cache steps aside while Redis is away (the rate limits can't count then)."""
    redis_away(settings)
    settings.PAGE_CACHE_SECONDS = 300
    settings.LISTING_RATE_LIMIT = 0
    work = make_work(alice, "Fog over the Quay")  # each write tries to start a generation
    response = Client().get(f"/works/{work.pk}/")
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert "Fog over the Quay" in Client().get("/works/").content.decode()
