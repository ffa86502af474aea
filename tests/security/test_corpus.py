"""The corpus itself, and each of its payloads on its own through the cheap paths: the
sanitiser, the plain-text rendering of titles and form values, tag and pseud name checks,
the Atom feed writer and the e-book XHTML writer.

test_every_field.py sends the same payloads through the site's forms, API and importers,
batched, and reads every page they reach.
"""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import engines
from django.test import Client

from ficarchive.accounts.validators import validate_pseud_name
from ficarchive.api.feeds import XmlSafeAtom1Feed
from ficarchive.community.models import InboxItem
from ficarchive.formats.export.xhtml import to_xhtml
from ficarchive.formats.sanitize import sanitize_html
from ficarchive.tags.models import validate_tag_name
from ficarchive.works.models import Work
from tests.conftest import client_for, make_work
from tests.security.checks import fragment_dangers, page_dangers, visible_text, xml_dangers
from tests.security.corpus import families, payloads, sample

PAYLOADS = payloads()
IDS = [payload.name for payload in PAYLOADS]
# The families issue 8 names, each of which needs real depth in the corpus.
REQUIRED_FAMILIES = {
    "script-tags": 25, "event-handlers": 40, "url-schemes": 50, "broken-markup": 20,
    "comments-cdata": 10, "svg": 20, "mathml": 10, "attribute-breakouts": 20, "css": 20,
    "frames-objects-forms-meta": 25, "mxss-template-noscript": 15, "unicode-nullbyte": 20,
}  # fmt: skip


def test_the_corpus_has_at_least_300_distinct_payloads():
    texts = [payload.text for payload in PAYLOADS]
    assert len(texts) >= 300
    assert len(set(texts)) == len(texts), "a payload is listed twice"


def test_every_family_is_well_covered():
    sizes = {name: len(members) for name, members in families().items()}
    for family, least in REQUIRED_FAMILIES.items():
        assert sizes.get(family, 0) >= least, f"{family}: {sizes.get(family, 0)} < {least}"


def test_the_checker_sees_a_live_payload():
    """The checks must be able to fail: raw payloads, unsanitised, are caught."""
    caught = [p for p in PAYLOADS if fragment_dangers(p.text)]
    assert len(caught) > 0.8 * len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_the_sanitiser_leaves_nothing_live_and_is_stable(payload):
    for allow_classes in (True, False):
        clean = sanitize_html(payload.text, allow_classes=allow_classes)
        assert fragment_dangers(clean) == [], clean
        assert sanitize_html(clean, allow_classes=allow_classes) == clean


ENGINE = engines["django"]
PLAIN_TEXT = ENGINE.from_string(
    '<h2 class="title">{{ value }}</h2><a href="/x/" title="{{ value }}">x</a>'
    '<p>Part 1 of <a href="/series/1/">{{ value }}</a></p>{{ field }}{{ area }}'
)


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_plain_text_shows_as_typed_in_text_attributes_and_form_fields(payload):
    """Titles, tag names, bylines: escaped into text, attribute values and form inputs."""
    value = payload.text
    page = PLAIN_TEXT.render({
        "value": value,
        "field": forms.TextInput().render("title", value),
        "area": forms.Textarea().render("summary", value),
    })  # fmt: skip
    assert page_dangers(f"<html><body>{page}</body></html>") == []
    shown = value.replace("\r", "\n").replace("\x00", "\ufffd").strip()  # as parsers show NUL
    assert shown in visible_text(f"<html><body>{page}</body></html>")


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_names_refuse_markup(payload):
    """Pseud names take letters, digits, spaces and hyphens; tags refuse < > and friends."""
    with pytest.raises(ValidationError):
        validate_pseud_name(payload.text)
    if any(character in payload.text for character in "<>"):
        with pytest.raises(ValidationError, match="contains a character tags"):
            validate_tag_name(payload.text)


def test_the_atom_writer_keeps_every_payload_as_text():
    feed = XmlSafeAtom1Feed(title="Hostile", link="/", description="All of them")
    for payload in PAYLOADS:
        feed.add_item(
            title=payload.text,
            link="/works/1/",
            description=sanitize_html(payload.text),
            categories=[payload.text],
        )
    document = feed.writeString("utf-8").encode()
    assert xml_dangers(document) == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_the_ebook_writer_keeps_every_payload_inert(payload):
    body = to_xhtml(sanitize_html(payload.text))
    document = f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>'
    assert xml_dangers(document.encode()) == []


# -- through the forms, one by one where it is cheap ----------------------------------------

NUL_PAYLOADS = [p for p in PAYLOADS if "\x00" in p.text]


@pytest.mark.parametrize("payload", NUL_PAYLOADS, ids=[p.name for p in NUL_PAYLOADS])
def test_a_nul_character_is_refused_politely_and_nothing_is_saved(alice, payload):
    response = client_for(alice).post("/works/new/", {"title": payload.text, "text": payload.text})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert page_dangers(response.content) == []
    assert not Work.objects.exists()


@pytest.mark.parametrize("payload", sample(per_family=2), ids=lambda p: p.name)
def test_a_hostile_search_is_echoed_inertly(db, payload):
    for url in ["/search/", "/works/"]:
        response = Client().get(url, {"q": payload.text.replace("\x00", "")})
        assert response.status_code == 200
        assert page_dangers(response.content) == []


# -- regressions: control characters used to break XML outputs ------------------------------


def test_a_title_with_a_control_character_does_not_break_the_feeds(alice):
    """A form feed in a title made the creator's Atom feed fail with a server error."""
    work = make_work(alice, "Form\x0cfeed <b>title</b>", summary="<p>Sum\x0bmary</p>",
                     series="Bell\x01 series")  # fmt: skip
    series = work.series_memberships.get().series
    for url in ["/users/alice/works/feed.atom", f"/series/{series.pk}/feed.atom", "/opds/new/",
                "/opds/series/", f"/opds/series/{series.pk}/"]:  # fmt: skip
        response = Client().get(url)
        assert response.status_code == 200, url
        assert xml_dangers(response.content) == [], url
        shown = b"Bell series" if url == "/opds/series/" else b"Formfeed &lt;b&gt;title&lt;/b&gt;"
        assert shown in response.content, url


def test_an_opds_search_with_a_control_character_stays_readable(db):
    response = Client().get("/opds/search/", {"q": "harbour\x0c<script>"})
    assert response.status_code == 200
    assert xml_dangers(response.content) == []


def test_a_comment_on_a_work_with_long_titles_reaches_the_inbox(alice):
    """The inbox message quotes the commenter's name, the work's title and the chapter's
    title; together they can pass the 500 characters its column holds, and PostgreSQL then
    refused the message and failed the comment with a server error."""
    work = make_work(alice, "T" * 255, chapters=("First chapter text.", "Second chapter text."))
    chapter = work.chapters.get(position=2)
    chapter.title = "C" * 255
    chapter.save()
    guest = {"body": "A kind word.", "guest_name": "G" * 100, "guest_email": "g@example.com"}
    response = Client().post(f"/works/{work.pk}/chapters/{chapter.pk}/comments/", guest)
    assert response.status_code == 302
    [item] = InboxItem.objects.filter(user=alice)
    assert len(item.text) == 500 and item.text.endswith("…")
    assert item.text.startswith("G" * 100 + " left a comment on " + "T" * 255)
