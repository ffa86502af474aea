"""Login throttling: five wrong passwords for an account, or from an address, within
20 seconds, and the next try is refused with how long to wait."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(username: str, password: str, address: str = "203.0.113.5", url="/account/login/"):
    client = Client(REMOTE_ADDR=address)
    return client.post(url, {"username": username, "password": password})


def fail(times: int, username: str = "alice", address: str = "203.0.113.5") -> None:
    for _ in range(times):
        response = log_in(username, "not the password", address)
        assert "Please enter a correct" in response.content.decode()


def test_after_five_wrong_passwords_even_the_right_one_waits(alice):
    fail(5)
    response = log_in("alice", PASSWORD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Too many failed log-in attempts" in page
    assert "Please wait 20 seconds and try again." in page or "Please wait 19 seconds" in page
    assert "_auth_user_id" not in response.client.session


def test_four_wrong_passwords_still_let_the_owner_in(alice):
    fail(4)
    assert log_in("alice", PASSWORD).status_code == 302


def test_the_account_is_throttled_from_every_address(alice):
    for number in range(5):
        fail(1, address=f"198.51.100.{number}")
    assert "Too many" in log_in("ALICE", PASSWORD, "192.0.2.77").content.decode()


def test_one_address_guessing_many_accounts_is_throttled(alice, bob):
    for name in ["carol", "dave", "erin", "frank", "grace"]:
        fail(1, username=name)
    assert "Too many" in log_in("bob", PASSWORD).content.decode()
    assert log_in("bob", PASSWORD, "192.0.2.8").status_code == 302


def test_the_wait_ends_when_the_window_does(settings, alice):
    settings.LOGIN_ATTEMPTS_SECONDS = 1
    fail(5)
    assert "Please wait 1 second and try again." in log_in("alice", PASSWORD).content.decode()
    time.sleep(1.1)
    assert log_in("alice", PASSWORD).status_code == 302


def test_the_admin_log_in_is_throttled_too(staff):
    for _ in range(5):
        log_in("staffer", "not the password", url="/admin/login/")
    response = log_in("staffer", PASSWORD, url="/admin/login/")
    assert "Too many failed log-in attempts" in response.content.decode()


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings, alice):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for number in range(5):
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{number}, 203.0.113.9")
        client.post("/account/login/", {"username": f"nobody{number}", "password": "x"})
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9")
    response = client.post("/account/login/", {"username": "alice", "password": PASSWORD})
    assert "Too many" in response.content.decode()
