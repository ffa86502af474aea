"""A work as plain UTF-8 text, laid out like the HTML download.

Lines are never wrapped: each paragraph is one line and a blank line separates paragraphs,
so any reader or editor can wrap to its own width. A line break inside a paragraph (verse,
letters) stays a single line break. Lists, tables and ruby get plain-text equivalents.
"""

from __future__ import annotations

import re

from ficarchive.formats.export import _layout as layout
from ficarchive.formats.export._base import ExportContext
from ficarchive.formats.export.xhtml import Element, Node, parse
from ficarchive.formats.work import ParsedWork

_BLOCKS = {"address", "blockquote", "caption", "dd", "details", "div", "dt", "figcaption",
           "figure", "h1", "h2", "h3", "h4", "h5", "h6", "li", "p", "pre", "summary", "td",
           "th", "tr", "thead", "tbody", "tfoot"}  # fmt: skip
SCENE_BREAK = "* * *"
_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML's white space; a no-break space is text


class _Text:
    """Walks a parsed fragment, gathering inline text into paragraphs."""

    def __init__(self, pre: bool = False) -> None:
        self.pre = pre  # inside <pre>: spaces and line breaks are the author's layout
        self.paragraphs: list[str] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer.clear()
        if self.pre:
            lines = [line.rstrip() for line in text.split("\n")]
        else:
            lines = [_SPACES.sub(" ", line).strip(" ") for line in text.split("\n")]
        text = "\n".join(lines).strip("\n")
        if text.strip():
            self.paragraphs.append(text)

    def run(self, nodes: list[Node]) -> list[str]:
        self.walk(nodes)
        self.flush()
        return self.paragraphs

    def walk(self, nodes: list[Node], pre: bool = False) -> None:
        for node in nodes:
            if isinstance(node, str):
                self.buffer.append(node if pre else _SPACES.sub(" ", node))
            else:
                self.element(node, pre)

    def element(self, node: Element, pre: bool) -> None:
        tag = node.tag
        if node.fallback:
            return  # a ruby's own "(" ")", written again around each annotation below
        if tag == "br":
            self.buffer.append("\n")
        elif tag == "img":
            alt = " ".join(node.attrs.get("alt", "").split())
            self.buffer.append(f"[Image: {alt}]" if alt else "[Image]")
        elif tag == "hr":
            self.flush()
            self.paragraphs.append(SCENE_BREAK)
        elif tag in {"ul", "ol", "dl", "table"}:
            self.flush()
            convert = {"ul": _list, "ol": _list, "dl": _dl, "table": _table}[tag]
            lines = convert(node)
            if lines:
                self.paragraphs.append("\n".join(lines))
        elif tag == "ruby":
            for child in node.children:
                if isinstance(child, Element) and child.tag == "rt":
                    self.buffer.append("(" + _inline(child) + ")")
                else:
                    self.walk([child], pre)
        elif tag == "q":
            self.buffer.append("“")
            self.walk(node.children, pre)
            self.buffer.append("”")
        elif tag == "pre":
            self.flush()
            inner = _Text(pre=True)
            inner.walk(node.children, pre=True)
            inner.flush()
            self.paragraphs += inner.paragraphs
        elif tag in _BLOCKS:
            self.flush()
            self.walk(node.children, pre)
            self.flush()
        else:
            self.walk(node.children, pre)


def _inline(node: Element) -> str:
    return " ".join(" ".join(_Text().run(node.children)).split())


def _lines(node: Element) -> str:
    """An item's paragraphs, one to a line."""
    return "\n".join(_Text().run(node.children))


def _list(node: Element) -> list[str]:
    ordered = node.tag == "ol"
    try:
        number = int(node.attrs.get("start", "1"))
    except ValueError:
        number = 1
    out = []
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                out.append(" ".join(child.split()))
            continue
        text = _lines(child)
        if child.tag == "li":
            marker = f"{number}." if ordered else "•"
            number += 1
            out.append(f"{marker} {text}" if text else marker)
        elif text:
            out.append(text)
    return out


def _dl(node: Element) -> list[str]:
    out = []
    for child in node.children:
        if isinstance(child, Element):
            text = _lines(child)
            if text:
                out.append(f"    {text}" if child.tag == "dd" else text)
        elif child.strip():
            out.append(" ".join(child.split()))
    return out


def _rows(node: Element) -> list[Element]:
    rows = []
    for child in node.children:
        if isinstance(child, Element):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in {"thead", "tbody", "tfoot"}:
                rows.extend(_rows(child))
    return rows


def _table(node: Element) -> list[str]:
    out = []
    for child in node.children:
        if isinstance(child, Element) and child.tag == "caption":
            out.append(_inline(child))
    for row in _rows(node):
        cells = [
            _inline(cell)
            for cell in row.children
            if isinstance(cell, Element) and cell.tag in {"td", "th"}
        ]
        if any(cells):
            out.append(" | ".join(cells))
    return [line for line in out if line]


def paragraphs(html: str) -> list[str]:
    """The fragment's text: one string per paragraph, line breaks inside kept as "\\n"."""
    return _Text().run(parse(html).children)


def _section(label: str, html: str) -> list[str]:
    """A labelled piece of author text: the label on its own line, then the paragraphs."""
    body = paragraphs(html)
    if not body:
        return []
    return [f"{label}:\n{body[0]}", *body[1:]]


def _notes(label: str, notes: str, end_notes: str, *, chapter: bool) -> list[str]:
    """Notes, and the pointer to the end notes when there are some."""
    out = _section(label, notes)
    if end_notes.strip():
        pointer = layout.notes_pointer(bool(out), chapter=chapter)
        out = [*out, pointer] if out else [f"{label}:\n{pointer}"]
    return out


def text(work: ParsedWork, ctx: ExportContext) -> str:
    title = layout.plain(work.title) or "Untitled"
    archive = layout.plain(ctx.archive_name)
    blocks = [f"{title}\nPosted originally on the {archive} at {ctx.work_url}."]
    rows = [f"{row.label}: {row.text}" for row in layout.tag_rows(work)]
    rows.append(f"Stats: {layout.stats_text(work)}")
    blocks.append("\n".join(rows))
    byline = layout.byline(work)
    blocks.append(f"{title}\nby {byline}" if byline else title)
    blocks += _section("Summary", work.summary)
    if work.notes.strip() or work.end_notes.strip():
        blocks += _notes("Notes", work.notes, work.end_notes, chapter=False)

    headings = layout.has_chapter_headings(work)
    for number, chapter in enumerate(work.chapters, start=1):
        if headings:
            blocks.append("\n\n" + layout.chapter_heading(number, chapter))
        blocks += _section("Chapter Summary", chapter.summary)
        if chapter.notes.strip() or chapter.end_notes.strip():
            blocks += _notes("Chapter Notes", chapter.notes, chapter.end_notes, chapter=True)
        # The same text markers a work page saved as text has, so the file imports back.
        blocks.append("Chapter Text" if headings else "\n\nWork Text:")
        blocks += paragraphs(chapter.text)
        blocks += _section("Chapter End Notes", chapter.end_notes)

    blocks.append("\n\nAfterword")
    blocks += _section("End Notes", work.end_notes)
    blocks.append(f"{layout.comment_message(layout.plain(ctx.archive_name))}\n{ctx.work_url}")
    return "\n\n".join(blocks) + "\n"


def render(work: ParsedWork, ctx: ExportContext) -> bytes:
    return text(work, ctx).encode("utf-8")
