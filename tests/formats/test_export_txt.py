"""The plain-text download: the HTML download's layout as lines, one paragraph per line."""

from __future__ import annotations

from ficarchive.formats.export import FORMATS
from ficarchive.formats.export.txt import paragraphs
from ficarchive.formats.work import ParsedChapter
from tests.formats.test_export_samples import CTX, HOSTILE_TITLE, RICH_HTML, make_work


def text(work) -> str:
    data = FORMATS["txt"].render(work, CTX)
    return data.decode("utf-8")


def test_layout_of_a_chaptered_work():
    assert text(make_work()) == (
        "The Lighthouse Keeper\n"
        "Posted originally on the Ficarchive Test Archive at https://fics.example.org/works/42.\n"
        "\n"
        "Rating: Teen And Up Audiences\n"
        "Archive Warning: No Archive Warnings Apply\n"
        "Categories: F/F, Gen\n"
        "Fandom: Harbour Lights (Original Work)\n"
        "Relationship: Maren/Wren\n"
        "Characters: Maren, Wren, Tobin\n"
        "Additional Tags: Fluff, Slow Burn\n"
        "Language: English\n"
        "Series: Part 2 of Harbour Lights\n"
        "Stats: Published: 2024-01-02 Updated: 2024-03-04 Words: 15 Chapters: 3/?\n"
        "\n"
        "The Lighthouse Keeper\n"
        "by Maren, Tobin\n"
        "\n"
        "Summary:\n"
        "The lamp goes out.\n"
        "\n"
        "Someone has to climb the stairs.\n"
        "\n"
        "Notes:\n"
        "Thanks to my beta.\n"
        "\n"
        "See the end of the work for more notes.\n"
        "\n\n\n"
        "Chapter 1: Arrival\n"
        "\n"
        "Chapter Summary:\n"
        "Maren arrives.\n"
        "\n"
        "Chapter Notes:\n"
        "A short one.\n"
        "\n"
        "See the end of the chapter for more notes.\n"
        "\n"
        "Chapter Text\n"
        "\n"
        "First paragraph.\n"
        "\n"
        "Second paragraph.\n"
        "\n"
        "Chapter End Notes:\n"
        "More soon.\n"
        "\n\n\n"
        "Chapter 2\n"
        "\n"
        "Chapter Text\n"
        "\n"
        "Untitled chapter text.\n"
        "\n\n\n"
        "Chapter 3: Storm\n"
        "\n"
        "Chapter Notes:\n"
        "See the end of the chapter for notes.\n"
        "\n"
        "Chapter Text\n"
        "\n"
        "The storm came in.\n"
        "\n"
        "Line one\n"
        "line two\n"
        "\n"
        "Chapter End Notes:\n"
        "Only end notes here.\n"
        "\n\n\n"
        "Afterword\n"
        "\n"
        "End Notes:\n"
        "Thank you for reading!\n"
        "\n"
        "Please drop by the Ficarchive Test Archive and comment to let the creator know if "
        "you enjoyed their work!\n"
        "https://fics.example.org/works/42\n"
    )


def test_a_one_shot_has_no_chapter_heading_and_completed_stats():
    work = make_work(
        chapters=[ParsedChapter(text="<p>Only text.</p>", words=2)],
        complete=True,
        notes="",
        end_notes="",
    )
    out = text(work)
    assert "Chapter 1" not in out
    assert "Stats: Published: 2024-01-02 Completed: 2024-03-04 Words: 2 Chapters: 1/1\n" in out
    assert "stairs.\n\n\n\nWork Text:\n\nOnly text.\n\n\n\nAfterword\n" in out


def test_long_paragraphs_are_never_wrapped():
    long = "word " * 500
    out = text(make_work(chapters=[ParsedChapter(text=f"<p>{long}</p><p>next</p>")]))
    assert f"\n{long.strip()}\n\nnext\n" in out


def test_plain_text_is_kept_verbatim():
    out = text(make_work(title=HOSTILE_TITLE, creators=["A & B"]))
    assert out.startswith(HOSTILE_TITLE + "\n")
    assert "\nby A & B\n" in out


def test_html_becomes_readable_text():
    parts = paragraphs(RICH_HTML)
    assert parts[0].startswith("Centred bold italic under struck old big small tele H2O x2 ")
    assert "“quoted”" in parts[0]
    assert "  preformatted\n    lines" in parts
    assert "* * *" in parts
    assert "• one\n• two\nnested" not in parts  # nested list items stay in their item
    assert "• one\n• two\n• nested" in parts
    assert "3. three\n4. four" in parts
    assert "term\n    definition\n    second definition" in parts
    assert "Caption\nHead | Head 2\nwide cell\na | b\nfoot | foot 2" in parts
    assert "漢(kan)字(ji) 東京(とうきょう)" in parts
    assert "[Image: A lighthouse]" in parts
    assert "[Image] [Image: linked picture]" in parts
    assert "A div with a line\nbreak." in parts
    assert "日本語のテキストです。中文文本。한국어 텍스트." in parts
    assert all(p == p.strip() or p.startswith("  ") for p in parts)


def test_entities_and_whitespace():
    assert paragraphs("<p>Tom &amp; Jerry&nbsp;&hellip;</p>\n\n<p>  spaced\n  out  </p>") == [
        "Tom & Jerry\xa0…",
        "spaced out",
    ]
    assert paragraphs("") == []
    assert paragraphs("<p> </p><div><br></div>") == []


def test_ruby_gets_its_own_parentheses_and_keeps_every_other_text():
    assert paragraphs("<p><ruby>漢<rp>[</rp><rt>kan</rt><rp>]</rp></ruby>字</p>") == ["漢(kan)字"]
    assert paragraphs("<p><ruby>a<rt><span><rp>kept</rp></span></rt></ruby></p>") == ["a(kept)"]
