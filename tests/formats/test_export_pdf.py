"""The PDF download: a real PDF with the work's metadata, one bookmark per chapter, chapters
on new pages, and no network access; and a clear error where WeasyPrint can't load."""

from __future__ import annotations

import re
import sys
import zlib

import pytest

from ficarchive.formats.export import FORMATS, pdf
from ficarchive.formats.work import FormatError, ParsedChapter
from tests.formats.test_export_samples import CTX, HOSTILE_TITLE, RICH_HTML, make_work

needs_weasyprint = pytest.mark.skipif(not pdf.available(), reason="WeasyPrint can't load here")


def pdf_strings(data: bytes) -> list[str]:
    """Every literal or hex string that follows a /Title or /Author key, in the file and in
    its compressed object streams (crude, but enough for metadata and outlines)."""
    chunks = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    found = []
    for chunk in chunks:
        for key, literal, hexa in re.findall(
            rb"/(Title|Author)\s*(?:\(((?:\\.|[^\\)])*)\)|<([0-9A-Fa-f]*)>)", chunk
        ):
            if hexa:
                raw = bytes.fromhex(hexa.decode())
                text = raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode()
            else:
                text = re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1")
            found.append(f"{key.decode()}={text}")
    return found


@needs_weasyprint
def test_pdf_with_metadata_bookmarks_and_chapter_pages():
    work = make_work(title="Ça va: The Lighthouse Keeper", summary=RICH_HTML)
    # Authors may borrow our class names; only our own blocks make bookmarks and pages.
    work.chapters[0].text += '<div class="chapter"><div class="meta"><h2 class="heading">No</h2>'
    document = pdf.layout(work, CTX)
    bookmarks = document.make_bookmark_tree()
    labels = [mark[0] for mark in bookmarks]
    assert labels == [
        "Ça va: The Lighthouse Keeper",
        "Chapter 1: Arrival",
        "Chapter 2",
        "Chapter 3: Storm",
        "Afterword",
    ]
    assert all(mark[2] == [] for mark in bookmarks)  # headings in the text aren't bookmarks
    pages = [mark[1][0] for mark in bookmarks]
    assert pages == sorted(set(pages))  # every chapter starts its own page
    assert document.metadata.title == "Ça va: The Lighthouse Keeper"
    assert document.metadata.authors == ["Maren, Tobin"]

    data = document.write_pdf()
    assert data.startswith(b"%PDF-")
    strings = pdf_strings(data)
    assert "Title=Ça va: The Lighthouse Keeper" in strings
    assert "Author=Maren, Tobin" in strings
    for label in labels[1:]:
        assert f"Title={label}" in strings  # outline entries


@needs_weasyprint
def test_render_through_the_registry_escapes_and_fetches_nothing(monkeypatch):
    fetched = []
    monkeypatch.setattr(pdf, "_refuse", lambda url, *a, **k: fetched.append(url) or 1 / 0)
    work = make_work(
        title=HOSTILE_TITLE,
        chapters=[ParsedChapter(title="Only", text=RICH_HTML)],
        language="ja",
    )
    source = pdf.source(work, CTX)
    assert "<img" not in source and "<script" not in source
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="ja" xml:lang="ja">' in source
    data = FORMATS["pdf"].render(work, CTX)
    assert data.startswith(b"%PDF-")
    assert fetched == []
    assert f"Title={HOSTILE_TITLE}" in pdf_strings(data)


def test_refusing_fetcher():
    with pytest.raises(ValueError, match="don't fetch"):
        pdf._refuse("https://example.org/a.png")


def test_unavailable_without_weasyprint(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # makes `import weasyprint` fail
    pdf.available.cache_clear()
    try:
        assert pdf.available() is False
        assert FORMATS["pdf"].available() is False
        with pytest.raises(FormatError, match="WeasyPrint"):
            FORMATS["pdf"].render(make_work(), CTX)
    finally:
        monkeypatch.undo()
        pdf.available.cache_clear()
