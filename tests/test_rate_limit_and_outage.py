"""Listings and search are rate-limited per address with a friendly 429; a database that
goes away gives a friendly 503, and the archive recovers by itself when it is back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import make_work
from tests.test_settings import run_ficarchive


@pytest.fixture
def small_limit(settings):
    settings.LISTING_RATE_LIMIT = 3
    settings.LISTING_RATE_LIMIT_SECONDS = 60


def visitor(address: str = "203.0.113.5") -> Client:
    return Client(REMOTE_ADDR=address)


@pytest.mark.django_db
def test_listings_answer_429_with_retry_after_past_the_limit(small_limit):
    client = visitor()
    for path in ["/works/", "/search/?q=harbour", "/fandoms/"]:
        assert client.get(path).status_code == 200
    response = client.get("/works/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Please slow down" in response.content.decode()
    assert "please wait 1 minute and try again" in response.content.decode()


@pytest.mark.django_db
def test_reading_a_work_is_never_limited(small_limit, alice):
    work = make_work(alice)
    client = visitor()
    for _ in range(3):
        client.get("/works/")
    assert client.get(f"/works/{work.pk}/").status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_each_address_has_its_own_allowance(small_limit):
    for _ in range(3):
        visitor().get("/works/")
    assert visitor().get("/works/").status_code == 429
    assert visitor("198.51.100.7").get("/works/").status_code == 200


@pytest.mark.django_db
def test_a_limit_of_zero_turns_it_off(settings):
    settings.LISTING_RATE_LIMIT = 0
    client = visitor()
    assert all(client.get("/fandoms/").status_code == 200 for _ in range(5))


def test_the_default_is_300_requests_per_300_seconds_and_configurable(tmp_path):
    show = "from django.conf import settings as s; "
    show += "print(s.LISTING_RATE_LIMIT, s.LISTING_RATE_LIMIT_SECONDS)"
    assert run_ficarchive(tmp_path, "shell", "-v", "0", "-c", show).stdout.split() == ["300", "300"]
    result = run_ficarchive(
        tmp_path, "shell", "-v", "0", "-c", show,
        FICARCHIVE_LISTING_RATE_LIMIT="50", FICARCHIVE_LISTING_RATE_LIMIT_SECONDS="60",
    )  # fmt: skip
    assert result.stdout.split() == ["50", "60"]


UNREACHABLE = "postgres://postgres@127.0.0.1:1/ficarchive"  # nothing listens on port 1
FRONT_PAGE = """
from django.test import Client, override_settings
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={"default": plain, "staticfiles": plain}):  # no collectstatic
    r = Client(raise_request_exception=False).get("/works/")
print(r.status_code, r.get("Retry-After"), "unavailable for a moment" in r.content.decode())
"""


def test_without_a_database_pages_answer_503_with_a_clear_page(tmp_path):
    result = run_ficarchive(
        tmp_path, "shell", "-v", "0", "-c", FRONT_PAGE,
        FICARCHIVE_DATABASE_URL=UNREACHABLE, FICARCHIVE_ALLOWED_HOSTS="testserver",
        FICARCHIVE_HTTPS="0",
    )  # fmt: skip
    assert result.stdout.split() == ["503", "30", "True"], result.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's test database is in memory")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_archive_recovers_by_itself_when_the_database_is_back(alice):
    make_work(alice, "Still Here Afterwards")
    client = Client(raise_request_exception=False)
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        assert client.get("/works/").status_code == 503
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    response = client.get("/works/")
    assert response.status_code == 200
    assert "Still Here Afterwards" in response.content.decode()
