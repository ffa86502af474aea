"""The HTML download: the AO3-style layout, escaping, and the registry of formats."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

import pytest

from ficarchive.formats.export import FORMATS, filename, html
from ficarchive.formats.export._language import language_name, language_tag
from ficarchive.formats.export.xhtml import to_xhtml
from ficarchive.formats.work import ParsedChapter
from tests.formats.test_export_samples import CTX, HOSTILE_TITLE, RICH_HTML, make_work


def page(work, ctx=CTX) -> str:
    data = FORMATS["html"].render(work, ctx)
    assert isinstance(data, bytes)
    return data.decode("utf-8")


def visible_text(markup: str) -> str:
    """The page's words: inline tags vanish, every other tag separates."""
    body = markup[markup.index("<body>") :]
    body = re.sub(r"</?(a|b|i|em|strong|span)\b[^>]*>", "", body)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def positions(text: str, *needles: str) -> list[int]:
    found = [text.find(needle) for needle in needles]
    assert -1 not in found, [n for n, i in zip(needles, found, strict=True) if i == -1]
    return found


def test_preface_lists_labels_in_order_with_stats():
    text = page(make_work())
    dl = text[text.index('<dl class="tags">') : text.index("</dl>")]
    labels = re.findall(r"<dt>([^<]*)</dt>", dl)
    assert labels == [
        "Rating:", "Archive Warning:", "Categories:", "Fandom:", "Relationship:",
        "Characters:", "Additional Tags:", "Language:", "Series:", "Stats:",
    ]  # fmt: skip
    assert "<dd>Part 2 of Harbour Lights</dd>" in dl
    assert "<dd>English</dd>" in dl
    assert "<dd>Maren, Wren, Tobin</dd>" in dl
    stats = re.search(r"<dt>Stats:</dt>\s*<dd>([^<]*)</dd>", dl).group(1)
    assert stats == "Published: 2024-01-02 Updated: 2024-03-04 Words: 15 Chapters: 3/?"


def test_completed_works_say_completed_and_count_chapters():
    done = visible_text(page(make_work(complete=True)))
    assert "Completed: 2024-03-04" in done and "Chapters: 3/3" in done
    planned = visible_text(page(make_work(expected_chapters=5)))
    assert "Updated: 2024-03-04" in planned and "Chapters: 3/5" in planned
    same_day = visible_text(page(make_work(updated=date(2024, 1, 2))))
    assert "Updated" not in same_day and "Completed" not in same_day
    big = make_work(chapters=[ParsedChapter(text="<p>x</p>", words=1234567)])
    assert "Words: 1,234,567 Chapters: 1/?" in visible_text(page(big))


def test_document_order_follows_the_download_layout():
    text = visible_text(page(make_work()))
    order = positions(
        text,
        "Preface",
        "Posted originally on the Ficarchive Test Archive at https://fics.example.org/works/42.",
        "Rating:",
        "The Lighthouse Keeper by Maren, Tobin",
        "Summary The lamp goes out.",
        "Notes Thanks to my beta. See the end of the work for more notes.",
        "Chapter 1: Arrival",
        "Chapter Summary Maren arrives.",
        "Chapter Notes A short one. See the end of the chapter for more notes.",
        "First paragraph. Second paragraph.",
        "Chapter End Notes More soon.",
        "Chapter 2 Untitled chapter text.",
        "Chapter 3: Storm Chapter Notes See the end of the chapter for notes.",
        "The storm came in.",
        "Chapter End Notes Only end notes here.",
        "Afterword End Notes Thank you for reading!",
        "Please drop by the Ficarchive Test Archive and comment",
    )
    assert order == sorted(order)


def test_headings_and_links():
    text = page(make_work())
    assert "<h1>The Lighthouse Keeper</h1>" in text
    assert '<h2 class="heading">Chapter 1: Arrival</h2>' in text
    assert '<h2 class="heading">Chapter 2</h2>' in text
    assert '<a href="#endnotes-1">notes</a>' in text and 'id="endnotes-1"' in text
    assert '<a href="#endnotes">notes</a>' in text and 'id="endnotes"' in text
    assert '<a href="https://fics.example.org/">Ficarchive Test Archive</a>' in text


def test_a_one_chapter_work_is_its_text_without_a_chapter_heading():
    work = make_work(chapters=[ParsedChapter(text="<p>Just the story.</p>")], end_notes="")
    text = page(work)
    assert "Chapter 1" not in text and "Notes" in text
    assert "End Notes" not in text
    titled = make_work(chapters=[ParsedChapter(title="Only", text="<p>x</p>")])
    assert "Chapter 1: Only" in page(titled)


