"""Every payload of the corpus, typed into every text field people can fill in, stays inert
on every page, feed and download that shows it.

The corpus is cut into batches (as many payloads as fit a work summary). For each
batch: alice posts works through the work form, each holding as many payloads as its title
fits (title, summary, notes, end notes, first chapter's title and text, the four kinds of
typed tag, a new series' title), and pseuds whose descriptions (plain text; the default
pseud's is her profile) hold them all; the batch's payloads joined together go into a
second chapter (title, summary, notes, end notes, text), a series' summary and notes, a
guest's comment (and name), bob's comment and alice's reply, bob's bookmark (notes and
tags), carol's work, chapter, comment and bookmark through the token-authenticated API,
and three imported files (HTML, plain text, an AO3 HTML download) through the real import
pipeline. Then every page
is fetched and parsed (tests/security/checks.py). Plain-text fields (titles, tag names) must
also show the payload as text.
"""

from __future__ import annotations

import io
import re
import zipfile
from html import escape

import pytest
from django.test import Client
from django.utils import timezone

from ficarchive.api.tokens import create_token
from ficarchive.community.models import Comment
from ficarchive.tags.models import FORBIDDEN_TAG_CHARACTERS, TAG_NAME_MAX, Tag, tag_key
from ficarchive.works.models import TITLE_MAX, Series, Work
from tests.conftest import client_for, fixed
from tests.security.checks import page_dangers, visible_text, xml_dangers
from tests.security.corpus import Payload, batches

pytestmark = pytest.mark.django_db

BATCHES = batches(limit_chars=1200, limit_count=40)
PSEUD_DESCRIPTION_MAX = 500
STORY = "Harmless opening words of the story. "
_NOT_IN_TAGS = re.compile("[" + re.escape(FORBIDDEN_TAG_CHARACTERS) + "]")
KINDS = [("fandoms", ""), ("relationships", " rel"), ("characters", " char"),
         ("additional_tags", " add")]  # fmt: skip


def typed(payload: Payload) -> str:
    """What a form keeps: NUL is refused on its own (test_corpus.py), so it is left out."""
    return payload.text.replace("\x00", "")


def tag_text(payload: Payload) -> str:
    """The payload as a tag can hold it: tags refuse , ^ * < > { } = ` \\ % outright."""
    words = " ".join(_NOT_IN_TAGS.sub(" ", typed(payload)).split())
    return words[: TAG_NAME_MAX - 10].strip() or "Blank"


def joined(batch: list[Payload]) -> str:
    return "\n\n".join(typed(p) for p in batch)


def ok(response, status: int = 302):
    if response.status_code != status:
        content = response.content.decode(errors="replace")
        errors = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', content, re.S)
        pytest.fail(f"status {response.status_code}: {errors or content[:2000]}")
    return response


def packed(batch: list[Payload], limit: int) -> list[list[Payload]]:
    """The batch in groups whose texts, joined, fit a field of `limit` characters."""
    groups: list[list[Payload]] = [[]]
    for payload in batch:
        if groups[-1] and len(spaced(groups[-1] + [payload])) > limit:
            groups.append([])
        groups[-1].append(payload)
    return groups


def spaced(group: list[Payload]) -> str:
    """A one-line field (a title) holding several payloads."""
    return " ".join(typed(p) for p in group)


def work_form(group: list[Payload]) -> dict:
    title, text = spaced(group), joined(group)
    data = {
        "title": title, "summary": text, "notes": text, "end_notes": text,
        "rating": fixed("General Audiences").pk,
        "warnings": [fixed("No Archive Warnings Apply").pk], "new_series_title": title,
        "language": "en", "expected_chapters": "?",
        "published_on": timezone.localdate().isoformat(), "comment_permission": "everyone",
        "chapter_title": title, "text": STORY + text, "post": "1",
    }  # fmt: skip
    for field, suffix in KINDS:
        data[field] = ", ".join(dict.fromkeys(tag_text(p) + suffix for p in group))
    return data


def post_works(alice, groups: list[list[Payload]]) -> list[Work]:
    """One work (and a new series) per group: every payload in a title, tag and summary."""
    client, pseud = client_for(alice), alice.default_pseud.pk
    for group in groups:
        ok(client.post("/works/new/", {**work_form(group), "creators": [pseud]}))
    return list(Work.objects.filter(posted=True).order_by("pk"))


