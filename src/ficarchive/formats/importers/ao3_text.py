"""An AO3 work page saved as text (or copied from the browser), whole or in part.

Top to bottom the page reads: action links; the tag block (`Rating:` … `Stats:`); title
and byline; `Summary:`; `Notes:`; `Work Text:` and the text, or per chapter `Chapter N:
Title`, `Summary:`, `Notes:`, `Chapter Text`, the text and end notes under another
`Notes:`; then the afterword: `Notes:` (the work's end notes), `Series this work belongs
to:` and `Works inspired by this one:`. Every part but the text may be missing, and every
notes heading reads the same `Notes:`, so end notes are told apart by the "(See the end of
the … for notes.)" pointers when the capture has them.
"""

from __future__ import annotations

import re

from ficarchive.formats.importers._common import (
    AO3_LOOKS_FOR,
    WORK_URL,
    add_series,
    apply_stats,
    apply_tags,
    chapter,
    creators_from_byline,
    finish,
    label_field,
    parse_series_text,
    split_tags,
    text_to_html,
)
from ficarchive.formats.work import ParsedWork

_LABEL = re.compile(r"^([A-Za-z][A-Za-z ]{1,30}):\s*(.*)$")
_CHAPTER_HEADING = re.compile(r"^Chapter\s+(\d{1,5})\s*(?::\s*(.*))?$")
_STAT_VALUE = re.compile(r"^[\d,./?\-\s\u00a0\u202f]+$")
_SEE_END_WORK = re.compile(r"^\(?\s*See the end of the work for (.*?)\.?\s*\)?$", re.I)
_SEE_END_CHAPTER = re.compile(
    r"^\(?\s*See the end of the chapter for\s+(more\s+)?notes\.?\s*\)?$", re.I
)
_ASSOCIATION = re.compile(
    r"^(Inspired by .+ by |A translation of .+ by |Translation into .+ available:|"
    r"In response to a prompt by )"
)
_FOOTER = {
    "↑ top", "top", "actions", "← previous chapter", "next chapter →", "kudos ♥", "kudos",
    "bookmark", "share", "comments", "hide comments", "leave kudos", "post comment",
    "comment", "entire work", "chapter index", "download", "footer", "mark for later",
    "hide creator's style", "« previous chapter", "next chapter »",
}  # fmt: skip
_COMMENTS_COUNT = re.compile(r"^comments \(\d[\d,]*\)$")
# The closing lines of a download: "Afterword", the invitation to comment, the address.
_DOWNLOAD_FOOTER = re.compile(
    r"^(afterword|please drop by the .* and comment to let the creator know .*|https?://\S+)$"
)
_SINGLE_VALUE = {"rating", "language"}
_ARROWS_ONLY = re.compile(r"[←→«»‹›\s]*(Previous Work|Next Work)?[←→«»‹›\s]*")


def looks_like(text: str) -> bool:
    """Whether some text is (part of) an AO3 work page rather than a plain story."""
    keys = {" ".join(line.split()).casefold() for line in text.split("\n")[:20000]}
    if any(k.startswith(("work text:", "series this work belongs to:")) for k in keys):
        return True
    if "chapter text" in keys and any(_CHAPTER_HEADING.match(k.capitalize()) for k in keys):
        return True
    labels = {k for k in keys if _LABEL.match(k) and label_field(_LABEL.match(k).group(1))}
    has_rating = any(k.startswith(("rating:", "archive warning")) for k in labels)
    has_stats = any(k.startswith(("stats:", "published:")) for k in labels)
    return has_rating and has_stats


class _Page:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.keys = [" ".join(line.split()) for line in self.lines]
        self.low = [key.casefold() for key in self.keys]

    def indexes(self, key: str, start: int = 0, end: int | None = None) -> list[int]:
        end = len(self.low) if end is None else end
        return [i for i in range(start, end) if self.low[i] == key]

    def text(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start:end])

    def nonblank(self, start: int, end: int) -> list[int]:
        return [i for i in range(start, end) if self.keys[i]]


