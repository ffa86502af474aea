"""Personal access tokens: made and revoked on the account page, stored hashed, shown once."""

from __future__ import annotations

import re

import pytest

from ficarchive.api.models import AccessToken
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def create(client, name: str = "My reader", scope: str = "read") -> str:
    page = client.post("/account/tokens/", {"name": name, "scope": scope}).content.decode()
    return re.search(r'class="token-secret">([^<]+)<', page).group(1)


def test_a_token_is_shown_once_and_stored_only_as_a_hash(alice):
    client = client_for(alice)
    secret = create(client)
    token = AccessToken.objects.get(user=alice)
    assert token.name == "My reader" and token.scope == "read"
    assert secret not in token.digest and token.prefix == secret[:10]
    assert secret not in client.get("/account/tokens/").content.decode()


def test_a_token_lets_an_app_act_as_its_owner(alice, api):
    secret = create(client_for(alice), scope="write")
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()
    assert me == {"username": "alice", "authenticated": True, "token": "My reader",
                  "scope": "write"}  # fmt: skip


def test_a_revoked_token_no_longer_works(alice, api):
    client = client_for(alice)
    secret = create(client)
    token = AccessToken.objects.get(user=alice)
    client.post(f"/account/tokens/{token.pk}/revoke/")
    response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert "No tokens." in client.get("/account/tokens/").content.decode()


def test_nobody_can_revoke_someone_elses_token(alice, bob, api):
    secret = create(client_for(alice))
    token = AccessToken.objects.get(user=alice)
    client_for(bob).post(f"/account/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_token_needs_a_name_and_a_known_scope(alice):
    client = client_for(alice)
    client.post("/account/tokens/", {"name": "", "scope": "read"})
    client.post("/account/tokens/", {"name": "Odd", "scope": "admin"})
    assert not AccessToken.objects.exists()


def test_guests_are_sent_to_log_in(guest_client):
    assert guest_client.get("/account/tokens/").status_code == 302


def test_the_account_page_links_to_tokens(alice):
    assert "/account/tokens/" in client_for(alice).get("/account/").content.decode()