def post_joined_texts(alice, bob, batch: list[Payload], work: Work) -> dict:
    """The batch joined: chapter two, the series, profile, pseuds, comments, bookmark."""
    author, reader, text = client_for(alice), client_for(bob), joined(batch)
    chapter = {"title": typed(batch[-1]), "summary": text, "notes": text, "end_notes": text,
               "text": STORY + text}  # fmt: skip
    ok(author.post(f"/works/{work.pk}/chapters/new/", chapter))
    series = Series.objects.get(memberships__work=work)
    ok(author.post(f"/series/{series.pk}/edit/", {
        "series-title": series.title, "series-summary": text, "series-notes": text,
        f"order-position_{work.pk}": "1",
    }))  # fmt: skip
    # Pseud descriptions are plain text, shown on each pseud's page: the default pseud's
    # (her profile) takes the first group of payloads, new pseuds the others.
    pseuds = []
    for number, group in enumerate(packed(batch, PSEUD_DESCRIPTION_MAX)):
        pseud = alice.default_pseud if number == 0 else None
        url = f"/account/pseuds/{pseud.pk}/edit/" if pseud else "/account/pseuds/new/"
        name = "alice" if pseud else f"Pen {number}"
        ok(author.post(url, {"name": name, "description": spaced(group)}))
        pseuds.append((name, spaced(group)))
    refused = ok(author.post("/account/pseuds/new/", {"name": typed(batch[0])}), 200)
    first = work.chapters.get(position=1)
    ok(reader.post(f"/works/{work.pk}/chapters/{first.pk}/comments/", {"body": STORY + text}))
    comment = Comment.objects.get(work=work, user=bob)
    reply = "\n\n".join(typed(p) for p in reversed(batch))
    ok(author.post(f"/comments/{comment.pk}/reply/", {"body": STORY + reply}))
    guest = {
        "body": STORY + text,
        "guest_name": typed(batch[0])[:100],
        "guest_email": "g@example.com",
    }
    ok(Client().post(f"/works/{work.pk}/chapters/{first.pk}/comments/", guest))
    tags = ", ".join(dict.fromkeys(tag_text(p) for p in batch))
    ok(reader.post(f"/works/{work.pk}/bookmark/", {"notes": text, "tags": tags}))
    return {"series": series, "comment": comment, "refused_pseud": refused, "pseuds": pseuds}


def post_through_the_api(carol, batch: list[Payload], target: Work) -> Work:
    """carol writes a work, a chapter, a comment and a bookmark with a write token."""
    _, secret = create_token(carol, "hostile", "write")
    api, headers, text = Client(), {"Authorization": f"Bearer {secret}"}, joined(batch)

    def send(method: str, url: str, body: dict, status: int) -> dict:
        call = getattr(api, method)
        response = call(url, body, content_type="application/json", headers=headers)
        return ok(response, status).json()

    work = send("post", "/api/v1/works", {
        "title": spaced(batch)[:TITLE_MAX], "summary": text, "notes": text, "end_notes": text,
        "rating": "General Audiences", "warnings": ["No Archive Warnings Apply"],
        "fandoms": [tag_text(batch[0]) + " api"],
        "additional_tags": list(dict.fromkeys(tag_text(p) + " api add" for p in batch)),
        "chapter_title": typed(batch[-1]), "text": STORY + text, "post": True,
    }, 201)  # fmt: skip
    chapter = {"title": typed(batch[1 % len(batch)]), "summary": text, "notes": text,
               "end_notes": text, "text": STORY + text}  # fmt: skip
    send("post", f"/api/v1/works/{work['id']}/chapters", chapter, 201)
    first = target.chapters.get(position=1).pk
    send(
        "post", f"/api/v1/works/{target.pk}/chapters/{first}/comments", {"body": STORY + text}, 201
    )
    send("put", f"/api/v1/works/{target.pk}/bookmark", {"notes": text, "tags": []}, 200)
    return Work.objects.get(pk=work["id"])


# -- imported files -------------------------------------------------------------------------


