"""The OpenAPI description, its docs page (no assets from the internet) and rate limits."""

from __future__ import annotations

import re

import pytest

from ficarchive.api.tokens import create_token
from tests.conftest import make_work

pytestmark = pytest.mark.django_db


def test_the_openapi_description_lists_every_endpoint(api):
    schema = api.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/works", "/api/v1/works/{work_id}", "/api/v1/series/{series_id}",
            "/api/v1/tags", "/api/v1/tags/{tag_id}", "/api/v1/users/{username}"} <= set(
        schema["paths"])  # fmt: skip


def test_the_docs_page_loads_nothing_from_elsewhere(api):
    page = api.get("/api/v1/docs/").content.decode()
    assert "swagger" in page.lower()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources)


def test_too_many_requests_answer_429_with_retry_after(api, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert api.get("/api/v1/tags").status_code == 200
    response = api.get("/api/v1/tags")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["message"]


def test_unknown_ids_are_json_404s(api):
    response = api.get("/api/v1/works/999999")
    assert response.status_code == 404
    assert response.json()["message"]


def test_a_write_counts_once_against_the_rate_limit(api, alice, settings):
    work = make_work(alice, "Counted Once")
    _, secret = create_token(alice, "counter", "write")
    settings.API_RATE_LIMIT = 1
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.put(f"/api/v1/works/{work.pk}/subscription", headers=headers).status_code == 200
    assert api.get("/api/v1/me", headers=headers).status_code == 429
