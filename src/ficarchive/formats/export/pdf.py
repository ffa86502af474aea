"""A work as a PDF, typeset by WeasyPrint from the HTML download.

A5 pages in a serif face, page numbers at the foot, the title at the head; every chapter
starts a new page and is a bookmark, as are the title and the afterword. Headings inside
the authors' text are not bookmarks, so the outline is the work's own table of contents
(the selectors below name our blocks by position, since authors may use our class names).
Pictures are links with their alt text, as in the EPUB, and WeasyPrint is given a URL
fetcher that refuses everything, so building a PDF never touches the network.

WeasyPrint (and the Pango library under it) is imported only when a PDF is made.
"""

from __future__ import annotations

import functools

from ficarchive.formats.export import html
from ficarchive.formats.export._base import ExportContext
from ficarchive.formats.export.xhtml import STYLE as REPAIR_STYLE
from ficarchive.formats.work import FormatError, ParsedWork

FONTS = (
    '"Noto Serif", "Source Serif 4", "Liberation Serif", "DejaVu Serif", "Noto Serif CJK JP", '
    '"Noto Serif CJK SC", serif'
)

STYLE = f"""
@page {{
  size: A5;
  margin: 18mm 15mm 20mm 15mm;
  @top-center {{ content: string(work-title); font-size: 8pt; font-style: italic;
    color: #555; }}
  @bottom-center {{ content: counter(page); font-size: 9pt; }}
}}
@page :first {{ @top-center {{ content: none; }} @bottom-center {{ content: none; }} }}
html {{ font-family: {FONTS}; font-size: 10.5pt; line-height: 1.4; color: #000; }}
body {{ margin: 0; max-width: none; padding: 0; }}
p {{ margin: 0 0 0.6em; orphans: 2; widows: 2; }}
.userstuff p {{ text-align: justify; hyphens: auto; }}
h1, h2, h3, h4, h5, h6 {{ bookmark-level: none; break-after: avoid; }}
#preface > .meta > h1 {{ bookmark-level: 1; string-set: work-title content(); font-size: 20pt;
  text-align: center; margin: 1.2em 0 0.3em; }}
#preface > .meta > .byline {{ text-align: center; font-size: 12pt; margin-bottom: 1.5em; }}
.toc-heading {{ font-size: 9pt; color: #555; }}
dl.tags {{ display: block; border: none; padding: 0; font-size: 9pt; }}
dl.tags dt {{ float: left; clear: left; margin-right: 0.4em; font-weight: bold; }}
dl.tags dd {{ margin: 0 0 0.2em 0; }}
#chapters > .chapter {{ break-before: page; margin-top: 0; }}
#chapters > .chapter > .meta > h2.heading {{ bookmark-level: 1; font-size: 15pt;
  margin: 1.5em 0 1em; }}
#afterword {{ break-before: page; border-top: none; margin-top: 0; }}
#afterword > h2.toc-heading {{ bookmark-level: 1; }}
blockquote {{ margin: 0.5em 0 0.8em 1.2em; }}
a {{ color: inherit; }}
pre, code, .fa-tt {{ font-family: "DejaVu Sans Mono", "Liberation Mono", monospace;
  font-size: 0.9em; }}
pre {{ white-space: pre-wrap; }}
table {{ border-collapse: collapse; }}
td, th {{ padding: 2pt 4pt; vertical-align: top; }}
"""


@functools.cache
def available() -> bool:
    """Whether WeasyPrint and its Pango can be loaded here."""
    try:
        import weasyprint  # noqa: F401
    except Exception:  # ImportError, or OSError when Pango's shared library is missing
        return False
    return True


def _refuse(url: str, timeout: int = 10, ssl_context=None) -> dict:
    raise ValueError(f"downloads don't fetch anything ({url})")


def source(work: ParsedWork, ctx: ExportContext) -> str:
    """The HTML WeasyPrint typesets: the download page with XHTML-repaired fragments."""
    document = html.xhtml_document(work, ctx)
    page = html.document(
        work, ctx, fragment=document.fragment, style=html.STYLE + REPAIR_STYLE + STYLE
    )
    return document.finish(page)


def layout(work: ParsedWork, ctx: ExportContext):
    """WeasyPrint's laid-out document (pages, bookmarks), before it's written as PDF."""
    if not available():
        raise FormatError("PDF downloads need WeasyPrint and Pango, which aren't installed.")
    from weasyprint import HTML

    return HTML(string=source(work, ctx), url_fetcher=_refuse).render()


def render(work: ParsedWork, ctx: ExportContext) -> bytes:
    return layout(work, ctx).write_pdf()