def test_missing_fields_leave_no_empty_rows():
    work = make_work(
        rating="", warnings=[], categories=[], relationships=[], characters=[],
        additional_tags=[], language="", series=[], summary="", notes="", end_notes="",
        published=None, creators=[], title="",
    )  # fmt: skip
    text = page(work)
    labels = re.findall(r"<dt>([^<]*)</dt>", text)
    assert labels == ["Fandom:", "Stats:"]
    assert "<h1>Untitled</h1>" in text
    assert 'class="byline"' not in text
    assert "<p>Summary</p>" not in text and "<p>Notes</p>" not in text
    assert '<html xmlns="http://www.w3.org/1999/xhtml">' in text  # no lang to guess
    assert "Updated: 2024-03-04" in text  # no published date to compare with


def test_plain_text_is_escaped_and_fragments_go_in_as_given():
    work = make_work(
        title=HOSTILE_TITLE,
        creators=["<b>Bold</b> & Co"],
        fandoms=['Fandom "<i>"'],
        chapters=[ParsedChapter(title="<img src=x onerror=alert(1)>", text=RICH_HTML)],
    )
    text = page(work, replace(CTX, archive_name="<Archive>", work_url='https://e.org/"x'))
    assert "<script" not in text
    assert "Tea &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Biscuits" in text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in text
    assert "Fandom &quot;&lt;i&gt;&quot;" in text
    assert "Chapter 1: &lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;Archive&gt;" in text and 'href="https://e.org/&quot;x"' in text
    assert RICH_HTML in text


def test_lang_and_metadata_in_the_head():
    text = page(make_work(language="pt-br", summary="<p>A <b>short</b> summary.</p>"))
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="pt-BR" xml:lang="pt-BR">' in text
    assert '<meta charset="utf-8"/>' in text
    assert "<title>The Lighthouse Keeper</title>" in text
    assert '<meta name="author" content="Maren, Tobin"/>' in text
    assert '<meta name="description" content="A short summary."/>' in text
    assert "Português brasileiro" in text
    assert 'lang="de"' in page(make_work(language="Deutsch"))
    assert " lang=" not in page(make_work(language="Klingon (tlhIngan Hol)"))


def test_template_is_xml_when_fragments_are_xhtml():
    """The page is polyglot: with XHTML fragments, an XML parser reads it."""
    work = make_work(summary=RICH_HTML, title=HOSTILE_TITLE)
    text = html.document(work, CTX, fragment=lambda f: to_xhtml(f, CTX.work_url))
    root = ET.fromstring(text.removeprefix("<!DOCTYPE html>"))
    assert root.tag == "{http://www.w3.org/1999/xhtml}html"


@pytest.mark.parametrize(
    ("value", "tag", "name"),
    [
        ("en", "en", "English"),
        ("pt-br", "pt-BR", "Português brasileiro"),
        ("zh_hant_tw", "zh-Hant-TW", "zh_hant_tw"),
        ("Deutsch", "de", "Deutsch"),
        ("German", "de", "German"),
        ("日本語", "ja", "日本語"),
        ("", "", ""),
        ("Klingon (tlhIngan Hol)", "", "Klingon (tlhIngan Hol)"),
    ],
)
def test_language_tags_and_names(value, tag, name):
    assert language_tag(value) == tag
    assert language_name(value) == name


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("The Lighthouse Keeper", "The_Lighthouse_Keeper.epub"),
        ("Ça va: Crème brûlée & Smörgåsbord!", "Ca_va_Creme_brulee_Smorgasbord.epub"),
        ("Straße / Æsir — Øresund", "Strasse_AEsir_Oresund.epub"),
        ("灯台守の物語", "work.epub"),
        ("", "work.epub"),
        ("  ...  ", "work.epub"),
        ('<script>alert("x")</script>', "scriptalertx_script.epub"),
        ("../../etc/passwd", "etc_passwd.epub"),
        ("Ｆｕｌｌ　ｗｉｄｔｈ", "Full_width.epub"),
        ("a" * 100, "a" * 60 + ".epub"),
        ("word " * 30, ("word_" * 12).rstrip("_") + ".epub"),
    ],
)
def test_filename(title, expected):
    assert filename(title, "epub") == expected


def test_filename_is_ascii_and_short():
    name = filename("Ünïcödé " * 20 + "漢字", ".pdf")
    assert name.isascii() and name.endswith(".pdf") and len(name) <= 64


def test_registry():
    assert list(FORMATS) == ["html", "epub", "pdf", "txt", "mobi", "azw3"]
    for key, fmt in FORMATS.items():
        assert fmt.extension == key
        assert fmt.name == key.upper()
        assert fmt.content_type
        assert isinstance(fmt.available(), bool)
    for key in ("html", "epub", "txt"):
        assert FORMATS[key].available()
