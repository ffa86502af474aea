"""A work as one standalone HTML page: preface, chapters, afterword.

The page is HTML5 written so that it is also XML where we write it (self-closed void
elements, quoted attributes, xmlns); the authors' fragments go in as the sanitiser left
them. The builders of the preface, chapter and afterword blocks take a `fragment`
function so EPUB and PDF can reuse them with fragments rewritten as XHTML.
"""

from __future__ import annotations

from collections.abc import Callable

from ficarchive.formats.export import _layout as layout
from ficarchive.formats.export._base import ExportContext
from ficarchive.formats.export._language import language_tag
from ficarchive.formats.export.xhtml import Document, escape
from ficarchive.formats.sanitize import strip_tags
from ficarchive.formats.work import ParsedWork

Fragment = Callable[[str], str]

STYLE = """
body { font-family: Georgia, "Liberation Serif", "DejaVu Serif", serif; line-height: 1.5;
  max-width: 42em; margin: 1em auto; padding: 0 1em; color: #222; background: #fff; }
h1 { font-size: 1.8em; margin: 1em 0 0.2em; }
h2 { font-size: 1.35em; }
.toc-heading { font-size: 1em; color: #666; font-weight: normal; letter-spacing: 0.05em;
  text-transform: uppercase; }
.message { font-size: 0.95em; }
dl.tags { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 0.8em;
  border: 1px solid #ccc; padding: 0.6em 0.8em; }
dl.tags dt { font-weight: bold; margin: 0; }
dl.tags dd { margin: 0; }
.byline { font-size: 1.1em; margin-bottom: 1em; }
.meta > p, .meta .group > p { font-weight: bold; margin-bottom: 0.2em; }
blockquote.userstuff { margin: 0 0 1em 1.5em; }
.chapter { margin-top: 3em; }
.chapter > .userstuff { margin-top: 1.5em; }
#afterword { margin-top: 3em; border-top: 1px solid #ccc; }
.endnote-link { font-style: italic; font-size: 0.95em; }
.userstuff img { max-width: 100%; height: auto; }
.userstuff table { border-collapse: collapse; }
.userstuff td, .userstuff th { padding: 0.2em 0.5em; vertical-align: top; }
"""


def _text(text: str) -> str:
    return escape(layout.plain(text))


def title(work: ParsedWork) -> str:
    return layout.plain(work.title) or "Untitled"


def preface(
    work: ParsedWork, ctx: ExportContext, fragment: Fragment, *, endnotes_href: str = "#endnotes"
) -> str:
    """The preface block: the archive message, tag list, title, byline, summary, notes."""
    url = escape(ctx.work_url)
    root = escape(layout.archive_root(ctx.work_url))
    out = [
        '<div id="preface">',
        '<h2 class="toc-heading">Preface</h2>',
        f'<p class="message"><b>{_text(title(work))}</b><br/>',
        f'Posted originally on the <a href="{root}">{_text(ctx.archive_name)}</a> '
        f'at <a href="{url}">{escape(ctx.work_url)}</a>.</p>',
        '<div class="meta">',
        '<dl class="tags">',
    ]
    for row in layout.tag_rows(work):
        out.append(f"<dt>{escape(row.label)}:</dt>")
        out.append(f"<dd>{_text(row.text)}</dd>")
    out.append("<dt>Stats:</dt>")
    out.append(f"<dd>{escape(layout.stats_text(work))}</dd>")
    out.append("</dl>")
    out.append(f"<h1>{_text(title(work))}</h1>")
    byline = layout.byline(work)
    if byline:
        out.append(f'<div class="byline">by {_text(byline)}</div>')
    if work.summary.strip():
        out.append("<p>Summary</p>")
        out.append(f'<blockquote class="userstuff">{fragment(work.summary)}</blockquote>')
    if work.notes.strip() or work.end_notes.strip():
        out.append("<p>Notes</p>")
        if work.notes.strip():
            out.append(f'<blockquote class="userstuff">{fragment(work.notes)}</blockquote>')
        if work.end_notes.strip():
            pointer = layout.notes_pointer(bool(work.notes.strip()), chapter=False)
            out.append(f'<div class="endnote-link">{_pointer_link(pointer, endnotes_href)}</div>')
    out.append("</div>")
    out.append("</div>")
    return "\n".join(out)


def _pointer_link(pointer: str, href: str) -> str:
    """The pointer sentence with its last word, "notes", linking to the end notes."""
    before, _, _ = pointer.rpartition("notes.")
    return f'{escape(before)}<a href="{escape(href)}">notes</a>.'


def chapter_id(number: int) -> str:
    return f"chapter-{number}"


def chapter_endnotes_id(number: int) -> str:
    return f"endnotes-{number}"


# Ids the page itself uses, which author fragments must not take.
TEMPLATE_IDS = ["preface", "chapters", "afterword", "endnotes"]


