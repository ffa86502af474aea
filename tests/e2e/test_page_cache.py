"""A guest's browser gets a stored copy of a work page, leaves kudos and a comment from it,
and sees both at once. In a real browser."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import make_work

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_guest_leaves_kudos_and_a_comment_from_a_cached_page(
    page: Page, live_server, browser_log, alice, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    work = make_work(alice, "Lanterns on the Quay")
    path = f"/works/{work.pk}/"
    with urllib.request.urlopen(live_server.url + path) as first_guest:  # stores the page
        assert first_guest.headers["X-Page-Cache"] == "miss"

    response = page.goto(path)
    assert response.headers["x-page-cache"] == "hit"
    page.get_by_role("button", name="Kudos ♥").click()
    expect(page.locator("#kudos")).to_have_text(re.compile("1 guest left kudos"))

    page.get_by_role("textbox", name="Comment:").fill("The quay at night was lovely.")
    page.get_by_label("Guest name").fill("Wren")
    page.get_by_label("Guest e-mail").fill("wren@example.com")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_text("Comment created!")).to_be_visible()

    page.context.clear_cookies()  # a guest again, with no message waiting
    response = page.goto(path)
    assert response.headers["x-page-cache"] == "miss"  # the kudos and comment changed it
    expect(page.locator(".comment blockquote")).to_have_text("The quay at night was lovely.")
    browser_log.assert_only_local(live_server.url)
    browser_log.assert_no_errors()
