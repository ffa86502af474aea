"""AO3 HTML downloads of every generation, and a saved work page."""

from datetime import date
from pathlib import Path

import pytest

from ficarchive.formats.importers import detect, parse
from ficarchive.formats.work import SeriesPart

SAMPLES = Path(__file__).parent / "samples"


def load(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.mark.parametrize(
    "name", ["ao3_download_2018.html", "ao3_download_2021.html", "ao3_download_2024.html"]
)
def test_downloads_are_detected(name):
    assert detect(name, load(name)) == "ao3-html-download"
    assert detect("download", load(name)) == "ao3-html-download"  # without an extension too


def test_2018_download_no_title_line_raw_warnings_chapters_before_words():
    work = parse("clock.html", load("ao3_download_2018.html"))
    assert work.title == "The Clockmaker's Apprentice"  # from the h1
    assert work.creators == ["orchard_lantern"]
    assert work.rating == "General Audiences"
    assert work.warnings == ["Choose Not To Use Archive Warnings", "Underage Sex"]
    assert work.categories == ["Gen"]
    assert work.fandoms == ["Clockwork Town", "Tallow Lane Stories"]  # singular label, two tags
    assert work.characters == ["Anselm", "Nell"]
    assert work.additional_tags == ["Apprenticeship", "Clocks"]
    assert work.series == [SeriesPart("Tallow Lane", 1)]
    assert work.published == date(2017, 11, 2)
    assert work.updated == date(2018, 1, 14)
    assert (work.expected_chapters, work.complete) == (3, False)
    assert work.source_url == "http://archiveofourown.org/works/1234567"
    assert work.summary == "<p>Nell learns that every clock in town is <em>slightly</em> wrong.</p>"
    assert work.notes == "<p>My first story here. Be kind!</p>"
    assert work.end_notes == "<p>Thank you for reading!</p>"
    first, second = work.chapters
    assert first.title == "The Wrong Hour"
    assert first.summary == "<p>Nell arrives.</p>"
    assert first.notes == "<p>Set before the fair.</p>"
    assert first.end_notes == "<p>More clocks next time.</p>"
    assert "&amp; sighed" in first.text
    assert second.title == ""  # "Chapter 2" is the untitled chapter's heading
    assert second.words == 13
    assert work.missing == ["language"]  # no Language before mid-2022


def test_2021_download_title_line_co_creators_two_series():
    work = parse("letters.html", load("ao3_download_2021.html"))
    assert work.title == "Letters from the Lantern Hall"
    assert work.creators == ["saoirse_ink", "Ivo Writes"]
    assert work.warnings == ["No Archive Warnings Apply"]
    assert work.categories == ["F/M", "Gen"]
    assert work.relationships == ["Saoirse/Ivo"]
    assert work.series == [SeriesPart("Lantern Letters", 2), SeriesPart("Winter, Again", 1)]
    assert work.updated == date(2021, 2, 20)
    assert (work.expected_chapters, work.complete) == (2, True)
    assert work.notes == ""  # only a pointer to the end notes
    assert work.end_notes == "<p>Stamps are real, the hall is not.</p>"
    first, second = work.chapters
    assert (first.title, second.title) == ("First Letter", "Reply")
    assert second.notes == "<p>Ivo's side.</p>"
    assert "<strong>Of course</strong>" in second.text
    assert "script" not in second.text and "alert" not in second.text
    assert "language" in work.missing


def test_2024_download_plural_labels_separators_language():
    work = parse("observatory.html", load("ao3_download_2024.html"))
    assert work.rating == "Mature"
    assert work.warnings == ["Choose Not To Use Archive Warnings", "Major Character Death"]
    assert work.categories == ["M/M", "Multi"]
    assert work.fandoms == ["Stargazers", "Observatory Tales"]
    assert work.relationships == ["Thaddeus/Emrys", "Emrys & Perpetua"]
    assert work.language == "English"
    assert work.series == [SeriesPart("Star Charts", 4)]
    assert (work.expected_chapters, work.complete) == (None, False)  # Chapters: 2/?
    assert work.updated == date(2024, 6, 30)
    first, _second = work.chapters
    assert first.title == "The Telescope"
    assert first.summary == "<p>A new lens arrives.</p>"
    assert first.end_notes == "<p>Lenses are hard.</p>"
    assert '<img src="https://example.org/star.png" alt="a star">' in first.text
    assert "onerror" not in first.text
    assert work.missing == []


def test_2025_chapter_headings_with_number_and_title():
    data = load("ao3_download_2024.html").replace(
        b'<h2 class="heading">The Telescope</h2>',
        b'<h2 class="heading">Chapter 1: The Telescope</h2>',
    )
    work = parse("observatory.html", data)
    assert [c.title for c in work.chapters] == ["The Telescope", ""]


def test_one_chapter_download_without_chapter_headings():
    data = b"""<html><body><div id="preface"><h2 class="toc-heading">Preface</h2>
    <p class="message"><b>Tiny</b><br/>Posted originally on the
    <a href="https://archiveofourown.org/">Archive of Our Own</a>
    at <a href="https://archiveofourown.org/works/5">https://archiveofourown.org/works/5</a>.</p>
    <div class="meta"><dl class="tags"><dt>Rating:</dt><dd><a href="#">Not Rated</a></dd>
    <dt>Stats:</dt><dd>Published: 2020-02-02 Words: 3 Chapters: 1/1</dd></dl>
    <h1>Tiny</h1><div class="byline">by <a rel="author" href="#">wee</a></div></div></div>
    <div id="chapters" class="userstuff"><h2 class="toc-heading">Tiny</h2>
    <div class="userstuff"><p>Three small words.</p></div></div>
    <div id="afterword"><h2 class="toc-heading">Afterword</h2></div></body></html>"""
    work = parse("tiny.html", data)
    assert work.rating == "Not Rated"
    assert [(c.title, c.text) for c in work.chapters] == [("", "<p>Three small words.</p>")]
    assert work.complete is True


def test_saved_work_page():
    data = load("ao3_work_page.html")
    assert detect("page.html", data) == "ao3-html-page"
    work = parse("page.html", data)
    assert work.title == "The Bakery on Tallow Lane"
    assert work.creators == ["marguerite_bakes"]
    assert work.rating == "General Audiences"
    assert work.warnings == ["No Archive Warnings Apply"]
    assert work.fandoms == ["Tallow Lane Stories"]
    assert work.characters == ["Marguerite", "Bastian"]
    assert work.additional_tags == ["Baking", "Early Mornings"]
    assert work.language == "English"
    assert work.series == [SeriesPart("Tallow Lane Mornings", 2)]
    assert work.published == date(2019, 4, 1)
    assert work.updated == date(2019, 5, 12)
    assert (work.expected_chapters, work.complete) == (2, True)
    assert work.summary == "<p>Bread, butter, and a bakery that opens before dawn.</p>"
    assert work.notes == "<p>For everyone who loves the smell of fresh bread.</p>"
    assert work.end_notes == "<p>Thanks for reading!</p>"
    # Saved with relative links: the page title names the archive, the links the work.
    assert work.source_url == "https://archiveofourown.org/works/7654321"
    first, second = work.chapters
    assert first.title == "Before Dawn"
    assert first.notes == "<p>A short one to start.</p>"
    assert first.end_notes == "<p>The rolls were cinnamon.</p>"
    assert "Chapter Text" not in first.text  # the hidden landmark heading
    assert first.words == 20
    assert second.title == ""
    assert second.summary == "<p>The rush.</p>"
    assert work.missing == []


def test_saved_page_source_from_the_browsers_saved_from_comment():
    data = (
        load("ao3_work_page.html")
        .replace(
            b"<html",
            b"<!-- saved from url=(0045)https://archiveofourown.org/works/99/chapters/1 -->\n<html",
            1,
        )
        .replace(b"[Archive of Our Own]", b"")
    )
    assert parse("page.html", data).source_url == "https://archiveofourown.org/works/99"
