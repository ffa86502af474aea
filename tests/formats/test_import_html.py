"""Any HTML file: title, creators, cleaning and splitting at headings."""

from pathlib import Path

from ficarchive.formats.importers import detect, parse

SAMPLES = Path(__file__).parent / "samples"


def test_html_file_whole():
    data = (SAMPLES / "story.html").read_bytes()
    assert detect("story.html", data) == "html"
    work = parse("story.html", data)
    assert work.title == "The Clock Tower"  # the leading h1, not the generic <title>
    assert work.creators == ["Cassius"]
    (only,) = work.chapters
    assert "<h1>" not in only.text  # the title left the text
    assert "<h2>Chapter 1: Noon</h2>" in only.text
    assert "onclick" not in only.text and "script" not in only.text
    assert "font-family" not in only.text
    assert work.missing == ["rating", "warnings", "fandoms", "language"]


def test_html_file_split_at_h2():
    work = parse("story.html", (SAMPLES / "story.html").read_bytes(), split_chapters=True)
    assert [c.title for c in work.chapters] == ["Noon", "Midnight"]
    assert work.chapters[0].text.startswith("<p>A prologue, of sorts.</p>")
    assert "<em>twelve</em>" in work.chapters[0].text
    assert work.chapters[1].text == "<p>The first stars appeared above the rooftops.</p>"


def test_html_title_from_the_title_element_when_no_h1_leads():
    data = b"<html><head><title>Quiet Hours</title></head><body><p>Tick.</p><h1>Later</h1></body>"
    work = parse("q.htm", data)
    assert work.title == "Quiet Hours"
    assert "<h1>Later</h1>" in work.chapters[0].text


def test_html_fragment_without_an_extension_is_detected():
    assert detect("pasted", b"<p>One.</p><p>Two <em>three</em>.</p>") == "html"


def test_html_declared_charset_is_used_when_not_utf8():
    data = '<html><head><meta charset="iso-8859-2"></head><body><p>Łódź</p></body></html>'
    work = parse("pl.html", data.encode("iso-8859-2"))
    assert work.chapters[0].text == "<p>Łódź</p>"


def test_html_with_no_text_reports_it():
    work = parse("empty.html", b"<html><body><div>  </div></body></html>")
    assert "text" in work.missing
