"""Any HTML file (and the HTML that mammoth makes of a Word document).

The title comes from a leading <h1> (which then leaves the text) or else from <title>; a
<meta name="author"> gives the creators. With split_chapters, each heading of the highest
level present (h1, h2 or h3) starts a chapter and gives its title.
"""

from __future__ import annotations

from ficarchive.formats.importers._common import REQUIRED, chapter, creators_from_byline, finish
from ficarchive.formats.importers._dom import Element, parse_html
from ficarchive.formats.importers.ao3_html import chapter_title
from ficarchive.formats.work import ParsedChapter, ParsedWork

_WRAPPERS = {"div", "section", "article", "main", "body", "center"}
_HEADINGS = ("h1", "h2", "h3")
_SKIPPED = {"script", "style", "head", "title", "nav", "noscript", "template"}


def parse(name: str, text: str, *, split_chapters: bool = False) -> ParsedWork:
    root, _comments = parse_html(text)
    return from_tree(root, split_chapters=split_chapters)


def content_root(root: Element) -> Element:
    """The element whose children are the story: <body>, minus single wrapping divs."""
    node = root.find("body") or root
    while True:
        elements = [e for e in node.elements if e.tag not in _SKIPPED]
        text = "".join(c for c in node.children if isinstance(c, str)).strip()
        if len(elements) == 1 and not text and elements[0].tag in _WRAPPERS:
            node = elements[0]
        else:
            return node


def _leading_h1(container: Element) -> Element | None:
    for child in container.children:
        if isinstance(child, str):
            if child.strip():
                return None
            continue
        if child.tag in _SKIPPED:
            continue
        return child if child.tag == "h1" and child.clean_text() else None
    return None


def from_tree(
    root: Element,
    *,
    split_chapters: bool = False,
    title: str = "",
    creators: list[str] | None = None,
) -> ParsedWork:
    work = ParsedWork(creators=list(creators or []))
    container = content_root(root)
    for skipped in container.find_all(where=lambda e: e.tag in _SKIPPED):
        skipped.remove()
    heading = _leading_h1(container)
    if heading is not None and (not title or heading.clean_text() == title):
        work.title = heading.clean_text()
        heading.remove()
    else:
        work.title = title
    if not work.title:
        title_element = root.find("title")
        work.title = title_element.clean_text() if title_element is not None else ""
    if not work.creators:
        for meta in root.find_all("meta"):
            if meta.get("name").casefold() == "author" and meta.get("content").strip():
                work.creators = creators_from_byline(meta.get("content"))
    work.chapters = split(container) if split_chapters else [chapter("", container.inner_html())]
    return finish(work, REQUIRED)


def split(container: Element) -> list[ParsedChapter]:
    present = {e.tag for e in container.elements if e.tag in _HEADINGS}
    level = next((tag for tag in _HEADINGS if tag in present), None)
    if level is None:
        return [chapter("", container.inner_html())]
    groups: list[tuple[str, list]] = []
    lead: list = []
    for child in container.children:
        if isinstance(child, Element) and child.tag == level:
            groups.append((chapter_title(child.clean_text()), []))
        elif groups:
            groups[-1][1].append(child)
        else:
            lead.append(child)
    holder = Element("#document")
    if any(isinstance(c, Element) or c.strip() for c in lead):
        first_title, first_nodes = groups[0]
        groups[0] = (first_title, lead + first_nodes)
    chapters = []
    for title, nodes in groups:
        holder.children = nodes
        chapters.append(chapter(title, holder.inner_html()))
    return chapters