def html_file(batch: list[Payload]) -> bytes:
    body = "".join(f"<p>{typed(p)}</p>\n" for p in batch)
    title = escape(typed(batch[0]))
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
            f"<h1>{title}</h1><p>{STORY}</p>{body}</body></html>").encode()  # fmt: skip


def text_file(batch: list[Payload]) -> bytes:
    return f"Title: {typed(batch[1 % len(batch)])}\n\n{STORY}\n\n{joined(batch)}".encode()


def ao3_download(batch: list[Payload]) -> bytes:
    """A file in the layout of an AO3 HTML download, every value hostile."""

    def tags(suffix: str) -> str:
        return ", ".join(f'<a href="https://archiveofourown.org/tags/x">'
                         f"{escape(tag_text(p) + suffix)}</a>" for p in batch)  # fmt: skip

    title, text = escape(typed(batch[-1])), joined(batch)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div id="preface"><p class="message"><b>{title}</b><br>Posted originally on the
<a href="https://archiveofourown.org/">Archive of Our Own</a> at
<a href="https://archiveofourown.org/works/1">https://archiveofourown.org/works/1</a>.</p>
<div class="meta"><dl class="tags">
<dt>Rating:</dt><dd><a href="https://archiveofourown.org/tags/x">General Audiences</a></dd>
<dt>Archive Warning:</dt><dd><a href="https://archiveofourown.org/tags/x">No Archive Warnings Apply</a></dd>
<dt>Fandom:</dt><dd>{tags(" imp")}</dd><dt>Additional Tags:</dt><dd>{tags(" imp add")}</dd>
<dt>Language:</dt><dd>English</dd>
<dt>Stats:</dt><dd>Published: 2024-01-10 Words: 100 Chapters: 1/1</dd></dl>
<h1>{title}</h1><div class="byline">by <a rel="author" href="https://archiveofourown.org/users/x">{title}</a></div>
<p>Summary</p><blockquote class="userstuff">{text}</blockquote>
<p>Notes</p><blockquote class="userstuff">{text}</blockquote></div></div>
<div id="chapters" class="userstuff"><div class="userstuff"><p>{STORY}</p>{text}</div></div>
<div id="afterword"><p class="message">Comments welcome.</p></div></body></html>""".encode()  # noqa: E501


def import_files(alice, batch: list[Payload]) -> list[Work]:
    """Upload the three files, check the page that shows what was found, then post them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(name, data) for name, data in [
        ("hostile.html", html_file(batch)), ("hostile.txt", text_file(batch)),
        ("download.html", ao3_download(batch)),
    ]]  # fmt: skip
    client = client_for(alice)
    before = set(Work.objects.values_list("pk", flat=True))
    preview = client.post("/works/import/", {"files": files, "fandoms": "Imported Fandom"},
                          follow=True)  # fmt: skip
    assert preview.status_code == 200
    assert page_dangers(preview.content) == [], "import preview"
    posted = client.post(preview.request["PATH_INFO"], {"confirm": "post"}, follow=True)
    imported = list(Work.objects.exclude(pk__in=before))
    refused = re.findall(r"Not imported[^<]*", posted.content.decode())
    # An unclosed <script> or <style> swallows the rest of a file, as it would in a browser:
    # then the AO3 layout has no chapter left, and the importer says so.
    assert refused in ([], ["Not imported: download.html: The file has no text."]), refused
    assert len(imported) == 3 - len(refused)
    return imported


# -- the pages ------------------------------------------------------------------------------


def tag_url(name: str) -> str:
    return Tag.objects.get(key=tag_key(name)).get_absolute_url()


