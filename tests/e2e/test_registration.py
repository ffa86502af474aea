"""Joining an invite-only archive in a real browser: the queue, the e-mailed link, the
sign-up; and the honeypot box, which people neither see nor reach with the keyboard."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from ficarchive.accounts import registration
from ficarchive.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def field(page: Page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def test_a_visitor_joins_the_queue_and_signs_up_with_the_link(page: Page, settings, browser_log):
    settings.REGISTRATION = "invite"
    page.goto("/")
    nav = page.get_by_role("navigation", name="Site")
    expect(nav.get_by_role("link", name="Sign up", exact=True)).to_have_count(0)
    nav.get_by_role("link", name="Get an invitation").click()

    # The honeypot is in the form but off screen, and Tab goes past it.
    honeypot = page.locator("#id_website")
    box = honeypot.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0
    field(page, "E-mail address").fill("ysolde@example.com")
    field(page, "E-mail address").press("Tab")
    expect(page.get_by_role("button", name="Add Me to the Queue")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You've joined the queue at position 1.")).to_be_visible()

    settings.SITE_URL = page.url.split("/join/")[0]
    registration.send_invitations(1)  # not in a transaction here: the e-mail goes at once
    [email] = mail.outbox
    [link] = re.findall(r"https?://\S+", email.body)
    page.goto(link)
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    expect(field(page, "E-mail address")).to_have_value("ysolde@example.com")
    field(page, "User name").fill("ysolde")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create Account").click()
    expect(page.get_by_role("heading", name="Hi, ysolde!")).to_be_visible()
    assert User.objects.get(username="ysolde").invitation.email == "ysolde@example.com"
    browser_log.assert_no_errors()
