"""EPUB files, built here with zipfile: an AO3 download split over several XHTML files as
Calibre does it, and an ordinary e-book."""

import io
import zipfile
from pathlib import Path

import pytest

from ficarchive.formats.importers import detect, parse
from ficarchive.formats.work import FormatError, SeriesPart

SAMPLES = Path(__file__).parent / "samples"
CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""


def opf(items: list[str], title="", creator="", language="", description="") -> str:
    manifest = "".join(
        f'<item id="i{n}" href="{href}" media-type="application/xhtml+xml"/>'
        for n, href in enumerate(items)
    )
    spine = "".join(f'<itemref idref="i{n}"/>' for n in range(len(items)))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator>
    <dc:language>{language}</dc:language><dc:description>{description}</dc:description>
  </metadata>
  <manifest>{manifest}
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/></manifest>
  <spine toc="ncx">{spine}</spine>
</package>"""


def xhtml(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>t</title></head><body>{body}</body></html>"
    )


def build_epub(files: dict[str, str], opf_path="OEBPS/content.opf", **meta) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", CONTAINER.format(opf=opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        archive.writestr(opf_path, opf(list(files), **meta))
        for href, body in files.items():
            archive.writestr(base + href, xhtml(body))
    return buffer.getvalue()


def split_download() -> dict[str, str]:
    """The 2024 HTML download cut into three files the way Calibre splits it: the preface,
    then each chapter inside its own copy of the chapters wrapper."""
    html = (SAMPLES / "ao3_download_2024.html").read_text()
    body = html.split("<body>", 1)[1].split("</body>", 1)[0]
    preface, rest = body.split('<div id="chapters" class="userstuff">', 1)
    chapters, afterword = rest.rsplit('<div id="afterword">', 1)
    first, second = chapters.split('<div class="meta group">\n    <h2 class="heading">Chapter 2', 1)
    return {
        "text/part_split_000.xhtml": preface,
        "text/part_split_001.xhtml": f'<div class="userstuff calibre1">{first}',
        "text/part_split_002.xhtml": '<div class="userstuff calibre1"><div class="meta group">'
        f'<h2 class="heading">Chapter 2{second}<div id="afterword">{afterword}',
    }


def test_ao3_epub_split_over_several_files():
    data = build_epub(split_download(), title="The Observatory at Night",
                      creator="Thaddeus_Quill", language="en")  # fmt: skip
    assert detect("observatory.epub", data) == "ao3-epub"
    work = parse("observatory.epub", data)
    assert work.title == "The Observatory at Night"
    assert work.creators == ["Thaddeus_Quill"]
    assert work.rating == "Mature"
    assert work.language == "English"  # the preface's name wins over the package's code
    assert work.series == [SeriesPart("Star Charts", 4)]
    assert work.source_url == "https://archiveofourown.org/works/55512345"
    assert [c.title for c in work.chapters] == ["The Telescope", ""]
    assert work.chapters[0].end_notes == "<p>Lenses are hard.</p>"
    assert work.chapters[1].text == "<p>Emrys hummed an old tune.</p>"
    assert work.missing == []


def test_whole_html_download_in_one_file_at_the_archive_root():
    html = (SAMPLES / "ao3_download_2018.html").read_text()
    body = html.split("<body>", 1)[1].split("</body>", 1)[0]
    data = build_epub({"clock.xhtml": body}, opf_path="content.opf")
    work = parse("clock.epub", data)
    assert work.title == "The Clockmaker's Apprentice"
    assert len(work.chapters) == 2
    assert work.end_notes == "<p>Thank you for reading!</p>"


def test_other_ebook_gives_a_chapter_per_spine_file_and_package_metadata():
    files = {
        "cover.xhtml": '<div><img src="cover.jpg" alt=""/></div>',
        "one.xhtml": "<h2>The Pier</h2><p>Gulls called over the pier.</p>",
        "two.xhtml": "<h1>Chapter 2: The Ferry</h1><p>The ferry was late.</p>",
    }
    data = build_epub(files, title="Harbour Days", creator="Wren &amp; Corvin",
                      language="en", description="&lt;p&gt;A harbour story.&lt;/p&gt;")  # fmt: skip
    work = parse("harbour.epub", data)
    assert work.title == "Harbour Days"
    assert work.creators == ["Wren", "Corvin"]
    assert work.language == "en"
    assert work.summary == "<p>A harbour story.</p>"
    # The cover's image has no http(s) address, so it is dropped and the page with it.
    assert [c.title for c in work.chapters] == ["The Pier", "The Ferry"]
    assert work.chapters[0].text == "<p>Gulls called over the pier.</p>"
    assert "rating" in work.missing and "fandoms" in work.missing


def test_epub_without_its_package_file_is_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", CONTAINER.format(opf="missing.opf"))
    with pytest.raises(FormatError, match=r"book\.epub is damaged or not an EPUB file"):
        parse("book.epub", buffer.getvalue())


def test_epub_with_entity_definitions_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><container>&a;</container>',
        )
    with pytest.raises(FormatError, match=r"^book\.epub"):
        parse("book.epub", buffer.getvalue())
