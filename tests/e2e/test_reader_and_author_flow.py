"""A newcomer signs up and posts a two-chapter work; a guest reads it. Plus keyboard use and
phone-width layout, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ficarchive.accounts.models import User
from ficarchive.works.models import Work
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    # The live server runs in another thread, so the tests need real transactions; the
    # serialized rollback brings back the fixed tags (ratings, warnings) after each flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
HEADER_CLIP = {"x": 0, "y": 0, "width": 1280, "height": 120}
TITLE = "The Lamplighter's Winter"
CHAPTER_ONE = "Snow came early to Lanternwick, and Ysolde lit the harbour lamps alone."
CHAPTER_TWO = "By midwinter the ships had stopped coming, but the lamps still burned."
GATE_TEXT = (
    "This work could have adult content. If you continue, you have agreed that you are "
    "willing to see such content."
)
ACCENT = "rgb(138, 26, 26)"  # --accent in site.css, the header's background


def site_nav(page: Page):
    return page.get_by_role("navigation", name="Site")


def field(page: Page, label: str):
    """The form field with exactly this label (Django adds a ":" to labels)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_newcomer_posts_a_work_and_a_guest_reads_it(page: Page, live_server, browser_log):
    # The home page, styled by the archive's own stylesheet.
    page.goto("/")
    header = page.get_by_role("banner")
    expect(header).to_have_css("background-color", ACCENT)

    # A newcomer signs up.
    site_nav(page).get_by_role("link", name="Sign up", exact=True).click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    field(page, "User name").fill("ysolde")
    field(page, "E-mail address").fill("ysolde@example.com")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create Account").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, ysolde! Your account is ready.")
    assert User.objects.filter(username="ysolde", email="ysolde@example.com").exists()

    # She posts a new work, starting a series.
    site_nav(page).get_by_role("link", name="Post New Work").click()
    expect(page.get_by_role("heading", name="Post New Work")).to_be_visible()
    page.get_by_role("radio", name="Mature").check()
    page.get_by_role("checkbox", name="No Archive Warnings Apply").check()
    field(page, "Fandoms").fill("Lanternwick Chronicles")
    field(page, "Characters").fill("Ysolde Marr")
    field(page, "Additional tags").fill("Winter")
    field(page, "Title").fill(TITLE)
    field(page, "…or start a new series").fill("The Harbour Cycle")
    field(page, "Expected number of chapters").fill("2")
    field(page, "Chapter title").fill("First Snow")
    field(page, "Work text").fill(CHAPTER_ONE)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Work was successfully posted.")
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    work = Work.objects.get(title=TITLE)
    work_url = live_server.url + work.get_absolute_url()

    # ...and adds a second chapter.
    page.get_by_role("navigation", name="Work actions").get_by_role(
        "link", name="Add Chapter"
    ).click()
    field(page, "Title").fill("Midwinter")
    field(page, "Chapter text").fill(CHAPTER_TWO)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Chapter was successfully posted.")
    assert work.chapters.count() == 2

    # She logs out.
    site_nav(page).get_by_role("button", name="Log out").click()
    expect(site_nav(page).get_by_role("link", name="Log in")).to_be_visible()

    # A guest opens the work and meets the adult-content gate.
    page.goto(work_url)
    expect(page.get_by_role("alert")).to_have_text(GATE_TEXT)
    work_info = page.get_by_label("Work information")
    for shown in ["Mature", "No Archive Warnings Apply", "Ysolde Marr", "Winter"]:
        expect(work_info).to_contain_text(shown)
    expect(work_info).to_contain_text(re.compile(r"Chapters:\s*2/2"))
    expect(page.get_by_text(CHAPTER_ONE)).to_have_count(0)
    page.get_by_role("link", name="Yes, Continue").click()

    # Chapter 1, then chapter 2.
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Chapter 1: First Snow")).to_be_visible()
    expect(page.get_by_text(CHAPTER_ONE)).to_be_visible()
    chapters = page.get_by_role("navigation", name="Chapters").first
    chapters.get_by_role("link", name="Next Chapter →").click()
    expect(page.get_by_role("heading", name="Chapter 2: Midwinter")).to_be_visible()
    expect(page.get_by_text(CHAPTER_TWO)).to_be_visible()
    expect(page.get_by_text(CHAPTER_ONE)).to_have_count(0)
    expect(page.get_by_role("navigation", name="Series The Harbour Cycle")).to_contain_text(
        "Part 1 of The Harbour Cycle"
    )

    # The work is listed under its fandom.
    site_nav(page).get_by_role("link", name="Fandoms").click()
    page.get_by_role("main").get_by_role("link", name="Lanternwick Chronicles").click()
    expect(page.get_by_role("heading", name="Works in Lanternwick Chronicles")).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()

    # Every request stayed on this archive, and nothing failed.
    browser_log.assert_only_local(live_server.url)
    assert any(url.endswith("/static/ficarchive/site.css") for url in browser_log.requests)
    browser_log.assert_no_errors()


