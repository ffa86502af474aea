"""Plain text and Markdown: titles, paragraphs, chapter splitting, the Markdown subset."""

from pathlib import Path

from ficarchive.formats.importers import detect, parse

SAMPLES = Path(__file__).parent / "samples"


def load(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_plain_text_as_one_chapter():
    data = load("story_chapters.txt")
    assert detect("market.txt", data) == "text"
    work = parse("market.txt", data)
    assert work.title == "The Harbour Market"
    assert work.creators == ["Linnea"]
    (only,) = work.chapters
    assert only.title == ""
    assert "<p>Chapter 1</p>" in only.text
    # Single line breaks stay line breaks inside a paragraph.
    assert "first light.<br>\nLinnea carried" in only.text
    assert work.missing == ["rating", "warnings", "fandoms", "language"]


def test_plain_text_split_at_chapter_lines():
    work = parse("market.txt", load("story_chapters.txt"), split_chapters=True)
    assert [c.title for c in work.chapters] == ["", "The Storm", "Afterwards"]
    first = work.chapters[0]
    # What came before "Chapter 1" stays at the start of the first chapter.
    assert first.text.startswith("<p>A short note before the story")
    assert "jar of honey" in first.text
    assert "Chapter 1" not in first.text
    assert work.chapters[1].text == (
        "<p>Thunder grumbled somewhere far away. Everyone hurried under the awnings.</p>"
    )
    assert all(c.words > 0 for c in work.chapters)


def test_text_without_a_title_line_has_no_title():
    work = parse("notitle.txt", b"Just a story.\n\nWith two paragraphs & a < sign.")
    assert work.title == ""
    assert "title" in work.missing
    assert work.chapters[0].text == (
        "<p>Just a story.</p>\n<p>With two paragraphs &amp; a &lt; sign.</p>"
    )


def test_text_that_looks_like_html_is_shown_not_interpreted():
    work = parse("x.txt", b"Title: Tags\n\nShe typed <script>alert(1)</script> and <b>bold</b>.")
    assert "<script>" not in work.chapters[0].text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in work.chapters[0].text


def test_hash_title_line_in_plain_text_and_heading_chapters():
    text = b"# Ferry Tales\n\n# The Pier\n\nGulls.\n\n# The Crossing\n\nWaves."
    work = parse("ferry.txt", text, split_chapters=True)
    assert work.title == "Ferry Tales"
    assert [(c.title, c.text) for c in work.chapters] == [
        ("The Pier", "<p>Gulls.</p>"),
        ("The Crossing", "<p>Waves.</p>"),
    ]


def test_chapter_words_inside_sentences_do_not_split():
    text = b"Title: T\n\nChapter 1\n\nChapter 2 of her life began that day.\n\nIt rained."
    work = parse("t.txt", text, split_chapters=True)
    assert len(work.chapters) == 1
    assert "Chapter 2 of her life" in work.chapters[0].text


def test_markdown_file():
    data = load("story.md")
    assert detect("story.md", data) == "markdown"
    work = parse("story.md", data)
    assert work.title == "The Lantern Hall"
    assert work.creators == ["Perpetua"]
    text = work.chapters[0].text
    assert "<h2>Chapter 1: Lamps</h2>" in text
    assert "The <em>lantern hall</em> smelled of <strong>candle stubs</strong> and rain." in text
    assert "<blockquote><p>“Is it always this quiet?” Oriel asked.</p></blockquote>" in text or (
        '<blockquote><p>"Is it always this quiet?" Oriel asked.</p></blockquote>' in text
    )
    assert "<hr>" in text
    assert "<ul><li>a paper lantern</li><li>a wool scarf</li><li>the spare key</li></ul>" in text
    assert '<a href="https://example.org/map" rel="nofollow">the map</a>' in text
    assert "<ol><li>First letter</li><li>Second letter</li></ol>" in text


def test_markdown_split_at_its_highest_heading_level():
    work = parse("story.md", load("story.md"), split_chapters=True)
    assert [c.title for c in work.chapters] == ["Lamps", "Letters"]
    assert "<h2>" not in work.chapters[0].text
    assert work.chapters[1].text.startswith("<p>She wrote a short note")


def test_markdown_detected_by_content_without_an_extension():
    data = b"## One\n\nSome **bold** words and a [link](https://example.org)."
    assert detect("pasted", data) == "markdown"
    assert detect("pasted.txt", data) == "text"  # a .txt file is taken at its word


def test_markdown_inline_edge_cases():
    work = parse("x.md", b"snake_case_name, 2 * 3 * 4, `a*b*c`, __strong__ _em_ ***both***")
    text = work.chapters[0].text
    assert "snake_case_name" in text
    assert "2 * 3 * 4" in text
    assert "<code>a*b*c</code>" in text
    assert "<strong>strong</strong> <em>em</em>" in text


def test_markdown_raw_html_and_javascript_links_are_neutralised():
    work = parse("x.md", b"<b>raw</b> [x](javascript:void) ![i](http://e.org/i.png)")
    text = work.chapters[0].text
    assert "&lt;b&gt;raw&lt;/b&gt;" in text
    assert "javascript" not in text
    assert '<a rel="nofollow">x</a>' in text
    assert '<img src="http://e.org/i.png" alt="i">' in text


def test_cp1252_text_with_curly_quotes():
    data = load("cp1252_story.txt")
    data.decode("cp1252")  # the sample really is Windows-1252 …
    assert b"\x93" in data  # … with a curly quote byte that isn't UTF-8
    work = parse("cafe.txt", data)
    assert work.title == "“Quoted” Café"
    assert work.chapters[0].text == "<p>“It’s late,” said Renée — and the café closed.</p>"


def test_utf8_with_bom_and_windows_line_endings():
    data = "\ufeffTitle: Bom\r\n\r\nLine one\r\nLine two".encode()
    work = parse("bom.txt", data)
    assert work.title == "Bom"
    assert work.chapters[0].text == "<p>Line one<br>\nLine two</p>"


def test_utf16_with_bom():
    data = "Title: Sixteen\n\nZwölf Boxkämpfer".encode("utf-16")
    work = parse("wide.txt", data)
    assert work.title == "Sixteen"
    assert "Zwölf Boxkämpfer" in work.chapters[0].text