def xhtml_document(work: ParsedWork, ctx: ExportContext) -> Document:
    """A fresh id space for one XHTML file (an EPUB page, the PDF's source), with the ids
    of the blocks here set aside so authors' anchors can't take them."""
    document = Document(ctx.work_url)
    for identifier in TEMPLATE_IDS:
        document.reserve(identifier)
    for number in range(1, len(work.chapters) + 1):
        document.reserve(chapter_id(number))
        document.reserve(chapter_endnotes_id(number))
    return document


def chapter(work: ParsedWork, number: int, fragment: Fragment) -> str:
    """One chapter block: heading, summary, notes, text, end notes. `number` counts from 1."""
    item = work.chapters[number - 1]
    headings = layout.has_chapter_headings(work)
    endnotes_id = chapter_endnotes_id(number)
    out = [f'<div class="chapter" id="{chapter_id(number)}">']
    meta: list[str] = []
    if headings:
        meta.append(f'<h2 class="heading">{_text(layout.chapter_heading(number, item))}</h2>')
    if item.summary.strip():
        meta.append("<p>Chapter Summary</p>")
        meta.append(f'<blockquote class="userstuff">{fragment(item.summary)}</blockquote>')
    if item.notes.strip() or item.end_notes.strip():
        meta.append("<p>Chapter Notes</p>")
        if item.notes.strip():
            meta.append(f'<blockquote class="userstuff">{fragment(item.notes)}</blockquote>')
        if item.end_notes.strip():
            pointer = layout.notes_pointer(bool(item.notes.strip()), chapter=True)
            link = _pointer_link(pointer, f"#{endnotes_id}")
            meta.append(f'<div class="endnote-link">{link}</div>')
    if meta:
        out.append('<div class="meta group">')
        out.extend(meta)
        out.append("</div>")
    out.append(f'<div class="userstuff">{fragment(item.text)}</div>')
    if item.end_notes.strip():
        out.append(f'<div class="meta" id="{endnotes_id}">')
        out.append("<p>Chapter End Notes</p>")
        out.append(f'<blockquote class="userstuff">{fragment(item.end_notes)}</blockquote>')
        out.append("</div>")
    out.append("</div>")
    return "\n".join(out)


def afterword(work: ParsedWork, ctx: ExportContext, fragment: Fragment) -> str:
    """The afterword: the work's end notes and an invitation to comment."""
    out = ['<div id="afterword">', '<h2 class="toc-heading">Afterword</h2>']
    if work.end_notes.strip():
        out.append('<div class="meta">')
        out.append('<div id="endnotes">')
        out.append("<p>End Notes</p>")
        out.append(f'<blockquote class="userstuff">{fragment(work.end_notes)}</blockquote>')
        out.append("</div>")
        out.append("</div>")
    message = escape(layout.comment_message(ctx.archive_name))
    out.append(f'<p class="message"><a href="{escape(ctx.work_url)}">{message}</a></p>')
    out.append("</div>")
    return "\n".join(out)


NOT_TAGS = {"Language", "Series"}


def head_meta(work: ParsedWork, ctx: ExportContext) -> str:
    """<meta> elements WeasyPrint turns into PDF metadata, and which browsers ignore."""
    tags = [tag for row in layout.tag_rows(work) if row.label not in NOT_TAGS for tag in row.values]
    pairs = [
        ("author", layout.byline(work)),
        ("description", " ".join(strip_tags(work.summary).split())),
        ("keywords", ", ".join(tags)),
        ("generator", "Ficarchive"),
        ("dcterms.created", work.published.isoformat() if work.published else ""),
        ("dcterms.modified", ctx.generated.isoformat()),
    ]
    return "\n".join(
        f'<meta name="{name}" content="{escape(layout.plain(value))}"/>'
        for name, value in pairs
        if value
    )


def document(
    work: ParsedWork,
    ctx: ExportContext,
    *,
    fragment: Fragment | None = None,
    style: str = STYLE,
) -> str:
    """The whole page as text; fragments go through `fragment` (default: as given)."""
    fragment = fragment or (lambda html: html)
    lang = language_tag(work.language)
    lang_attrs = f' lang="{lang}" xml:lang="{lang}"' if lang else ""
    chapters = [chapter(work, n, fragment) for n in range(1, len(work.chapters) + 1)]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html xmlns="http://www.w3.org/1999/xhtml"{lang_attrs}>',
            "<head>",
            '<meta charset="utf-8"/>',
            f"<title>{_text(title(work))}</title>",
            head_meta(work, ctx),
            f"<style>{style}</style>",
            "</head>",
            "<body>",
            preface(work, ctx, fragment),
            '<div id="chapters" class="userstuff">',
            *chapters,
            "</div>",
            afterword(work, ctx, fragment),
            "</body>",
            "</html>",
            "",
        ]
    )


def render(work: ParsedWork, ctx: ExportContext) -> bytes:
    return document(work, ctx).encode("utf-8")
