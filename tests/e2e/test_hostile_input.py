"""A sample of the hostile-input corpus (tests/security/xss_payloads.txt), typed through the
real forms and shown in Chromium: no payload may open a dialog or break the Content
Security Policy. tests/security/ parses the same pages for every payload; this checks that
a real browser agrees on a spread of them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from ficarchive.works.models import Work
from tests.conftest import client_for, make_user
from tests.e2e.test_content_security_policy import RECORD_VIOLATIONS
from tests.security.corpus import Payload, sample
from tests.security.test_every_field import (
    TITLE_MAX,
    ok,
    packed,
    post_joined_texts,
    work_form,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAMPLE = sample(per_family=3)
LIVE_PAYLOAD = """() => {
  const image = document.createElement("img");
  image.setAttribute("onerror", "alert('a payload ran')");
  image.src = "/no-such-image.png";
  document.body.append(image);
}"""


def post_sample(batch: list[Payload]) -> dict:
    alice, bob = make_user("alice"), make_user("bob")
    make_user("carol")
    client, pseud = client_for(alice), alice.default_pseud.pk
    for group in packed(batch, TITLE_MAX):
        ok(client.post("/works/new/", {**work_form(group), "creators": [pseud]}))
    works = list(Work.objects.order_by("pk"))
    extra = post_joined_texts(alice, bob, batch[:12], works[0])
    return {"works": works, **extra}


def test_a_sample_of_the_corpus_opens_no_dialog_in_chromium(page: Page, live_server):
    assert len(SAMPLE) >= 30
    assert len({payload.family for payload in SAMPLE}) >= 12
    posted = post_sample(SAMPLE)
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(f"{page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.add_init_script(RECORD_VIOLATIONS)

    # The listener must be able to see a dialog at all.
    page.goto("/")
    page.evaluate("() => alert('the listener works')")
    assert dialogs == [f"{live_server.url}/: alert 'the listener works'"]
    dialogs.clear()
    # ... and a live payload, had one got through, would be blocked and reported by the CSP.
    page.evaluate(LIVE_PAYLOAD)
    page.wait_for_function("window.__cspViolations.length > 0")

    first, series, comment = posted["works"][0], posted["series"], posted["comment"]
    chapter = first.chapters.first()
    paths = [
        "/", "/works/", "/users/alice/", "/users/alice/works/", "/users/alice/series/",
        f"/series/{series.pk}/", f"/works/{first.pk}/chapters/{chapter.pk}/",
        f"/comments/{comment.pk}/", "/users/bob/bookmarks/", "/search/?q=harmless",
        *(f"/works/{work.pk}/?view_full_work=true" for work in posted["works"]),
    ]  # fmt: skip
    violations = []
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        page.keyboard.press("Tab")  # anything autofocus-able or focus-triggered gets its turn
        page.mouse.move(300, 300)
        page.mouse.move(600, 500)
        violations += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]

    assert dialogs == []
    assert violations == []
