"""Downloads: a ParsedWork as HTML, EPUB, PDF, TXT, MOBI or AZW3 bytes.

    data = FORMATS["epub"].render(work, ExportContext(...))
    name = filename(work.title, FORMATS["epub"].extension)

Every format lays a work out the same way (html.py): a preface with the archive message,
the tags and stats, title, byline, summary and notes; the chapters; an afterword. PDF
needs WeasyPrint and MOBI/AZW3 need calibre; `available()` says whether this server can
make them, and `render` raises FormatError when it can't.
"""

from __future__ import annotations

from ficarchive.formats.export import epub, html, mobi, pdf, txt
from ficarchive.formats.export._base import ExportContext, Format, filename

MOBI = "application/x-mobipocket-ebook"
AZW3 = "application/vnd.amazon.ebook"


def _always() -> bool:
    return True


FORMATS: dict[str, Format] = {
    "html": Format("HTML", "html", "text/html; charset=utf-8", html.render, _always),
    "epub": Format("EPUB", "epub", "application/epub+zip", epub.render, _always),
    "pdf": Format("PDF", "pdf", "application/pdf", pdf.render, pdf.available),
    "txt": Format("TXT", "txt", "text/plain; charset=utf-8", txt.render, _always),
    "mobi": Format("MOBI", "mobi", MOBI, mobi.render_mobi, mobi.available),
    "azw3": Format("AZW3", "azw3", AZW3, mobi.render_azw3, mobi.available),
}

__all__ = ["FORMATS", "ExportContext", "Format", "filename"]
