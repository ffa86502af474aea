"""A reader leaves kudos, a comment and a bookmark; the author replies from the inbox; a
guest sees the thread. In a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, make_user, make_work

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page: Page, username: str) -> None:
    page.goto("/account/login/")
    page.get_by_label(re.compile("^User name")).fill(username)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log In").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_kudos_comment_reply_and_bookmark(page: Page, live_server, browser_log, alice, screenshots):
    make_user("bob")
    work = make_work(alice, "Lanterns on the Quay")

    log_in(page, "bob")
    page.goto(f"/works/{work.pk}/")
    page.get_by_role("button", name="Kudos ♥").click()
    expect(page.locator("#kudos")).to_have_text("bob left kudos on this work!")

    page.get_by_role("textbox", name="Comment:").fill("The lantern scene made me smile.")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_text("Comment created!")).to_be_visible()
    expect(page.locator(".comment blockquote")).to_have_text("The lantern scene made me smile.")

    page.get_by_role("link", name="Bookmark", exact=True).click()
    page.get_by_label(re.compile("^Notes")).fill("A calm evening read.")
    page.get_by_label(re.compile("^Your tags")).fill("comfort read")
    page.get_by_label(re.compile("^Rec")).check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("Bookmark was successfully saved.")).to_be_visible()
    log_out(page)

    log_in(page, "alice")
    expect(page.get_by_role("link", name=re.compile(r"Inbox \(1 unread\)"))).to_be_visible()
    page.get_by_role("link", name=re.compile("^Inbox")).click()
    page.locator("summary", has_text="Reply").click()
    page.get_by_label("Your reply").fill("Thank you for reading!")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_text("Comment created!")).to_be_visible()
    log_out(page)

    page.goto(f"/works/{work.pk}/")
    thread = page.locator("#comments > ol.thread > li.comment")
    expect(thread.locator("> blockquote")).to_have_text("The lantern scene made me smile.")
    expect(thread.locator("ol.thread li.comment blockquote")).to_have_text("Thank you for reading!")
    expect(page.locator("#kudos")).to_have_text("bob left kudos on this work!")
    page.locator("#feedback").screenshot(path=screenshots / "work-feedback.png")
    page.get_by_role("link", name="Bookmarks (1)").click()
    expect(page.get_by_text("A calm evening read.")).to_be_visible()

    browser_log.assert_only_local(live_server.url)
    browser_log.assert_no_errors()