def parse(name: str, text: str, *, split_chapters: bool = False) -> ParsedWork:
    page = _Page(text)
    work = ParsedWork()
    total = len(page.lines)

    # The afterword: anchor on the LAST "Series this work belongs to:".
    anchors = [i for i, k in enumerate(page.low) if k.startswith("series this work belongs to")]
    inspired = page.indexes("works inspired by this one:") or page.indexes(
        "works inspired by this one"
    )
    tail_end = total
    if anchors:
        anchor = anchors[-1]
        tail_end = anchor
        stop = next((i for i in inspired if i > anchor), total)
        first = re.sub(r"(?i)^series this work belongs to:?", "", page.keys[anchor])
        block = [first] if first.strip() else []
        for i in range(anchor + 1, stop):
            if not page.keys[i]:
                continue
            if re.search(r"\bPart\s+\d+\s+of\b", page.keys[i]) or _ARROWS_ONLY.fullmatch(
                page.keys[i]
            ):
                block.append(page.keys[i])
            else:
                break
        add_series(work, parse_series_text("\n".join(block)))
    elif inspired:
        tail_end = inspired[-1]
    tail_end = _trim_footer(page, 0, tail_end)

    # Where the text begins: "Work Text:", or chapter blocks ending in "Chapter Text".
    work_text = next(
        (
            i
            for i in range(tail_end)
            if page.low[i] in ("work text", "work text:") or page.low[i].startswith("work text: ")
        ),
        None,
    )
    chapter_marks = page.indexes("chapter text", 0, tail_end)
    if work_text is not None and chapter_marks and chapter_marks[0] < work_text:
        work_text = None
    if work_text is not None:
        chapter_marks = []
    headings: list[int | None] = []
    previous = -1
    for mark in chapter_marks:
        heading = None
        for i in range(mark - 1, previous, -1):
            if _CHAPTER_HEADING.match(page.keys[i]):
                heading = i
                break
        headings.append(heading)
        previous = mark
    if work_text is not None:
        body_start = work_text
    elif chapter_marks:
        body_start = headings[0] if headings[0] is not None else chapter_marks[0]
    else:
        body_start = None

    # The preface: tag block, title and byline, summary and notes.
    preface_end = body_start if body_start is not None else tail_end
    tag_end, found_tags = _tag_block(page, work, preface_end)
    preface_seen = found_tags
    if body_start is not None:
        content_start = _preface_blocks_start(page, tag_end, preface_end)
        title_lines = page.nonblank(tag_end, content_start)
        if not found_tags and len(title_lines) > 2:
            title_lines = []
    elif found_tags:
        first_two = page.nonblank(tag_end, preface_end)[:2]
        title_lines = [i for i in first_two if not page.low[i].startswith(("summary:", "notes:"))]
        if len(title_lines) == 2 and title_lines[1] != title_lines[0] + 1:
            title_lines = title_lines[:1]  # a byline follows its title directly
        content_start = title_lines[-1] + 1 if title_lines else tag_end
    else:
        title_lines, content_start = [], 0
    if title_lines:
        work.title = page.keys[title_lines[0]]
        preface_seen = True
        if len(title_lines) > 1:
            work.creators = creators_from_byline(page.keys[title_lines[1]])
    blocks = _blocks(page, content_start, preface_end, until_blank=body_start is None)
    work_end_flag = False
    if "summary" in blocks:
        work.summary = _html(blocks["summary"][0])
        preface_seen = True
    if "notes" in blocks:
        notes, pointers = _strip_pointers(blocks["notes"][0], _SEE_END_WORK)
        work_end_flag = any("notes" in p.casefold() for p in pointers)
        work.notes = _html(notes)
        preface_seen = True
    if body_start is None:
        body_start = blocks["end"]

    # The chapters: (title, start, end, summary, notes, has end notes pointer).
    spans: list[tuple[str, int, int, str, str, bool]] = []
    bare = _bare_headings(page, body_start, tail_end) if not chapter_marks else []
    if chapter_marks:
        for k, mark in enumerate(chapter_marks):
            heading = headings[k]
            if heading is not None:
                pre_start = heading + 1
            else:
                pre_start = chapter_marks[k - 1] + 1 if k else body_start
            title = ""
            if heading is not None:
                title = (_CHAPTER_HEADING.match(page.keys[heading]).group(2) or "").strip()
            pre = _blocks(page, pre_start, mark, until_blank=False)
            notes, pointers = _strip_pointers(pre.get("notes", ("", 0))[0], _SEE_END_CHAPTER)
            if k + 1 < len(chapter_marks):
                end = headings[k + 1] if headings[k + 1] is not None else chapter_marks[k + 1]
            else:
                end = tail_end
            summary = pre.get("summary", ("", 0))[0]
            spans.append((title, mark + 1, end, summary, notes, bool(pointers)))
    elif work_text is None and bare:
        # Copied from the browser, the hidden "Chapter Text" headings are often missing:
        # each "Chapter N" line starts a chapter and its Summary/Notes are one paragraph.
        for k, heading in enumerate(bare):
            end = bare[k + 1] if k + 1 < len(bare) else tail_end
            pre = _blocks(page, heading + 1, end, until_blank=True)
            notes, pointers = _strip_pointers(pre.get("notes", ("", 0))[0], _SEE_END_CHAPTER)
            title = (_CHAPTER_HEADING.match(page.keys[heading]).group(2) or "").strip()
            summary = pre.get("summary", ("", 0))[0]
            start = pre["end"]
            if k == 0 and page.nonblank(body_start, heading):
                start = body_start  # text before the first heading stays with chapter 1
            spans.append((title, start, end, summary, notes, bool(pointers)))
    else:
        start = body_start
        if work_text is not None:
            start = work_text + 1
            inline = page.keys[work_text][len("work text:") :].strip()
            if inline:  # "Work Text: Once upon a time…" on one line
                page.lines[work_text] = inline
                page.keys[work_text] = inline
                start = work_text
        spans.append(("", start, tail_end, "", "", False))

    for k, (title, start, end, summary, notes, flag) in enumerate(spans):
        last = k == len(spans) - 1
        notes_at = page.indexes("notes:", start, end) + page.indexes("notes", start, end)
        notes_at.sort()
        end_notes = ""
        if not last:
            if notes_at:
                end_notes = page.text(notes_at[-1] + 1, end)
                end = notes_at[-1]
        else:
            if len(notes_at) >= 2:
                end_notes = page.text(notes_at[-2] + 1, notes_at[-1])
                work.end_notes = _html(page.text(notes_at[-1] + 1, end))
                end = notes_at[-2]
            elif notes_at:
                as_chapter = not work_end_flag and (flag or preface_seen)
                if as_chapter:
                    end_notes = page.text(notes_at[0] + 1, end)
                else:
                    work.end_notes = _html(page.text(notes_at[0] + 1, end))
                end = notes_at[0]
        body = _html(page.text(start, _trim_footer(page, start, end)))
        work.chapters.append(chapter(title, body, _html(summary), _html(notes), _html(end_notes)))

    url = WORK_URL.search(text)
    if url:
        work.source_url = url.group(0)
    return finish(work, AO3_LOOKS_FOR)


