"""The EPUB download: container layout, package metadata, navigation, determinism, and
EPUBCheck's verdict (no errors and no warnings) on works with every kind of content."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from ficarchive.formats.export import FORMATS
from ficarchive.formats.work import ParsedChapter, ParsedWork
from tests.formats.test_export_samples import CTX, HOSTILE_TITLE, long_work, make_work

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}


def render(work, ctx=CTX) -> bytes:
    return FORMATS["epub"].render(work, ctx)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def test_container_layout():
    data = render(make_work())
    assert data[:4] == b"PK\x03\x04"
    assert data[30:38] == b"mimetype" and data[38:58] == b"application/epub+zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert not infos[0].extra
        assert {i.date_time for i in infos} == {(2024, 5, 6, 0, 0, 0)}
        names = [i.filename for i in infos]
    assert names == [
        "mimetype",
        "META-INF/container.xml",
        "OEBPS/content.opf",
        "OEBPS/nav.xhtml",
        "OEBPS/toc.ncx",
        "OEBPS/style.css",
        "OEBPS/preface.xhtml",
        "OEBPS/chapter-001.xhtml",
        "OEBPS/chapter-002.xhtml",
        "OEBPS/chapter-003.xhtml",
        "OEBPS/afterword.xhtml",
    ]
    for name, body in members(data).items():
        if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
            xml(body)  # every XML file is well-formed


def test_same_input_same_bytes():
    work = long_work(8)
    assert render(work) == render(long_work(8))
    assert render(work) != render(work, replace(CTX, generated=date(2024, 5, 7)))


def test_package_metadata():
    files = members(render(long_work(3)))
    opf = xml(files["OEBPS/content.opf"])
    meta = opf.find("opf:metadata", NS)
    assert opf.get("unique-identifier") == "pub-id"
    assert meta.find("dc:identifier", NS).text == "urn:ficarchive:fics.example.org:work:42"
    assert meta.find("dc:title", NS).text == "Ça va, 灯台守の物語 — “Quotes” & <Brackets>"
    assert [c.text for c in meta.findall("dc:creator", NS)] == ["Zoë Ångström", "李小龍"]
    assert meta.find("dc:language", NS).text == "ja"
    assert meta.find("dc:date", NS).text == "2024-01-02"
    assert meta.find("dc:publisher", NS).text == "Ficarchive Test Archive"
    assert meta.find("dc:source", NS).text == "https://fics.example.org/works/42"
    description = meta.find("dc:description", NS).text
    assert description.startswith("Centred bold italic") and "<" not in description
    subjects = [s.text for s in meta.findall("dc:subject", NS)]
    assert subjects[:3] == ["Teen And Up Audiences", "No Archive Warnings Apply", "F/F"]
    assert "Slow Burn" in subjects and len(subjects) == len(set(subjects))
    props = {
        (m.get("property"), m.get("refines") or m.get("id")): m.text
        for m in meta.findall("opf:meta", NS)
    }
    assert props["dcterms:modified", None] == "2024-05-06T00:00:00Z"
    assert props["role", "#creator-1"] == "aut"
    assert props["belongs-to-collection", "series-1"] == "Harbour Lights"
    assert props["belongs-to-collection", "series-2"] == "灯台 series"
    assert props["collection-type", "#series-1"] == "series"
    assert props["group-position", "#series-1"] == "2"
    assert ("group-position", "#series-2") not in props  # the second series has no position
    calibre = {m.get("name"): m.get("content") for m in meta.findall("opf:meta", NS)}
    assert calibre["calibre:series"] == "Harbour Lights"
    assert calibre["calibre:series_index"] == "2"
    spine = [i.get("idref") for i in opf.findall("opf:spine/opf:itemref", NS)]
    assert spine == ["preface", "chapter-001", "chapter-002", "chapter-003", "afterword"]


def test_navigation_lists_every_chapter():
    files = members(render(make_work()))
    nav = xml(files["OEBPS/nav.xhtml"])
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    entries = [(a.get("href"), a.text) for a in toc.iter("{http://www.w3.org/1999/xhtml}a")]
    assert entries == [
        ("preface.xhtml", "Preface"),
        ("chapter-001.xhtml", "Chapter 1: Arrival"),
        ("chapter-002.xhtml", "Chapter 2"),
        ("chapter-003.xhtml", "Chapter 3: Storm"),
        ("afterword.xhtml", "Afterword"),
    ]
    ncx = xml(files["OEBPS/toc.ncx"])
    labels = [t.text for t in ncx.findall(".//ncx:navPoint/ncx:navLabel/ncx:text", NS)]
    assert labels == [label for _, label in entries]
    uid = ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content")
    assert uid == CTX.identifier


def test_pages_follow_the_download_layout():
    files = members(render(make_work()))
    preface = files["OEBPS/preface.xhtml"].decode()
    assert "Posted originally on the" in preface and "<dt>Series:</dt>" in preface
    assert "<dd>Part 2 of Harbour Lights</dd>" in preface
    assert "Chapters: 3/?" in preface
    assert '<a href="afterword.xhtml#endnotes">notes</a>' in preface
    chapter = files["OEBPS/chapter-001.xhtml"].decode()
    assert "<title>Chapter 1: Arrival</title>" in chapter
    assert '<h2 class="heading">Chapter 1: Arrival</h2>' in chapter
    assert chapter.index("Chapter Summary") < chapter.index("First paragraph")
    assert chapter.index("First paragraph") < chapter.index("Chapter End Notes")
    assert 'lang="en" xml:lang="en"' in chapter
    afterword = files["OEBPS/afterword.xhtml"].decode()
    assert '<div id="endnotes">' in afterword and "Thank you for reading!" in afterword


def test_hostile_text_is_escaped():
    work = make_work(
        title=HOSTILE_TITLE,
        creators=["<b>x</b>"],
        chapters=[ParsedChapter(title="</title><script>", text="<p>x</p>")],
    )
    files = members(render(work, replace(CTX, identifier='urn:x:"<&>"')))
    for name, body in files.items():
        assert b"<script" not in body, name
    opf = files["OEBPS/content.opf"].decode()
    assert "<dc:title>Tea &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Biscuits" in opf
    assert xml(files["OEBPS/content.opf"]).find(".//dc:identifier", NS).text == 'urn:x:"<&>"'
    assert "&lt;/title&gt;&lt;script&gt;" in files["OEBPS/chapter-001.xhtml"].decode()


def test_a_work_without_chapters_is_still_a_book():
    files = members(render(ParsedWork()))
    assert [name for name in files if "chapter" in name] == []
    opf = xml(files["OEBPS/content.opf"])
    assert opf.find(".//dc:title", NS).text == "Untitled"
    spine = [i.get("idref") for i in opf.findall("opf:spine/opf:itemref", NS)]
    assert spine == ["preface", "afterword"]
    for body in files.values():
        if body.startswith(b"<?xml"):
            xml(body)


def test_unknown_language_defaults_to_english():
    files = members(render(make_work(language="Klingon")))
    assert b"<dc:language>en</dc:language>" in files["OEBPS/content.opf"]
    files = members(render(make_work(language="Português brasileiro")))
    assert b"<dc:language>pt-BR</dc:language>" in files["OEBPS/content.opf"]


def test_remote_images_become_links():
    work = make_work(
        chapters=[
            ParsedChapter(
                text='<p><img src="https://example.org/a.png" alt="A map"></p>'
                '<p><a href="https://example.org"><img src="https://example.org/b.png"></a></p>'
            )
        ]
    )
    chapter = members(render(work))["OEBPS/chapter-001.xhtml"].decode()
    assert "<img" not in chapter
    assert '<a class="fa-image" href="https://example.org/a.png">[Image: A map]</a>' in chapter
    assert '<a href="https://example.org"><span class="fa-image">[Image]</span></a>' in chapter


# -- EPUBCheck --------------------------------------------------------------------------------


def epubcheck_command() -> list[str] | None:
    found = shutil.which("epubcheck")
    if found is None:
        return None
    path = Path(found).resolve()
    if path.suffix == ".jar" or path.read_bytes()[:2] == b"PK":
        # Debian's /usr/bin/epubcheck is the jar itself, runnable only through binfmt_misc.
        java = shutil.which("java")
        # C1-only JIT: EPUBCheck's start-up is most of its run time on a small book.
        quick = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
        return [java, *quick, "-jar", str(path)] if java else None
    return [str(path)]


def start_epubcheck(command: list[str], epub: Path) -> tuple[subprocess.Popen, Path]:
    report = epub.with_suffix(".json")
    process = subprocess.Popen(
        [*command, str(epub), "--json", str(report)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, report


def one_chapter_minimal_work() -> ParsedWork:
    return ParsedWork(chapters=[ParsedChapter(text="<p>Just text.</p>")])


def test_epubcheck_finds_no_errors_or_warnings(tmp_path):
    command = epubcheck_command()
    if command is None:
        pytest.skip("epubcheck (and java) not installed")
    # EPUBCheck takes seconds to start, so few books, each with a lot in it.
    long = long_work(60)  # every allowed element, random nestings, CJK, 60 chapters
    long.chapters[1].title = HOSTILE_TITLE
    works = {"long": long, "minimal": one_chapter_minimal_work()}
    runs = {}
    for name, work in works.items():
        path = tmp_path / f"{name}.epub"
        path.write_bytes(render(work))
        runs[name] = start_epubcheck(command, path)
    failures = {}
    for name, (process, report) in runs.items():
        output, _ = process.communicate(timeout=120)
        result = json.loads(report.read_text())
        checker = result["checker"]
        problems = [
            f"{m['severity']} {m['ID']} {m['message']} at "
            + ", ".join(f"{loc['path']}:{loc['line']}" for loc in m["locations"][:3])
            for m in result["messages"]
        ]
        counts = (checker["nFatal"], checker["nError"], checker["nWarning"])
        if process.returncode != 0 or counts != (0, 0, 0) or problems:
            failures[name] = problems or output
        else:
            assert "No errors or warnings detected" in output
    assert failures == {}