def focus_ring(page: Page) -> dict:
    """What has keyboard focus, and the outline the browser draws around it."""
    return page.evaluate(
        """() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return {tag: el.tagName, text: el.textContent.trim().slice(0, 40),
                    style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
        }"""
    )


def assert_visible_focus(ring: dict) -> None:
    # Chromium's own focus ring is a 1px "auto" outline; the archive's is 3px solid.
    assert ring["style"] != "none", f"no focus outline on {ring}"
    assert ring["width"] >= 2, f"focus outline too thin on {ring}"


def test_keyboard_users_can_skip_to_content_and_see_focus(
    page: Page, live_server, browser_log, harbour_work, screenshots
):
    page.goto(harbour_work.get_absolute_url())

    # The first Tab lands on "Skip to content", which comes into view with a focus ring.
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport(ratio=1)
    assert_visible_focus(focus_ring(page))
    page.screenshot(path=screenshots / "keyboard-skip-link.png", clip=HEADER_CLIP)

    # The next Tab reaches the header's links.
    page.keyboard.press("Tab")
    expect(page.get_by_role("banner").get_by_role("link").first).to_be_focused()
    assert_visible_focus(focus_ring(page))
    page.screenshot(path=screenshots / "keyboard-focus-header.png", clip=HEADER_CLIP)

    # Following "Skip to content" moves focus to the main content.
    page.keyboard.press("Shift+Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    assert page.evaluate("location.hash") == "#main"

    # From there, every link reached by Tab shows a visible focus ring.
    for _ in range(5):
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        assert ring["tag"] in {"A", "BUTTON"}, ring
        assert_visible_focus(ring)

    browser_log.assert_only_local(live_server.url)
    browser_log.assert_no_errors()


def test_work_page_and_posting_form_fit_a_phone(
    page: Page, live_server, browser_log, harbour_work, screenshots
):
    work_path = harbour_work.get_absolute_url()

    page.set_viewport_size(PHONE)
    page.goto(work_path)
    expect(page.get_by_role("heading", name=harbour_work.title, level=1)).to_be_visible()
    assert no_horizontal_scroll(page), "the work page scrolls sideways at 375px"
    page.screenshot(path=screenshots / "work-phone.png", full_page=True)

    page.goto(work_path + "?view_full_work=true")
    assert no_horizontal_scroll(page), "the entire-work page scrolls sideways at 375px"

    page.set_viewport_size(DESKTOP)
    page.goto(work_path)
    page.screenshot(path=screenshots / "work-desktop.png", full_page=True)

    # Log in as the author and open the posting form.
    page.goto("/account/login/?next=/works/new/")
    field(page, "User name").fill("alice")
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Log In").click()
    expect(page.get_by_role("heading", name="Post New Work")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/works/new/$"))
    page.screenshot(path=screenshots / "post-form-desktop.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    assert no_horizontal_scroll(page), "the posting form scrolls sideways at 375px"
    page.screenshot(path=screenshots / "post-form-phone.png", full_page=True)

    browser_log.assert_only_local(live_server.url)
    browser_log.assert_no_errors()
