"""Word documents, built here as the few XML parts a minimal .docx needs."""

import io
import zipfile
from xml.sax.saxutils import escape

import pytest

from ficarchive.formats.importers import detect, parse
from ficarchive.formats.work import FormatError

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="xml" ContentType="application/xml"/>
  <Override PartName="/word/document.xml"
    ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Target="word/document.xml"
    Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties
  xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title>{title}</dc:title><dc:creator>Real Name Of The Computer Owner</dc:creator>
</cp:coreProperties>"""
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def paragraph(text: str, style: str = "", bold: str = "", italic: str = "") -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    runs = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    if bold:
        runs += f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{bold}</w:t></w:r>'
    if italic:
        runs += f'<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">{italic}</w:t></w:r>'
    return f"<w:p>{props}{runs}</w:p>"


def build_docx(paragraphs: list[str], core_title: str | None = None, media=False) -> bytes:
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}">'
        f"<w:body>{''.join(paragraphs)}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document)
        if core_title is not None:
            archive.writestr("docProps/core.xml", CORE.format(title=core_title))
        if media:
            archive.writestr("word/media/image1.png", b"\x89PNG not really")
    return buffer.getvalue()


STORY = [
    paragraph("The Greenhouse", style="Title"),
    paragraph("A note before we begin."),
    paragraph("Chapter 1: Seeds", style="Heading1"),
    paragraph("Ivo watered the herbs on the sill. ", bold="Carefully", italic=" and slowly."),
    paragraph("Chapter 2", style="Heading1"),
    paragraph("The first shoots came up <early> & green."),
]


def test_docx_title_from_the_title_paragraph_and_text():
    data = build_docx(STORY)
    assert detect("garden.docx", data) == "docx"
    work = parse("garden.docx", data)
    assert work.title == "The Greenhouse"
    assert work.creators == []  # Word's "author" property is not a pseud
    (only,) = work.chapters
    assert "<strong>Carefully</strong><em> and slowly.</em>" in only.text
    assert "<h1>Chapter 1: Seeds</h1>" in only.text
    assert "&lt;early&gt; &amp; green" in only.text
    assert "creators" in work.missing


def test_docx_split_at_headings():
    work = parse("garden.docx", build_docx(STORY), split_chapters=True)
    assert [c.title for c in work.chapters] == ["Seeds", ""]
    assert work.chapters[0].text.startswith("<p>A note before we begin.</p>")
    assert work.chapters[1].text == "<p>The first shoots came up &lt;early&gt; &amp; green.</p>"


def test_docx_title_from_document_properties_wins():
    data = build_docx([paragraph("Just text.")], core_title="Seedlings")
    work = parse("whatever.docx", data)
    assert work.title == "Seedlings"
    assert work.chapters[0].text == "<p>Just text.</p>"


def test_docx_pictures_are_reported():
    work = parse("pics.docx", build_docx([paragraph("Text.")], media=True))
    assert any(m.startswith("pictures") for m in work.missing)


def test_docx_without_its_document_part_is_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/other.xml", "<x/>")
    with pytest.raises(
        FormatError, match=r"^broken\.docx is damaged or not a Word \(\.docx\) file"
    ):
        parse("broken.docx", buffer.getvalue())


def test_docx_with_broken_xml_is_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", "<w:document><unclosed>")
    with pytest.raises(FormatError, match=r"broken\.docx is damaged"):
        parse("broken.docx", buffer.getvalue())


def test_docx_with_entity_definitions_is_refused_not_expanded():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body>'
        "</w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", laughs)
    with pytest.raises(FormatError, match=r"^laughs\.docx is damaged .* defines entities"):
        parse("laughs.docx", buffer.getvalue())