def _bare_headings(page: _Page, start: int, end: int) -> list[int]:
    """ "Chapter N" lines (after a blank line) numbered one after another."""
    found: list[int] = []
    for i in range(start, end):
        match = _CHAPTER_HEADING.match(page.keys[i])
        if not match or (i > start and page.keys[i - 1]):
            continue
        number = int(match.group(1))
        if not found or number == int(_CHAPTER_HEADING.match(page.keys[found[-1]]).group(1)) + 1:
            found.append(i)
    return found


def _html(text: str) -> str:
    return text_to_html(text, lines_are_paragraphs=True)


def _trim_footer(page: _Page, start: int, end: int) -> int:
    while end > start and (
        not page.keys[end - 1]
        or page.low[end - 1] in _FOOTER
        or _COMMENTS_COUNT.match(page.low[end - 1])
        or _DOWNLOAD_FOOTER.match(page.low[end - 1])
    ):
        end -= 1
    return end


def _tag_block(page: _Page, work: ParsedWork, end: int) -> tuple[int, bool]:
    """Read the `Label: value` lines near the top (values on the same line or the lines
    below) into the work; return where the block ends and whether there was one."""
    start = None
    for i in page.nonblank(0, end)[:150]:
        match = _LABEL.match(page.keys[i])
        if match and label_field(match.group(1)):
            start = i
            break
    if start is None:
        return 0, False
    values: dict[str, list[str]] = {}
    stats: list[str] = []
    current = None
    stat_waiting = False
    last = start
    for i in range(start, end):
        key = page.keys[i]
        if not key:
            continue
        match = _LABEL.match(key)
        field = label_field(match.group(1)) if match else None
        if field:
            if field != "stats" and field in values:
                break  # a label seen twice: whatever follows is not the tag block
            current = field
            if field == "stats":
                stats.append(key)
                stat_waiting = not match.group(2) and match.group(1).casefold() != "stats"
            else:
                values[field] = [match.group(2)] if match.group(2) else []
            last = i
        elif current == "stats":
            if stat_waiting and _STAT_VALUE.match(key):
                stats.append(key)
                stat_waiting = False
                last = i
            else:
                break
        elif current == "series":
            if re.search(r"\bPart\s+\d+\s+of\b", key) or _ARROWS_ONLY.fullmatch(key):
                values[current].append(key)
                last = i
            else:
                break
        elif current in _SINGLE_VALUE and values.get(current):
            break
        elif current is not None:
            values[current].append(key)
            last = i
    if len(values) + bool(stats) < 2:
        return 0, False  # one "Label: text" line is prose, not a tag block
    for field, lines in values.items():
        if field == "series":
            if not work.series:
                add_series(work, parse_series_text("\n".join(lines)))
        elif field != "collections":
            apply_tags(
                work, field, [lines[0]] if field == "language" and lines else split_tags(lines)
            )
    apply_stats(work, " ".join(stats))
    return last + 1, True


