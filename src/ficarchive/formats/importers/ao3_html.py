"""AO3 in HTML: the download (also what EPUB downloads hold) and a saved work page.

The download reads: "Posted originally on the … at <url>."; a `dl` of labels (Rating,
Archive Warning(s), …, Language, Series, Stats); the title as `h1`; the byline; `Summary`
and `Notes` paragraphs each followed by a blockquote; the chapters (an `h2` per chapter,
`Chapter Summary`, `Chapter Notes`, the text in `div.userstuff`, `Chapter End Notes`); the
afterword with `End Notes`. Generations differ (no title line before 2019, no Language
before mid-2022, raw warning names and Chapters before Words until 2023, singular labels
until late 2023, thousands separators since, chapter headings "Title" before 2025 and
"Chapter N: Title" since) and EPUB conversion splits it over several files, so it is read
by walking the document in order and reacting to labels, not by fixed paths.

The saved work page is the site's own markup: `dl.work.meta` with a `dd` per tag type,
`#workskin` with the preface, `#chapters` and the afterword.
"""

from __future__ import annotations

import re
from collections import Counter

from ficarchive.formats.importers._common import (
    AO3_LOOKS_FOR,
    WORK_URL,
    add_series,
    apply_stats,
    apply_tags,
    chapter,
    creator_name,
    creators_from_byline,
    finish,
    label_field,
    norm_label,
    parse_series_text,
    series_title,
    split_tags,
)
from ficarchive.formats.importers._dom import Element, parse_html
from ficarchive.formats.work import ParsedChapter, ParsedWork, SeriesPart

_CHAPTER_HEADING = re.compile(r"^Chapter\s+(\d{1,5})\s*(?::\s*(.*))?$", re.S)
_PART_BEFORE = re.compile(r"\bPart\s+(\d{1,6})\s+of\s*(the\s*)?$", re.I)
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)")
_RELATIVE_WORK = re.compile(r"^/works/(\d{1,12})(?:[/?#]|$)")
_SECTION_LABELS = {"summary", "notes", "chapter summary", "chapter notes", "chapter end notes",
                   "end notes"}  # fmt: skip
_PAGE_CLASSES = {"rating": "rating", "warning": "warnings", "category": "categories",
                 "fandom": "fandoms", "relationship": "relationships",
                 "character": "characters", "freeform": "additional_tags"}  # fmt: skip


def is_page(root: Element) -> bool:
    return root.find(id="workskin") is not None or (
        root.find("dl", where=lambda e: e.has_class("work", "meta")) is not None
    )


def is_download(root: Element, text: str) -> bool:
    return "Posted originally on the" in text or (
        root.find(id="chapters") is not None
        and root.find("dl", where=lambda e: "tags" in e.classes) is not None
    )


def chapter_title(text: str) -> str:
    """ "Chapter 3: The Storm" → "The Storm"; "Chapter 3" → ""; anything else is a title."""
    text = " ".join(text.split())
    match = _CHAPTER_HEADING.match(text)
    if match:
        return (match.group(2) or "").strip()
    return text


def series_from(element: Element) -> list[SeriesPart]:
    """Series from "Part 2 of <a>Title</a>" (several, however they are joined)."""
    parts: list[SeriesPart] = []
    before = ""
    stack: list[Element | str] = list(reversed(element.children))
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            before += node
        elif node.tag == "a":
            match = _PART_BEFORE.search(" ".join(before.split()))
            if match:
                title = node.clean_text()
                if match.group(2):  # "Part 2 of the <a>X</a> series"
                    title = series_title(f"the {title} series")
                if title:
                    parts.append(SeriesPart(title=title, position=int(match.group(1))))
            before = ""
        else:
            stack.extend(reversed(node.children))
    return parts or parse_series_text(element.text(block_breaks=True))


def _tag_names(dd: Element) -> list[str]:
    links = [a.clean_text() for a in dd.find_all("a")]
    if links:
        return [name for name in links if name]
    items = [li.clean_text() for li in dd.find_all("li")]
    return split_tags(items or [dd.clean_text()])


def _apply_field(work: ParsedWork, field: str, dd: Element) -> None:
    if field == "stats":
        apply_stats(work, dd.text(block_breaks=True))
    elif field == "series":
        add_series(work, series_from(dd))
    elif field == "language":
        apply_tags(work, "language", [dd.clean_text()])
    elif field != "collections":
        apply_tags(work, field, _tag_names(dd))


