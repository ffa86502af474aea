"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against pytest-django's
`live_server` (which also serves static files through django.contrib.staticfiles).

Playwright cannot download its own browsers here, so the tests use /usr/bin/chromium;
scripts/install-system-deps installs it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import make_work

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """One Chromium for the module, started once the test database exists.

    While Playwright's sync API is started, its asyncio event loop counts as running in the
    test thread, and that changes two things in Django:

    - it refuses database access ("You cannot call this from an async context"), hence
      DJANGO_ALLOW_ASYNC_UNSAFE. It is set only while the browser runs: set for the whole
      session it would leak into subprocesses (`check --deploy` fails on async.E001);
    - its per-thread connections turn per-async-context, so the test thread would get new
      connections, without the data that serialized_rollback restores. Putting back the
      connections the test database was set up on keeps one connection per database.
    """
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run scripts/install-system-deps to install Chromium."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    thread_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class BrowserLog:
    """Everything the page asked for, and anything that went wrong in it."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def record_response(self, response) -> None:
        # Chromium asks for /favicon.ico on its own, at a moment of its choosing; the archive
        # has none yet, and that 404 would make the tests flaky.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"HTTP {response.status} for {response.url}")

    def assert_only_local(self, base_url: str) -> None:
        assert self.requests, "the browser made no requests at all"
        elsewhere = [url for url in self.requests if not url.startswith(base_url + "/")]
        assert not elsewhere, f"requests left the archive: {elsewhere}"

    def assert_no_errors(self) -> None:
        assert not self.errors, f"the browser reported errors: {self.errors}"


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def context(browser, live_server, browser_log):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.on("request", lambda request: browser_log.requests.append(request.url))
    context.on("response", browser_log.record_response)
    yield context
    context.close()


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember a failed test so that `page` can take a screenshot of where it stopped."""
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture
def page(request, context, browser_log):
    failure_shot = SCREENSHOTS / f"failed-{request.node.name}.png"
    failure_shot.unlink(missing_ok=True)
    page = context.new_page()
    page.on("pageerror", lambda error: browser_log.errors.append(f"script error: {error}"))
    yield page
    if request.node.stash.get(FAILED, False):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=failure_shot, full_page=True)
        print(f"Screenshot of the page when the test failed: {failure_shot}")


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def harbour_work(alice):
    """A posted two-chapter work by alice, part 1 of a series, with a good spread of tags."""
    paragraph = (
        "The boats came in at dawn, one after another, and Maren counted the lanterns "
        "as they passed the breakwater. "
    )
    return make_work(
        alice,
        "What the Lanterns Saw Over the Long Grey Harbour",
        rating="Teen And Up Audiences",
        categories=("Gen",),
        relationships=("Maren Vell & the Harbourmaster",),
        characters=("Maren Vell", "The Harbourmaster", "Old Tobin"),
        additional=("Slow Burn", "Found Family", "Lighthouses", "Extremely Long Tag About Tides"),
        chapters=("\n\n".join([paragraph * 4] * 6), "\n\n".join([paragraph * 3] * 5)),
        series="The Harbour Cycle",
        expected_chapters=3,
        summary="<p>Maren keeps the lanterns lit through a winter of storms.</p>",
        notes="<p>Thanks to everyone who read the first drafts.</p>",
    )
