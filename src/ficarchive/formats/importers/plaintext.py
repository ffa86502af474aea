"""Plain text and Markdown stories.

Blank lines separate paragraphs. A first line "# Title" or "Title: …" gives the title (and
"Author: …" / "by …" lines right under it the creators); otherwise the title is missing.
With split_chapters, lines such as "Chapter 3", "Chapter 3: The Storm" or a heading start
chapters. Markdown is converted with a small built-in subset: headings, *em*, _em_,
**strong**, `code`, links, images, blockquotes, lists, rules and fenced code.
"""

from __future__ import annotations

import html
import re

from ficarchive.formats.importers._common import (
    REQUIRED,
    chapter,
    creators_from_byline,
    finish,
    text_to_html,
)
from ficarchive.formats.work import ParsedWork

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|first|second|"
    "third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final"
)
_CHAPTER_LINE = re.compile(
    r"^(?:Chapter|Ch\.|Part)\s+(?:\d{1,4}|[IVXLCDM]{1,8}|"
    rf"(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?)"
    r"\s*(?:[:.\-–—]\s*(.*?))?\s*$",
    re.I,
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_TITLE = re.compile(r"^Title:\s*(.+)$", re.I)
_HEADER = re.compile(r"^(Authors?|By|Creators?|Summary|Fandoms?|Language):\s*(.+)$", re.I)
_BY = re.compile(r"^by\s+(.+)$", re.I)


def looks_like_markdown(text: str) -> bool:
    head = text[:20000]
    headings = re.search(r"(?m)^#{1,6} \S", head)
    inline = re.search(r"(?m)\*\*[^*\n]+\*\*|\[[^\]\n]+\]\([^)\s]+\)|^```", head)
    return bool(headings and inline)


def parse(
    name: str, text: str, *, split_chapters: bool = False, markdown: bool = False
) -> ParsedWork:
    work = ParsedWork()
    lines = text.strip("\n").split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    first = lines[start].strip() if start < len(lines) else ""
    title_match = _TITLE.match(first)
    heading = _HEADING.match(first)
    if title_match:
        work.title = title_match.group(1).strip()
        start += 1
    elif heading and len(heading.group(1)) == 1:
        work.title = _plain_inline(heading.group(2)) if markdown else heading.group(2).strip()
        start += 1
    if work.title:
        start = _header(lines, start, work)
    body = lines[start:]
    renderer = markdown_to_html if markdown else text_to_html
    if split_chapters:
        for title, chunk in _split(body, markdown):
            work.chapters.append(chapter(title, renderer("\n".join(chunk))))
    else:
        work.chapters.append(chapter("", renderer("\n".join(body))))
    return finish(work, REQUIRED)


def _header(lines: list[str], start: int, work: ParsedWork) -> int:
    """`Author: …`, `by …`, `Summary: …`, `Fandom: …`, `Language: …` lines under the title."""
    index = start
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            index += 1
            continue
        header = _HEADER.match(line)
        by = _BY.match(line) if index == start or not lines[index - 1].strip() else None
        if header:
            key, value = header.group(1).casefold(), header.group(2).strip()
            if key.startswith(("author", "by", "creator")):
                work.creators = creators_from_byline(value.replace(" & ", ", "))
            elif key == "summary":
                work.summary = text_to_html(value)
            elif key.startswith("fandom"):
                work.fandoms = [f.strip() for f in value.split(",") if f.strip()]
            elif key == "language":
                work.language = value
        elif by and not work.creators:
            work.creators = creators_from_byline(by.group(1).replace(" & ", ", "))
        else:
            break
        index += 1
        start = index
    return start


def _split(body: list[str], markdown: bool) -> list[tuple[str, list[str]]]:
    """Chapters as (title, lines). In Markdown the highest heading level present starts
    chapters; elsewhere "Chapter N" lines and headings do. Text before the first chapter
    line stays with the first chapter."""
    fence = False
    levels = []
    for line in body:
        if line.strip().startswith("```"):
            fence = not fence
        elif not fence and _HEADING.match(line.strip()):
            levels.append(len(_HEADING.match(line.strip()).group(1)))
    level = min(levels) if levels else None
    chapters: list[tuple[str, list[str]]] = []
    lead: list[str] = []
    fence = False
    for index, line in enumerate(body):
        key = line.strip()
        if key.startswith("```"):
            fence = not fence
        title = None
        if not fence:
            heading = _HEADING.match(key)
            standalone = index == 0 or not body[index - 1].strip()
            if heading and (level is None or len(heading.group(1)) == level):
                title = heading.group(2)
                found = _CHAPTER_LINE.match(title)
                if found:
                    title = found.group(1) or ""
                if markdown:
                    title = _plain_inline(title)
            elif (level is None or not markdown) and standalone and _CHAPTER_LINE.match(key):
                title = _CHAPTER_LINE.match(key).group(1) or ""
        if title is not None:
            chapters.append((title.strip(), []))
        elif chapters:
            chapters[-1][1].append(line)
        else:
            lead.append(line)
    if not chapters:
        return [("", lead)]
    if any(line.strip() for line in lead):
        chapters[0] = (chapters[0][0], lead + [""] + chapters[0][1])
    return chapters


# -- Markdown -----------------------------------------------------------------------------

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_ORDERED = re.compile(r"^\s{0,3}(\d{1,9})[.)]\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_CODE_SPAN = re.compile(r"`([^`\n]{1,1000})`")
# Possessive quantifiers and no brackets inside: hostile runs of "[a](" stay linear.
_IMAGE = re.compile(
    r"!\[([^\[\]\n]{0,300}+)\]\(([^()\[\]\s]{1,2000}+)(?:\s+&quot;[^\n]{0,300}?&quot;)?\)"
)
_LINK = re.compile(
    r"\[([^\[\]\n]{1,500}+)\]\(([^()\[\]\s]{1,2000}+)(?:\s+&quot;[^\n]{0,300}?&quot;)?\)"
)
_STRONG = re.compile(r"\*\*(?=\S)([^*\n]{1,500}?)(?<=\S)\*\*|__(?=\S)([^_\n]{1,500}?)(?<=\S)__")
_EM = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]{1,500}?)(?<=\S)\*(?![\w*])|(?<![\w])_(?=\S)([^_\n]{1,500}?)(?<=\S)_(?!\w)"
)
MAX_QUOTE_DEPTH = 8


def _inline(text: str) -> str:
    """Escape, then the inline subset. Raw HTML is shown as written, never interpreted."""
    text = html.escape(text, quote=True)
    codes: list[str] = []

    def keep_code(match: re.Match) -> str:
        codes.append(f"<code>{match.group(1)}</code>")
        return f"\x00{len(codes) - 1}\x00"

    text = _CODE_SPAN.sub(keep_code, text)
    text = _IMAGE.sub(lambda m: f'<img src="{m.group(2)}" alt="{m.group(1)}">', text)
    text = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', text)
    text = _STRONG.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", text)
    text = _EM.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", text)
    text = re.sub(r"(?: {2,}|\\)\n", "<br>\n", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], text)


def _plain_inline(text: str) -> str:
    """A heading's text without its Markdown marks, for titles (which are plain text)."""
    text = _LINK.sub(r"\1", html.escape(text, quote=True))
    text = re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    return html.unescape(text).strip()


def markdown_to_html(text: str, depth: int = 0) -> str:
    """The Markdown subset as HTML (cleaned by the caller through chapter())."""
    lines = text.split("\n")
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(chr(10).join(paragraph))}</p>")
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        key = line.strip()
        if _FENCE.match(line):
            flush()
            marker = _FENCE.match(line).group(1)
            code = []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith(marker):
                code.append(lines[index])
                index += 1
            out.append(f"<pre><code>{html.escape(chr(10).join(code), quote=False)}</code></pre>")
            index += 1
            continue
        if not key:
            flush()
        elif _HEADING.match(key):
            flush()
            heading = _HEADING.match(key)
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif _RULE.match(line):
            flush()
            out.append("<hr>")
        elif _QUOTE.match(line) and depth < MAX_QUOTE_DEPTH:
            flush()
            quoted = []
            while index < len(lines) and _QUOTE.match(lines[index]):
                quoted.append(_QUOTE.match(lines[index]).group(1))
                index += 1
            out.append(
                f"<blockquote>{markdown_to_html(chr(10).join(quoted), depth + 1)}</blockquote>"
            )
            continue
        elif _BULLET.match(line) or _ORDERED.match(line):
            flush()
            ordered = bool(_ORDERED.match(line))
            pattern = _ORDERED if ordered else _BULLET
            items: list[list[str]] = []
            start = _ORDERED.match(line).group(1) if ordered else None
            while index < len(lines):
                item = pattern.match(lines[index])
                if item:
                    items.append([item.group(item.lastindex)])
                elif lines[index].strip() and lines[index].startswith((" ", "\t")) and items:
                    items[-1].append(lines[index].strip())
                else:
                    break
                index += 1
            tag = "ol" if ordered else "ul"
            attrs = f' start="{int(start)}"' if ordered and start and int(start) != 1 else ""
            body = "".join(f"<li>{_inline(chr(10).join(item))}</li>" for item in items)
            out.append(f"<{tag}{attrs}>{body}</{tag}>")
            continue
        else:
            paragraph.append(key)
        index += 1
    flush()
    return "\n".join(out)
