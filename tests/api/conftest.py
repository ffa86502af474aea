"""API test set-up: a small archive with one work of each visibility, and token helpers."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from ficarchive.api.tokens import create_token
from tests.conftest import make_work


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with no requests counted against the rate limit."""
    cache.clear()


def bearer(user, scope: str = "read") -> dict[str, str]:
    """Headers for a client acting with a new token of `user`."""
    _, secret = create_token(user, "tests", scope)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def archive(alice, tmp_path, settings):
    """Alice's works: public, restricted, draft and hidden, all in one fandom and series."""
    settings.MEDIA_ROOT = tmp_path
    return {
        "public": make_work(alice, "Open Harbour", series="Harbour Tales", summary="Boats."),
        "restricted": make_work(alice, "Members Lighthouse", restricted=True),
        "draft": make_work(alice, "Unfinished Draft Tide", posted=False),
        "hidden": make_work(alice, "Hidden Reef Story", hidden=True),
    }


@pytest.fixture
def api() -> Client:
    return Client()