def assert_page_inert(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: status {response.status_code}"
    found = page_dangers(response.content)
    assert found == [], f"{url}: {found}"
    return response.content.decode()


def assert_feed_inert(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: status {response.status_code}"
    found = xml_dangers(response.content)
    assert found == [], f"{url}: {found}"


def download(client: Client, work: Work, key: str) -> bytes:
    response = client.get(f"/downloads/{work.pk}/{key}/")
    assert response.status_code == 200, f"{key} download of {work.pk}: {response.status_code}"
    return b"".join(response.streaming_content)


def assert_downloads_inert(client: Client, work: Work) -> None:
    assert page_dangers(download(client, work, "html"), book=True) == [], (
        f"HTML download of {work.title!r}"
    )
    with zipfile.ZipFile(io.BytesIO(download(client, work, "epub"))) as book:
        for member in book.namelist():
            if member.endswith((".xhtml", ".opf", ".ncx", ".html")):
                found = xml_dangers(book.read(member))
                assert found == [], f"EPUB of {work.title!r}, {member}: {found}"


def shows_as_text(page: str, text: str) -> bool:
    return " ".join(text.split()) in " ".join(visible_text(page).split())


@pytest.mark.parametrize("number", range(len(BATCHES)), ids=lambda n: f"batch{n}")
def test_every_field_and_page_keeps_the_payloads_inert(alice, bob, carol, staff, number):
    batch = BATCHES[number]
    author = client_for(alice)
    groups = packed(batch, TITLE_MAX)
    works = post_works(alice, groups)
    assert len(works) == len(groups)
    first = works[0]
    extra = post_joined_texts(alice, bob, batch, first)
    assert page_dangers(extra["refused_pseud"].content) == [], "refused pseud name"
    api_work = post_through_the_api(carol, batch, first)
    imported = import_files(alice, batch)

    guest = Client()
    index = assert_page_inert(guest, "/users/alice/works/")
    series_index = assert_page_inert(guest, "/users/alice/series/")
    for number_in_batch, (group, work) in enumerate(zip(groups, works, strict=True)):
        page = assert_page_inert(guest, f"/works/{work.pk}/?view_full_work=true")
        for shown in [spaced(group).strip(), *(tag_text(p) for p in group)]:
            assert shows_as_text(page, shown), f"{shown!r} is not shown as typed"
        assert shows_as_text(index, spaced(group).strip()), "title missing from the index"
        assert shows_as_text(series_index, spaced(group).strip()), "series title missing"
        assert_downloads_inert(guest, work)
        _field, suffix = KINDS[(number + number_in_batch) % len(KINDS)]
        assert_page_inert(guest, tag_url(tag_text(group[0]) + suffix))

    second = first.chapters.get(position=2)
    comment = extra["comment"]
    series = extra["series"]
    fandom = tag_url(tag_text(batch[0]))
    for url in [
        "/", "/works/", "/fandoms/", "/users/alice/",
        f"/works/{first.pk}/chapters/{second.pk}/", f"/works/{first.pk}/navigate/",
        f"/works/{first.pk}/chapters/{first.chapters.get(position=1).pk}/",
        f"/works/{first.pk}/bookmarks/", f"/comments/{comment.pk}/", f"/series/{series.pk}/",
        "/users/bob/bookmarks/", "/users/carol/bookmarks/", "/users/carol/works/",
        f"/works/{api_work.pk}/?view_full_work=true", fandom, fandom.removesuffix("works/"),
        "/search/?q=harmless", "/search/?q=alert+script",
        *(f"/works/{work.pk}/?view_full_work=true" for work in imported),
    ]:  # fmt: skip
        assert_page_inert(guest, url)
    for name, description in extra["pseuds"]:
        page = assert_page_inert(guest, f"/users/alice/pseuds/{name}/")
        assert shows_as_text(page, description), f"pseud {name}'s description"
    for url in ["/account/", "/account/pseuds/", "/account/inbox/", f"/series/{series.pk}/edit/",
                f"/works/{first.pk}/edit/", f"/works/{first.pk}/chapters/{second.pk}/edit/",
                f"/comments/{comment.pk}/reply/"]:  # fmt: skip
        assert_page_inert(author, url)
    assert_page_inert(client_for(bob), "/account/history/")
    for work in [api_work, *imported]:
        assert_downloads_inert(guest, work)

    for url in ["/users/alice/works/feed.atom", f"/series/{series.pk}/feed.atom",
                f"{fandom}feed.atom", "/users/carol/works/feed.atom", "/opds/",
                "/opds/new/", "/opds/series/", f"/opds/series/{series.pk}/", "/opds/fandoms/",
                "/opds/tags/", "/opds/search/?q=harmless"]:  # fmt: skip
        assert_feed_inert(guest, url)
