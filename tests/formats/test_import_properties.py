"""Whatever bytes arrive, parse() ends quickly with a ParsedWork or a FormatError."""

import contextlib
import io
import subprocess
import sys
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ficarchive.formats.importers import KINDS, detect, parse
from ficarchive.formats.work import FormatError, ParsedWork

NAMES = st.sampled_from(
    ["story.txt", "story.md", "page.html", "book.epub", "doc.docx", "pasted", "x.htm"]
)
FAST = settings(max_examples=200, deadline=5000, suppress_health_check=[HealthCheck.too_slow])

# Pieces of the layouts, so random text often looks like (broken) AO3 pages and HTML.
FRAGMENTS = [
    "Rating:", "Teen And Up Audiences", "Archive Warning:", "Fandom:", "Stats:",
    "Published: 2020-01-01", "Chapters: 2/?", "Words: 1,234", "Summary:", "Notes:",
    "Work Text:", "Chapter Text", "Chapter 1: Title", "Chapter 2", "Series this work belongs to:",
    "Part 1 of the X series", "« Previous Work", "Next Work →",
    "(See the end of the work for notes.)",
    "Works inspired by this one:", "\n", "\n\n", " ", "# ", "## ", "**", "*", "_", "`", "> ",
    "- ", "1. ", "---", "```", "[a](http://e.org)", "<p>", "</p>", "<div class=\"userstuff\">",
    "</div>", "<h2 class=\"heading\">", "</h2>", "<dl class=\"tags\">", "<dt>", "<dd>",
    "Posted originally on the", "<blockquote>", "<h1>", "<", ">", "&amp;", "&", "\u00a0",
    "Title: ", "by ", "é", "“", "中文",
]  # fmt: skip
LAYOUT_TEXT = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=60
).map("".join)


def check(name: str, data: bytes, split: bool) -> None:
    try:
        work = parse(name, data, split_chapters=split)
    except FormatError as error:
        assert str(error).startswith(name)
        return
    assert isinstance(work, ParsedWork)
    for chapter in work.chapters:
        assert "<script" not in chapter.text
        assert chapter.words >= 0


@FAST
@given(name=NAMES, data=st.binary(max_size=2000), split=st.booleans())
def test_arbitrary_bytes(name, data, split):
    check(name, data, split)


@FAST
@given(name=NAMES, text=LAYOUT_TEXT, split=st.booleans())
def test_layout_like_text(name, text, split):
    check(name, text.encode(), split)
    with contextlib.suppress(FormatError):
        assert detect(name, text.encode()) in KINDS


@FAST
@given(members=st.dictionaries(
    st.sampled_from(["word/document.xml", "META-INF/container.xml", "content.opf",
                     "docProps/core.xml", "_rels/.rels", "a.xhtml", "mimetype"]),
    st.one_of(st.binary(max_size=300), LAYOUT_TEXT.map(str.encode)),
    max_size=5,
), name=st.sampled_from(["book.epub", "doc.docx", "archive"]))  # fmt: skip
def test_arbitrary_zip_archives(members, name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    check(name, buffer.getvalue(), False)


def test_importers_do_not_import_django():
    code = (
        "import sys, ficarchive.formats.importers as i; "
        "i.parse('a.md', b'# T\\n\\ntext'); "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
