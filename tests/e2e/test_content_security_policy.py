"""The main pages, loaded in Chromium with the Content Security Policy enforced, break no
rule of it: nothing inline, nothing from elsewhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.conftest import make_user
from tests.e2e.test_feedback import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# securitypolicyviolation events, gathered on every page before its own scripts run.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def visit(page: Page, path: str) -> list[str]:
    response = page.goto(path)
    assert response.status < 400, f"{path}: HTTP {response.status}"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    return [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]


def test_main_pages_break_no_rule_of_the_policy(page: Page, live_server, browser_log, harbour_work):
    make_user("bob")
    make_user("keeper", is_staff=True, is_superuser=True)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    chapter = harbour_work.chapters.first()
    guest_pages = [
        "/",
        "/works/",
        "/search/?q=lanterns",
        f"/works/{harbour_work.pk}/",
        f"/works/{harbour_work.pk}/chapters/{chapter.pk}/",
        f"/works/{harbour_work.pk}/?view_full_work=true",
        "/tags/Lanternwick%20Chronicles/works/",
        "/users/alice/",
        "/account/login/",
    ]
    violations = []
    for path in guest_pages:
        violations += visit(page, path)
    log_in(page, "bob")
    for path in ["/works/new/", "/works/import/", "/works/", "/account/preferences/"]:
        violations += visit(page, path)
    page.get_by_role("button", name="Log out").click()
    log_in(page, "keeper")
    for path in ["/admin/", "/admin/works/work/", f"/admin/works/work/{harbour_work.pk}/change/"]:
        violations += visit(page, path)

    assert violations == []
    assert console == []
    browser_log.assert_no_errors()
    browser_log.assert_only_local(live_server.url)
