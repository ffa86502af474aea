"""Spam defences: a hidden honeypot box on the sign-up, invitation-queue and comment forms,
and rate limits on comments (per member, or per address for guests), sign-ups and
invitation requests (per address). Each refusal says why and saves nothing."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from ficarchive.accounts.models import InvitationRequest, User
from ficarchive.community.models import Comment
from tests.api.conftest import bearer
from tests.community.conftest import page_text
from tests.conftest import PASSWORD, client_for, make_work

pytestmark = pytest.mark.django_db

HONEYPOT_REFUSAL = "This form was not sent: the “Leave this empty” box had something in it."
GUEST = {"guest_name": "Wren", "guest_email": "wren@example.com"}


def sign_up(name: str = "maren", address: str = "203.0.113.5", **extra):
    data = {"username": name, "email": f"{name}@example.com", "password1": PASSWORD,
            "password2": PASSWORD, **extra}  # fmt: skip
    return Client(REMOTE_ADDR=address).post("/account/signup/", data)


def join(email: str, address: str = "203.0.113.5", **extra):
    return Client(REMOTE_ADDR=address).post("/join/", {"email": email, **extra}, follow=True)


def comment(client, work, body="A kind word about the harbour.", **extra):
    chapter = work.chapters.first()
    url = f"/works/{work.pk}/chapters/{chapter.pk}/comments/"
    return client.post(url, {"body": body, **extra}, follow=True)


def api_comment(work, headers):
    chapter = work.chapters.first()
    return Client().post(
        f"/api/v1/works/{work.pk}/chapters/{chapter.pk}/comments",
        {"body": "Lovely lamplight."},
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def invite_mode(settings):
    settings.REGISTRATION = "invite"


# -- the honeypot ---------------------------------------------------------------------------


def honeypot_input(html: str) -> str:
    [found] = re.findall(r'<div class="field honeypot">.*?</div>', html, re.S)
    return found


def test_the_honeypot_is_hidden_from_people_and_named_for_screen_readers(db):
    box = honeypot_input(Client().get("/account/signup/").content.decode())
    assert ">Leave this empty</label>" in box
    assert 'autocomplete="off"' in box and 'tabindex="-1"' in box
    stylesheet = Path(finders.find("ficarchive/site.css")).read_text()
    assert re.search(r"\.honeypot \{[^}]*left: -10000px", stylesheet)


def test_a_filled_honeypot_stops_a_sign_up(db):
    response = sign_up(website="http://example.com/")
    assert response.status_code == 200
    assert HONEYPOT_REFUSAL in page_text(response)
    assert not User.objects.exists()


def test_an_empty_honeypot_lets_a_sign_up_through(db):
    assert sign_up(website="").status_code == 302
    assert User.objects.filter(username="maren").exists()


def test_a_filled_honeypot_stops_an_invitation_request(invite_mode):
    assert honeypot_input(Client().get("/join/").content.decode())
    response = join("maren@example.com", website="http://example.com/")
    assert HONEYPOT_REFUSAL in page_text(response)
    assert not InvitationRequest.objects.exists()


def test_a_filled_honeypot_stops_a_members_comment(alice, bob):
    work = make_work(alice)
    page = client_for(bob).get(f"/works/{work.pk}/").content.decode()
    assert honeypot_input(page)
    response = comment(client_for(bob), work, website="buy things")
    assert response.status_code == 400
    assert HONEYPOT_REFUSAL in page_text(response)
    assert not Comment.objects.exists()


def test_a_filled_honeypot_stops_a_guest_comment(alice):
    work = make_work(alice)
    assert honeypot_input(Client().get(f"/works/{work.pk}/").content.decode())
    response = comment(Client(), work, website="buy things", **GUEST)
    assert HONEYPOT_REFUSAL in page_text(response)
    assert not Comment.objects.exists()


def test_a_filled_honeypot_stops_a_reply(alice, bob):
    work = make_work(alice)
    comment(client_for(bob), work)
    parent = Comment.objects.get()
    response = client_for(alice).post(
        f"/comments/{parent.pk}/reply/", {"body": "Thank you!", "website": "x"}
    )
    assert HONEYPOT_REFUSAL in page_text(response)
    assert Comment.objects.count() == 1


# -- rate limits ----------------------------------------------------------------------------


def test_the_default_limits(settings):
    assert (settings.COMMENT_RATE_LIMIT, settings.COMMENT_RATE_LIMIT_SECONDS) == (10, 600)
    assert (settings.SIGNUP_RATE_LIMIT, settings.SIGNUP_RATE_LIMIT_SECONDS) == (5, 3600)
    assert settings.INVITE_REQUEST_RATE_LIMIT == 5
    assert settings.INVITE_REQUEST_RATE_LIMIT_SECONDS == 3600


def test_a_member_over_the_comment_limit_is_asked_to_wait(settings, alice, bob):
    settings.COMMENT_RATE_LIMIT = 2
    work = make_work(alice)
    client = client_for(bob)
    for n in range(2):
        assert "Comment created!" in page_text(comment(client, work, f"Thought {n}."))
    refused = comment(client, work, "One thought too many.")
    assert refused.status_code == 400
    assert "You have commented too often. Please wait 10 minutes and try again." in page_text(
        refused
    )
    assert Comment.objects.count() == 2
    assert "One thought too many." in refused.content.decode()  # the text is kept in the form


def test_the_comment_limit_counts_replies_and_each_member_apart(settings, alice, bob, carol):
    settings.COMMENT_RATE_LIMIT = 1
    work = make_work(alice)
    comment(client_for(bob), work)
    parent = Comment.objects.get()
    reply = client_for(bob).post(f"/comments/{parent.pk}/reply/", {"body": "And more."})
    assert "You have commented too often." in page_text(reply)
    assert "Comment created!" in page_text(comment(client_for(carol), work))
    assert Comment.objects.count() == 2


def test_guests_are_limited_per_address(settings, alice):
    settings.COMMENT_RATE_LIMIT = 1
    work = make_work(alice)
    comment(Client(REMOTE_ADDR="198.51.100.1"), work, **GUEST)
    other_name = {"guest_name": "Ash", "guest_email": "ash@example.com"}
    refused = comment(Client(REMOTE_ADDR="198.51.100.1"), work, **other_name)
    assert "You have commented too often." in page_text(refused)
    elsewhere = comment(Client(REMOTE_ADDR="198.51.100.2"), work, **other_name)
    assert "Comment created!" in page_text(elsewhere)
    assert Comment.objects.count() == 2


def test_the_comment_limit_ends_with_its_window(settings, alice, bob):
    settings.COMMENT_RATE_LIMIT, settings.COMMENT_RATE_LIMIT_SECONDS = 1, 1
    work = make_work(alice)
    comment(client_for(bob), work, "First.")
    assert "Please wait 1 second" in page_text(comment(client_for(bob), work, "Second."))
    time.sleep(1.1)
    assert "Comment created!" in page_text(comment(client_for(bob), work, "Third."))
    assert [c.body for c in Comment.objects.order_by("pk")] == ["<p>First.</p>", "<p>Third.</p>"]


def test_a_comment_limit_of_0_is_off(settings, alice, bob):
    settings.COMMENT_RATE_LIMIT = 0
    work = make_work(alice)
    for n in range(12):
        comment(client_for(bob), work, f"Thought {n}.")
    assert Comment.objects.count() == 12


def test_the_api_answers_429_with_retry_after_over_the_comment_limit(settings, alice, bob):
    settings.COMMENT_RATE_LIMIT = 2
    work = make_work(alice)
    comment(client_for(bob), work)  # the site and the API share one count
    headers = bearer(bob, "write")
    assert api_comment(work, headers).status_code == 201
    refused = api_comment(work, headers)
    assert refused.status_code == 429
    assert 590 <= int(refused["Retry-After"]) <= 600
    assert refused.json()["message"] == (
        "You have commented too often. Please wait 10 minutes and try again."
    )
    assert Comment.objects.count() == 2


def test_sign_ups_are_limited_per_address(settings, db):
    settings.SIGNUP_RATE_LIMIT = 2
    assert sign_up("maren").status_code == 302
    assert sign_up("tobin").status_code == 302
    refused = sign_up("ilsa")
    assert refused.status_code == 200
    assert "You have tried to sign up too often. Please wait 60 minutes and try again." in (
        page_text(refused)
    )
    assert not User.objects.filter(username="ilsa").exists()
    assert sign_up("ilsa", address="192.0.2.9").status_code == 302


def test_the_sign_up_limit_ends_with_its_window(settings, db):
    settings.SIGNUP_RATE_LIMIT, settings.SIGNUP_RATE_LIMIT_SECONDS = 1, 1
    sign_up("maren")
    assert "Please wait 1 second" in page_text(sign_up("tobin"))
    time.sleep(1.1)
    assert sign_up("tobin").status_code == 302


def test_invitation_requests_are_limited_per_address(settings, invite_mode):
    settings.INVITE_REQUEST_RATE_LIMIT = 2
    join("one@example.com")
    join("two@example.com")
    refused = join("three@example.com")
    assert "You have asked for invitations too often. Please wait 60 minutes" in page_text(refused)
    assert InvitationRequest.objects.count() == 2
    join("three@example.com", address="192.0.2.9")
    assert InvitationRequest.objects.count() == 3


def test_the_invitation_request_limit_ends_with_its_window(settings, invite_mode):
    settings.INVITE_REQUEST_RATE_LIMIT, settings.INVITE_REQUEST_RATE_LIMIT_SECONDS = 1, 1
    join("one@example.com")
    assert "Please wait 1 second" in page_text(join("two@example.com"))
    time.sleep(1.1)
    join("two@example.com")
    assert InvitationRequest.objects.count() == 2
