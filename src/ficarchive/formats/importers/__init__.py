"""Importers: bytes of a file in, a ParsedWork out (or a FormatError saying what is wrong).

    detect(name, data)  -> "ao3-html-download", "ao3-html-page", "ao3-epub", "ao3-text",
                           "html", "docx", "markdown" or "text"
    parse(name, data, split_chapters=False) -> ParsedWork
    parse_many(name, data) -> list[ParsedWork]

`name` is the file's name as the person gave it: it picks between formats when the
content alone can't (Markdown), and every error message names it. Files over LIMIT_BYTES,
empty files, binary files and damaged or oversized archives raise FormatError; so does
every other problem the person importing can act on. Values a file doesn't have are left
empty and listed in ParsedWork.missing, never guessed.
"""

from __future__ import annotations

import re

from ficarchive.formats.importers import (
    ao3_epub,
    ao3_html,
    ao3_text,
    docx,
    html_file,
    plaintext,
)
from ficarchive.formats.importers._dom import parse_html
from ficarchive.formats.importers._input import (
    LIMIT_BYTES,
    check_known_binary,
    check_size,
    decode_text,
    open_zip,
)
from ficarchive.formats.work import FormatError, ParsedWork

__all__ = ["KINDS", "LIMIT_BYTES", "FormatError", "detect", "parse", "parse_many"]

KINDS = ("ao3-html-download", "ao3-html-page", "ao3-epub", "ao3-text", "html", "docx",
         "markdown", "text")  # fmt: skip
_HTML_EXTENSIONS = {"html", "htm", "xhtml", "xht"}
_MARKDOWN_EXTENSIONS = {"md", "markdown", "mdown", "mkd", "mkdn"}
_TEXT_EXTENSIONS = {"txt", "text"}
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAGS = re.compile(r"<(?:p|div|br|h[1-6]|span|em|i|b|strong)\b[^<>]{0,200}>", re.I)


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].casefold() if "." in base else ""


class _Sniffed:
    def __init__(self, kind: str, text: str = "", tree: tuple | None = None) -> None:
        self.kind = kind
        self.text = text
        self.tree = tree


def _sniff(name: str, data: bytes) -> _Sniffed:
    check_size(name, data)
    extension = _extension(name)
    if data.startswith(b"PK") or extension in ("docx", "epub"):
        return _sniff_zip(name, data, extension)
    check_known_binary(name, data)
    text = decode_text(name, data)
    html_like = _HTML_START.match(text[:4000]) or (
        extension not in _TEXT_EXTENSIONS | _MARKDOWN_EXTENSIONS
        and text.lstrip().startswith("<")
        and _HTML_TAGS.search(text[:20000])
    )
    if extension in _HTML_EXTENSIONS or html_like:
        root, comments = parse_html(text)
        if ao3_html.is_page(root):
            return _Sniffed("ao3-html-page", text, (root, comments))
        if ao3_html.is_download(root, text):
            return _Sniffed("ao3-html-download", text, (root, comments))
        return _Sniffed("html", text, (root, comments))
    if ao3_text.looks_like(text):
        return _Sniffed("ao3-text", text)
    if extension in _MARKDOWN_EXTENSIONS or (
        extension not in _TEXT_EXTENSIONS and plaintext.looks_like_markdown(text)
    ):
        return _Sniffed("markdown", text)
    return _Sniffed("text", text)


def _sniff_zip(name: str, data: bytes, extension: str) -> _Sniffed:
    kind = {"docx": docx.KIND, "epub": ao3_epub.KIND}.get(extension, "a Word (.docx) or EPUB")
    archive = open_zip(name, data, kind)
    members = set(archive.namelist())
    if "word/document.xml" in members:
        return _Sniffed("docx")
    if "META-INF/container.xml" in members:
        return _Sniffed("ao3-epub")
    if extension in ("docx", "epub"):
        raise FormatError(f"{name} is damaged or not {kind} file.")
    raise FormatError(
        f"{name} is a zip archive, not a Word (.docx) or EPUB file; unpack it and import "
        "the files inside."
    )


def detect(name: str, data: bytes) -> str:
    """Which kind of file this is (one of KINDS); FormatError when it can't be imported."""
    return _sniff(name, data).kind


def parse(name: str, data: bytes, *, split_chapters: bool = False) -> ParsedWork:
    """Read one work from a file. split_chapters applies to text, Markdown, HTML and Word
    files: "Chapter N" lines or headings start chapters."""
    sniffed = _sniff(name, data)
    kind = sniffed.kind
    if kind == "docx":
        return docx.parse(name, data, split_chapters=split_chapters)
    if kind == "ao3-epub":
        return ao3_epub.parse(name, data, split_chapters=split_chapters)
    if kind in ("ao3-html-page", "ao3-html-download"):
        root, comments = sniffed.tree
        return ao3_html.parse_tree(root, comments, sniffed.text)
    if kind == "html":
        root, _comments = sniffed.tree
        return html_file.from_tree(root, split_chapters=split_chapters)
    if kind == "ao3-text":
        return ao3_text.parse(name, sniffed.text, split_chapters=split_chapters)
    return plaintext.parse(
        name, sniffed.text, split_chapters=split_chapters, markdown=kind == "markdown"
    )


def parse_many(name: str, data: bytes, *, split_chapters: bool = False) -> list[ParsedWork]:
    """The works in a file: a file holds one work, so this is [parse(...)]."""
    return [parse(name, data, split_chapters=split_chapters)]