def _source_url(root: Element, comments: list[str], text: str) -> str:
    for link in root.find_all("link"):
        if "canonical" in link.get("rel").split() and WORK_URL.match(link.get("href")):
            return WORK_URL.match(link.get("href")).group(0)
    for meta in root.find_all("meta"):
        if meta.get("property") == "og:url" and WORK_URL.match(meta.get("content")):
            return WORK_URL.match(meta.get("content")).group(0)
    for comment in comments:
        saved = _SAVED_FROM.search(comment)
        if saved and WORK_URL.match(saved.group(1)):
            return WORK_URL.match(saved.group(1)).group(0)
    for a in root.find_all("a"):
        match = WORK_URL.match(a.get("href"))
        if match:
            return match.group(0)
    # A page saved with relative links still says in its title which archive it came from.
    title = root.find("title")
    if title is not None and title.clean_text().endswith("[Archive of Our Own]"):
        ids = Counter(
            match.group(1)
            for a in root.find_all("a")
            if (match := _RELATIVE_WORK.match(a.get("href")))
        )
        if ids:
            return f"https://archiveofourown.org/works/{ids.most_common(1)[0][0]}"
    found = WORK_URL.search(text)
    return found.group(0) if found else ""


# -- the download ------------------------------------------------------------------------


class _DownloadReader:
    def __init__(self, work: ParsedWork) -> None:
        self.work = work
        self.pending: str | None = None
        self.chapters: list[dict] = []
        self.heading_waiting = False  # a chapter heading was read, its text not yet

    def walk(self, root: Element) -> None:
        stack: list[Element] = [root]
        while stack:
            node = stack.pop()
            if node is root or not self.visit(node):
                stack.extend(reversed(node.elements))

    def current(self) -> dict:
        if not self.chapters:
            self.chapters.append({"title": "", "text": []})
        return self.chapters[-1]

    def visit(self, node: Element) -> bool:
        """Handle one element; True when its inside has been read."""
        tag, classes = node.tag, node.classes
        if tag in ("script", "style", "head", "title"):
            return True
        if tag == "dl":
            return self.read_dl(node)
        if tag == "h1":
            if not self.work.title:
                self.work.title = node.clean_text()
            return True
        if tag == "p" and "message" in classes:
            text = node.clean_text()
            if "Posted originally on the" in text:
                for a in node.find_all("a"):
                    match = WORK_URL.match(a.get("href"))
                    if match:
                        self.work.source_url = match.group(0)
                if not self.work.source_url and WORK_URL.search(text):
                    self.work.source_url = WORK_URL.search(text).group(0)
                bold = node.find("b")
                if bold and not self.work.title:
                    self.work.title = bold.clean_text()
            return True
        if "byline" in classes:
            text = node.clean_text()
            if self.chapters or text.startswith("Chapter by"):
                return True
            links = [creator_name(a.clean_text()) for a in node.find_all("a")]
            names = [n for n in links if n] or creators_from_byline(text)
            for name in names:
                if name not in self.work.creators:
                    self.work.creators.append(name)
            return True
        if tag == "p" and norm_label(node.clean_text()) in _SECTION_LABELS:
            self.pending = norm_label(node.clean_text())
            return True
        if tag == "blockquote":
            if self.pending:
                self.store(self.pending, node.inner_html())
                self.pending = None
            return True
        if tag == "div" and "endnote-link" in classes:
            return True
        if tag == "h2":
            text = node.clean_text()
            if "toc-heading" in classes:
                return True  # "Preface", "Afterword", or the title of a one-chapter work
            if "heading" in classes or (node.parent is not None and "meta" in node.parent.classes):
                self.chapters.append({"title": chapter_title(text), "text": []})
                self.heading_waiting = True
                self.pending = None
                return True
            return False
        if "userstuff" in classes and node.id != "chapters" and tag != "blockquote":
            wrapper = node.find("h2", where=lambda e: "heading" in e.classes) or node.find(
                where=lambda e: "userstuff" in e.classes and e.tag == "div"
            )
            if wrapper is not None:
                return False  # the chapters' wrapper (its id lost in an EPUB), not a text
            self.current()["text"].append(node.inner_html())
            self.heading_waiting = False
            self.pending = None
            return True
        return False

    def store(self, label: str, fragment: str) -> None:
        if label == "summary":
            self.work.summary = self.work.summary or fragment
        elif label == "notes":
            self.work.notes = self.work.notes or fragment
        elif label == "end notes":
            self.work.end_notes = fragment
        else:
            key = {
                "chapter summary": "summary",
                "chapter notes": "notes",
                "chapter end notes": "end_notes",
            }[label]
            self.current()[key] = fragment

    def read_dl(self, dl: Element) -> bool:
        terms = [e for e in dl.elements if e.tag == "dt"]
        if not terms:
            return False
        if norm_label(terms[0].clean_text()).startswith("works inspired by"):
            return True
        fields = [label_field(t.clean_text()) for t in terms]
        if not any(fields):
            return False
        label = None
        for element in dl.elements:
            if element.tag == "dt":
                label = label_field(element.clean_text())
            elif element.tag == "dd" and label:
                _apply_field(self.work, label, element)
        return True

    def chapters_out(self) -> list[ParsedChapter]:
        return [
            chapter(
                c["title"],
                "\n".join(c["text"]),
                c.get("summary", ""),
                c.get("notes", ""),
                c.get("end_notes", ""),
            )
            for c in self.chapters
        ]


