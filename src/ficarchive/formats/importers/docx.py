"""Word (.docx) documents, through mammoth's HTML and the HTML file importer.

The title comes from the document's properties (File → Info → Title) or else from a
leading "Title" or "Heading 1" paragraph. The document's "author" property is the name of
whoever's copy of Word made the file, often a real name, so it is not used as a creator.
Pictures in Word files are embedded data, which the archive does not host: they are left
out and `missing` says so.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import mammoth

from ficarchive.formats.importers import html_file
from ficarchive.formats.importers._dom import parse_html
from ficarchive.formats.importers._input import open_zip, read_member
from ficarchive.formats.work import FormatError, ParsedWork

KIND = "a Word (.docx)"
_STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p.Title => h1:fresh
p[style-name='Subtitle'] => p:fresh
"""
_DC = "{http://purl.org/dc/elements/1.1/}"


def parse(name: str, data: bytes, *, split_chapters: bool = False) -> ParsedWork:
    archive = open_zip(name, data, KIND)
    members = set(archive.namelist())
    if "word/document.xml" not in members:
        raise FormatError(f"{name} is damaged or not {KIND} file.")
    for member in members:
        # Word never writes entity definitions; refuse them rather than expand them.
        if member.endswith((".xml", ".rels")) and b"<!ENTITY" in read_member(
            archive, member, name, KIND
        ):
            raise FormatError(f"{name} is damaged or not {KIND} file: {member} defines entities.")
    title = ""
    if "docProps/core.xml" in members:
        title = _core_title(read_member(archive, "docProps/core.xml", name, KIND))
    try:
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=_STYLE_MAP)
    except Exception as error:  # mammoth raises many kinds on broken documents
        raise FormatError(f"{name} is damaged or not {KIND} file.") from error
    root, _comments = parse_html(f"<body>{result.value}</body>")
    work = html_file.from_tree(root, split_chapters=split_chapters, title=title)
    if any(m.startswith("word/media/") for m in members):
        work.missing.append("pictures (pictures inside Word files are not imported)")
    return work


def _core_title(xml: bytes) -> str:
    if b"<!ENTITY" in xml:
        return ""
    try:
        element = ET.fromstring(xml).find(f"{_DC}title")
    except ET.ParseError:
        return ""
    return re.sub(r"\s+", " ", element.text or "").strip() if element is not None else ""
