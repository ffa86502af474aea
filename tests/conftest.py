"""Shared test set-up: named people (alice writes, bob reads, carol co-writes, staff
moderates) and a `make_work` factory that posts through the real services."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from datetime import date

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from ficarchive.accounts.models import User
from ficarchive.tags.models import Tag, TagType
from ficarchive.tags.services import tags_for
from ficarchive.works.models import Chapter, Series, Work
from ficarchive.works.services import SeriesChoice, WorkInput, save_chapter, save_work

PASSWORD = "a long test password 1"

# In CI, property tests draw the same examples every run, so a landing never depends on
# luck; on developers' machines they explore new examples each time.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    """Cheap password hashing, local e-mail, plain HTTP: the behaviour under test is unchanged."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Freshly built pages (with response.context) whatever FICARCHIVE_REDIS_URL says; the
    # page cache's own tests turn it on.
    settings.PAGE_CACHE_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> str:
    """A Redis server for the tests, as redis://host:port (add /N for database N): the local
    one on 6379 if it answers, otherwise a throwaway redis-server on a free port."""
    if _answers(6379):
        yield "redis://127.0.0.1:6379"
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/install-system-deps installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    directory = tmp_path_factory.mktemp("redis")
    command = [binary, "--port", str(port), "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*command, "--dir", str(directory)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if _answers(port):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(username, f"{username}@example.com", PASSWORD, **extra)


@pytest.fixture
def alice(db) -> User:
    return make_user("alice")


@pytest.fixture
def bob(db) -> User:
    return make_user("bob")


@pytest.fixture
def carol(db) -> User:
    return make_user("carol")


@pytest.fixture
def staff(db) -> User:
    return make_user("staffer", is_staff=True)


def use_redis_settings(settings, url: str) -> None:
    """The cache and session settings FICARCHIVE_REDIS_URL=url gives (see settings.py)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "ficarchive",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def guest_client() -> Client:
    return Client()


def fixed(name: str) -> Tag:
    return Tag.objects.get(name=name)


def make_work(
    creator: User,
    title: str = "A Quiet Harbour",
    *,
    rating: str = "General Audiences",
    warnings: tuple[str, ...] = ("No Archive Warnings Apply",),
    categories: tuple[str, ...] = (),
    fandoms: tuple[str, ...] = ("Lanternwick Chronicles",),
    relationships: tuple[str, ...] = (),
    characters: tuple[str, ...] = (),
    additional: tuple[str, ...] = (),
    chapters: tuple[str, ...] = ("The boats came in at dawn, one after another.",),
    posted: bool = True,
    restricted: bool = False,
    hidden: bool = False,
    series: Series | str | None = None,
    expected_chapters: int | None = None,
    summary: str = "",
    notes: str = "",
    end_notes: str = "",
    language: str = "en",
    published_on: date | None = None,
) -> Work:
    """Post a work through the same service the forms use."""
    tags = [fixed(rating), *(fixed(w) for w in warnings), *(fixed(c) for c in categories)]
    for names, tag_type in [
        (fandoms, TagType.FANDOM),
        (relationships, TagType.RELATIONSHIP),
        (characters, TagType.CHARACTER),
        (additional, TagType.ADDITIONAL),
    ]:
        tags += tags_for(list(names), tag_type)
    choice = None
    if isinstance(series, Series):
        choice = SeriesChoice(series=series)
    elif series:
        choice = SeriesChoice(new_title=series)
    fields = {
        "title": title, "summary": summary, "notes": notes, "end_notes": end_notes,
        "language": language, "restricted": restricted, "expected_chapters": expected_chapters,
    }  # fmt: skip
    if published_on:
        fields["published_on"] = published_on
    data = WorkInput(fields=fields, creators=[creator.default_pseud], tags=tags, series=choice)
    work = save_work(Work(), data, Chapter(text=chapters[0]), post=posted)
    for text in chapters[1:]:
        save_chapter(Chapter(work=work, text=text))
    if hidden:
        Work.objects.filter(pk=work.pk).update(hidden_by_admin=True)
        work.refresh_from_db()
    return work