def parse_download_tree(root: Element, comments: list[str], text: str) -> ParsedWork:
    work = ParsedWork()
    reader = _DownloadReader(work)
    reader.walk(root)
    work.chapters = reader.chapters_out()
    if not work.source_url:
        work.source_url = _source_url(root, comments, text)
    return work


# -- the saved work page -----------------------------------------------------------------


def _blockquote(element: Element | None) -> str:
    if element is None:
        return ""
    quote = element.find("blockquote")
    return quote.inner_html() if quote is not None else ""


def _page_chapter(node: Element) -> ParsedChapter:
    heading = node.find("h3", cls="title")
    title = chapter_title(heading.clean_text()) if heading is not None else ""
    summary = _blockquote(node.find(where=lambda e: "summary" in e.classes and e.tag == "div"))
    notes = _blockquote(node.find(where=lambda e: e.has_class("notes") and "end" not in e.classes))
    end_notes = _blockquote(node.find(where=lambda e: e.has_class("end", "notes")))
    content = node.find(where=lambda e: "userstuff" in e.classes and e.tag != "blockquote")
    return chapter(title, _content(content), summary, notes, end_notes)


def _content(element: Element | None) -> str:
    if element is None:
        return ""
    for landmark in element.find_all(where=lambda e: "landmark" in e.classes):
        landmark.remove()
    return element.inner_html()


def parse_page_tree(root: Element, comments: list[str], text: str) -> ParsedWork:
    work = ParsedWork()
    meta = root.find("dl", where=lambda e: e.has_class("work", "meta"))
    if meta is not None:
        for dd in meta.find_all("dd"):
            if dd.parent is not meta:
                continue
            kind = next((_PAGE_CLASSES[c] for c in dd.classes if c in _PAGE_CLASSES), None)
            if kind is None:
                kind = next(
                    (c for c in ("language", "series", "stats", "collections") if c in dd.classes),
                    None,
                )
            if kind:
                _apply_field(work, kind, dd)
    skin = root.find(id="workskin") or root
    heading = skin.find("h2", where=lambda e: "title" in e.classes)
    if heading is not None:
        work.title = heading.clean_text()
    byline = skin.find(where=lambda e: "byline" in e.classes)
    if byline is not None:
        links = [creator_name(a.clean_text()) for a in byline.find_all("a")]
        work.creators = [n for n in links if n] or creators_from_byline(byline.clean_text())
    preface = skin.find(
        "div",
        where=lambda e: (
            e.has_class("preface", "group")
            and "afterword" not in e.classes
            and "chapter" not in e.classes
        ),
    )
    if preface is not None:
        work.summary = _blockquote(preface.find("div", where=lambda e: "summary" in e.classes))
        work.notes = _blockquote(preface.find("div", where=lambda e: "notes" in e.classes))
    chapters = skin.find(id="chapters")
    if chapters is not None:
        blocks = [
            e for e in chapters.elements if "chapter" in e.classes and e.id.startswith("chapter-")
        ]
        if blocks:
            work.chapters = [_page_chapter(block) for block in blocks]
        else:
            content = chapters.find(where=lambda e: "userstuff" in e.classes)
            work.chapters = [chapter("", _content(content))]
    end_notes = skin.find(id="work_endnotes")
    work.end_notes = _blockquote(end_notes)
    series = skin.find(id="series")
    if series is not None and not work.series:
        for item in series.find_all("li"):
            add_series(work, series_from(item))
    work.source_url = _source_url(root, comments, text)
    return work


def parse(name: str, text: str, *, split_chapters: bool = False) -> ParsedWork:
    """An AO3 download or saved work page, whichever it is."""
    root, comments = parse_html(text)
    return parse_tree(root, comments, text)


def parse_tree(root: Element, comments: list[str], text: str) -> ParsedWork:
    work = (parse_page_tree if is_page(root) else parse_download_tree)(root, comments, text)
    return finish(work, AO3_LOOKS_FOR)
