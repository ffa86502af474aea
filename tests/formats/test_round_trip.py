"""Exporting a work and importing the file gives the same work back (HTML, EPUB, TXT)."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ficarchive.formats.export import FORMATS, ExportContext
from ficarchive.formats.importers import parse
from ficarchive.formats.sanitize import sanitize_html, strip_tags
from ficarchive.formats.wordcount import count_words
from ficarchive.formats.work import ParsedChapter, ParsedWork, SeriesPart

CONTEXT = ExportContext(
    archive_name="Ficarchive",
    work_url="http://127.0.0.1:8000/works/7/",
    generated=date(2026, 11, 24),
    identifier="urn:ficarchive:127.0.0.1:work:7",
)
RATINGS = ["General Audiences", "Teen And Up Audiences", "Mature", "Explicit", "Not Rated"]
WARNINGS = ["No Archive Warnings Apply", "Graphic Depictions Of Violence", "Major Character Death"]

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü", min_size=2, max_size=9)
names = st.lists(words, min_size=1, max_size=3).map(lambda w: " ".join(w).title())
sentences = st.lists(words, min_size=3, max_size=12).map(lambda w: " ".join(w).capitalize() + ".")
paragraphs = st.lists(sentences, min_size=1, max_size=3).map(" ".join)
texts = st.lists(paragraphs, min_size=1, max_size=4).map(lambda ps: sanitize_html("\n\n".join(ps)))


@st.composite
def works(draw) -> ParsedWork:
    chapters = [
        ParsedChapter(title=draw(names), text=text, words=count_words(text))
        for text in draw(st.lists(texts, min_size=1, max_size=4))
    ]
    unique = st.lists(names, min_size=0, max_size=3, unique_by=str.casefold)
    return ParsedWork(
        title=draw(names),
        creators=[draw(words)],
        rating=draw(st.sampled_from(RATINGS)),
        warnings=[draw(st.sampled_from(WARNINGS))],
        fandoms=draw(st.lists(names, min_size=1, max_size=2, unique_by=str.casefold)),
        characters=draw(unique),
        additional_tags=draw(unique),
        language="en",
        series=draw(st.lists(st.builds(SeriesPart, names, st.integers(1, 9)), max_size=1)),
        summary=draw(texts),
        published=date(2024, 5, 6),
        updated=date(2025, 1, 2),
        complete=True,
        expected_chapters=len(chapters),
        chapters=chapters,
    )


def same_text(html_a: str, html_b: str) -> bool:
    return strip_tags(html_a).split() == strip_tags(html_b).split()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(work=works(), key=st.sampled_from(["html", "epub", "txt"]))
def test_export_then_import_gives_the_work_back(work, key):
    data = FORMATS[key].render(work, CONTEXT)
    back = parse(f"work.{FORMATS[key].extension}", data)
    assert back.title == work.title
    assert back.creators == work.creators
    assert back.rating == work.rating
    assert back.warnings == work.warnings
    assert back.fandoms == work.fandoms
    assert back.characters == work.characters
    assert back.additional_tags == work.additional_tags
    assert [(s.title, s.position) for s in back.series] == [
        (s.title, s.position) for s in work.series
    ]
    assert back.published == work.published
    assert back.complete == work.complete
    assert same_text(back.summary, work.summary)
    assert len(back.chapters) == len(work.chapters)
    for got, expected in zip(back.chapters, work.chapters, strict=True):
        if len(work.chapters) > 1:
            assert got.title == expected.title
        assert same_text(got.text, expected.text)


@settings(max_examples=50, deadline=None)
@given(works())
def test_a_parsed_work_stored_as_json_reads_back_the_same(work):
    assert ParsedWork.from_json(json.loads(json.dumps(work.as_json()))) == work