def _preface_blocks_start(page: _Page, start: int, end: int) -> int:
    for i in range(start, end):
        if page.low[i] in ("summary:", "notes:") or page.low[i].startswith("summary: "):
            return i
    return end


def _blocks(page: _Page, start: int, end: int, *, until_blank: bool) -> dict:
    """`Summary:` and `Notes:` blocks between start and end: {"summary": (text, index)}.
    With until_blank (no marker says where the text starts), a block is one paragraph and
    "end" says where the text begins."""
    found: dict = {}
    current = None
    lines: list[str] = []
    seen_content = False
    stop = start
    for i in range(start, end):
        low = page.low[i]
        heading = (
            "summary"
            if low in ("summary:", "summary") or low.startswith("summary: ")
            else "notes"
            if low in ("notes:", "notes")
            else None
        )
        if heading and heading not in found and (current is None or current != heading):
            if current:
                found[current] = ("\n".join(lines), i)
            current, lines, seen_content = heading, [], False
            inline = page.keys[i].split(":", 1)[1].strip() if ":" in page.keys[i] else ""
            if inline:
                lines.append(inline)
                seen_content = True
            stop = i + 1
            continue
        if current is None:
            if until_blank and page.keys[i]:
                break
            continue
        if until_blank and not page.keys[i] and seen_content:
            found[current] = ("\n".join(lines), i)
            current = None
            stop = i
            continue
        lines.append(page.lines[i])
        seen_content = seen_content or bool(page.keys[i])
        stop = i + 1
    if current:
        found[current] = ("\n".join(lines), end)
        stop = end
    found["end"] = stop if found else start
    return found


def _strip_pointers(text: str, pointer: re.Pattern) -> tuple[str, list[str]]:
    """Notes without the "(See the end of … for notes.)" lines and association lines."""
    kept, pointers = [], []
    for line in text.split("\n"):
        key = " ".join(line.split())
        if pointer.match(key):
            pointers.append(key)
        elif not _ASSOCIATION.match(key):
            kept.append(line)
    return "\n".join(kept), pointers
