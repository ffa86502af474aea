"""EPUB files: AO3's downloads (HTML downloads converted by Calibre) and other e-books.

The spine's XHTML files are read in order. When they hold an AO3 download (split over
several files) they are joined and read like the HTML download; any other e-book gives a
chapter per spine file, titled by its first heading, with title, creators, language and
description from the package metadata.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

from ficarchive.formats.importers import ao3_html, html_file
from ficarchive.formats.importers._common import (
    AO3_LOOKS_FOR,
    REQUIRED,
    chapter,
    creator_name,
    finish,
)
from ficarchive.formats.importers._dom import Element, parse_html
from ficarchive.formats.importers._input import decode_text, open_zip, read_member
from ficarchive.formats.work import FormatError, ParsedWork

KIND = "an EPUB"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"


def _xml(data: bytes, name: str, member: str) -> ET.Element:
    if b"<!ENTITY" in data:
        raise FormatError(f"{name} is damaged or not {KIND} file: {member} defines entities.")
    try:
        return ET.fromstring(data)
    except ET.ParseError:
        raise FormatError(
            f"{name} is damaged or not {KIND} file: {member} can't be read."
        ) from None


def _package(archive, name: str) -> tuple[str, ET.Element]:
    container = _xml(
        read_member(archive, "META-INF/container.xml", name, KIND), name, "container.xml"
    )
    rootfile = container.find(f".//{_CONTAINER}rootfile")
    path = rootfile.get("full-path", "") if rootfile is not None else ""
    if not path:
        candidates = [n for n in archive.namelist() if n.endswith(".opf")]
        if not candidates:
            raise FormatError(f"{name} is damaged or not {KIND} file: it has no package file.")
        path = candidates[0]
    return path, _xml(read_member(archive, path, name, KIND), name, path)


def parse(name: str, data: bytes, *, split_chapters: bool = False) -> ParsedWork:
    archive = open_zip(name, data, KIND)
    opf_path, package = _package(archive, name)
    base = posixpath.dirname(opf_path)
    manifest = {item.get("id"): item for item in package.iter(f"{_OPF}item") if item.get("id")}
    documents: list[tuple[str, Element]] = []
    members = set(archive.namelist())
    for ref in package.iter(f"{_OPF}itemref"):
        item = manifest.get(ref.get("idref", ""))
        if item is None or "nav" in (item.get("properties") or "").split():
            continue
        if "html" not in (item.get("media-type") or ""):
            continue
        path = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
        if path not in members:
            continue
        text = decode_text(f"{name} ({path})", read_member(archive, path, name, KIND))
        root, _ = parse_html(text)
        documents.append((path, root.find("body") or root))
    metadata = package.find(f"{_OPF}metadata")
    meta = _metadata(metadata) if metadata is not None else {}
    if any(ao3_html.is_download(document, document.text()) for _path, document in documents):
        joined = Element("#document")
        body = Element("body", parent=joined)
        joined.children = [body]
        for _path, document in documents:
            for child in document.children:
                if isinstance(child, Element):
                    child.parent = body
                body.children.append(child)
        work = ao3_html.parse_download_tree(joined, [], "")
        looked_for = AO3_LOOKS_FOR
    else:
        work = _other_ebook(documents)
        looked_for = REQUIRED
    work.title = work.title or meta.get("title", "")
    work.creators = work.creators or meta.get("creators", [])
    work.language = work.language or meta.get("language", "")
    if not work.summary and meta.get("description"):
        work.summary = meta["description"]
    return finish(work, looked_for)


def _metadata(metadata: ET.Element) -> dict:
    def texts(tag: str) -> list[str]:
        return [" ".join((e.text or "").split()) for e in metadata.iter(f"{_DC}{tag}")]

    found: dict = {}
    titles = [t for t in texts("title") if t]
    if titles:
        found["title"] = titles[0]
    creators = [creator_name(c) for c in texts("creator") if c]
    # Calibre joins several authors with " & " into one creator entry.
    found["creators"] = [n.strip() for c in creators for n in c.split(" & ") if n.strip()]
    languages = [t for t in texts("language") if t and t.casefold() != "und"]
    if languages:
        found["language"] = languages[0]
    descriptions = [e.text or "" for e in metadata.iter(f"{_DC}description")]
    if descriptions and descriptions[0].strip():
        found["description"] = descriptions[0]
    return found


def _other_ebook(documents: list[tuple[str, Element]]) -> ParsedWork:
    work = ParsedWork()
    for _path, document in documents:
        holder = Element("#document")
        holder.children = [document]
        container = html_file.content_root(holder)
        title = ""
        heading = container.find(where=lambda e: re.fullmatch(r"h[1-3]", e.tag) is not None)
        if heading is not None and heading.clean_text():
            title = ao3_html.chapter_title(heading.clean_text())
            heading.remove()
        part = chapter(title, container.inner_html())
        if part.words or re.search(r"<img\b[^>]*\ssrc=", part.text):
            work.chapters.append(part)
    return work
