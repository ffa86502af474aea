"""A work as an EPUB 3 book (with an EPUB 2 table of contents for older readers).

One XHTML file for the preface, one per chapter and one for the afterword, sharing the
HTML download's blocks (html.py) with the authors' fragments rewritten as valid XHTML
(xhtml.py). Pictures become links labelled with their alt text: EPUB 3 only allows audio,
video and fonts to stay remote, and fetching pictures while building a download would make
the server fetch whatever address an author typed.

The same work and context always give the same bytes: entries are written in a fixed
order with the context's date as their timestamp.
"""

from __future__ import annotations

import io
import zipfile

from ficarchive.formats.export import _layout as layout
from ficarchive.formats.export import html
from ficarchive.formats.export._base import ExportContext
from ficarchive.formats.export._language import language_tag
from ficarchive.formats.export.txt import paragraphs
from ficarchive.formats.export.xhtml import STYLE as REPAIR_STYLE
from ficarchive.formats.export.xhtml import escape
from ficarchive.formats.work import ParsedWork

STYLE = """
body { font-family: serif; line-height: 1.45; margin: 0 0.5em; }
h1 { font-size: 1.6em; text-align: center; margin: 1em 0 0.3em; }
h2 { font-size: 1.3em; margin: 1em 0 0.6em; }
.toc-heading { font-size: 0.9em; font-weight: normal; text-transform: uppercase;
  letter-spacing: 0.05em; }
.byline { text-align: center; margin-bottom: 1.5em; }
dl.tags { margin: 1em 0; font-size: 0.9em; }
dl.tags dt { font-weight: bold; float: left; clear: left; margin-right: 0.4em; }
dl.tags dd { margin: 0 0 0.25em 0; }
.meta > p { font-weight: bold; margin-bottom: 0.2em; }
blockquote.userstuff { margin: 0 0 1em 1.2em; }
.chapter > .userstuff { margin-top: 1.2em; }
.endnote-link { font-style: italic; font-size: 0.9em; }
.message { font-size: 0.9em; }
td, th { padding: 0.2em 0.4em; vertical-align: top; }
"""

MEDIA_XHTML = "application/xhtml+xml"


def _page(title: str, body: str, lang: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!DOCTYPE html>\n"
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f' lang="{lang}" xml:lang="{lang}">\n'
        "<head>\n"
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" type="text/css" href="style.css"/>\n'
        "</head>\n"
        f"<body>\n{body}\n</body>\n"
        "</html>\n"
    )


def chapter_file(number: int) -> str:
    return f"chapter-{number:03d}.xhtml"


def _contents(work: ParsedWork) -> list[tuple[str, str]]:
    """(file, label) of every reading-order file."""
    title = html.title(work)
    items = [("preface.xhtml", "Preface")]
    headings = layout.has_chapter_headings(work)
    for number, chapter in enumerate(work.chapters, start=1):
        label = layout.chapter_heading(number, chapter) if headings else title
        items.append((chapter_file(number), label))
    items.append(("afterword.xhtml", "Afterword"))
    return items


def _nav(work: ParsedWork, contents: list[tuple[str, str]], lang: str) -> str:
    entries = "\n".join(
        f'<li><a href="{name}">{escape(label)}</a></li>' for name, label in contents
    )
    start = contents[1][0] if len(contents) > 2 else contents[0][0]
    body = (
        '<nav epub:type="toc" id="toc">\n<h1>Contents</h1>\n'
        f"<ol>\n{entries}\n</ol>\n</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n<h2>Landmarks</h2>\n<ol>\n'
        f'<li><a epub:type="bodymatter" href="{start}">Start of the work</a></li>\n'
        "</ol>\n</nav>"
    )
    return _page(html.title(work), body, lang)


def _ncx(work: ParsedWork, ctx: ExportContext, contents: list[tuple[str, str]], lang: str) -> str:
    points = "\n".join(
        f'<navPoint id="nav-{i}" playOrder="{i}"><navLabel><text>{escape(label)}</text>'
        f'</navLabel><content src="{name}"/></navPoint>'
        for i, (name, label) in enumerate(contents, start=1)
    )
    author = layout.byline(work)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="{lang}">\n'
        "<head>\n"
        f'<meta name="dtb:uid" content="{escape(ctx.identifier)}"/>\n'
        '<meta name="dtb:depth" content="1"/>\n'
        '<meta name="dtb:totalPageCount" content="0"/>\n'
        '<meta name="dtb:maxPageNumber" content="0"/>\n'
        "</head>\n"
        f"<docTitle><text>{escape(html.title(work))}</text></docTitle>\n"
        + (f"<docAuthor><text>{escape(author)}</text></docAuthor>\n" if author else "")
        + f"<navMap>\n{points}\n</navMap>\n</ncx>\n"
    )


def _subjects(work: ParsedWork) -> list[str]:
    names = [
        name
        for row in layout.tag_rows(work)
        if row.label not in html.NOT_TAGS
        for name in row.values
    ]
    return list(dict.fromkeys(names))


def _opf(work: ParsedWork, ctx: ExportContext, contents: list[tuple[str, str]], lang: str) -> str:
    meta = [
        f'<dc:identifier id="pub-id">{escape(ctx.identifier)}</dc:identifier>',
        f"<dc:title>{escape(html.title(work))}</dc:title>",
        f"<dc:language>{lang}</dc:language>",
    ]
    for i, creator in enumerate((c for c in work.creators if c.strip()), start=1):
        meta.append(f'<dc:creator id="creator-{i}">{escape(layout.plain(creator))}</dc:creator>')
        meta.append(
            f'<meta refines="#creator-{i}" property="role" scheme="marc:relators">aut</meta>'
        )
    if ctx.archive_name.strip():
        meta.append(f"<dc:publisher>{escape(layout.plain(ctx.archive_name))}</dc:publisher>")
    if work.published:
        meta.append(f"<dc:date>{work.published.isoformat()}</dc:date>")
    if ctx.work_url:
        meta.append(f"<dc:source>{escape(ctx.work_url)}</dc:source>")
    summary = "\n\n".join(paragraphs(work.summary))
    if summary:
        meta.append(f"<dc:description>{escape(summary)}</dc:description>")
    meta += [f"<dc:subject>{escape(subject)}</dc:subject>" for subject in _subjects(work)]
    modified = f"{ctx.generated.isoformat()}T00:00:00Z"
    meta.append(f'<meta property="dcterms:modified">{modified}</meta>')
    for i, part in enumerate(work.series, start=1):
        meta.append(
            f'<meta property="belongs-to-collection" id="series-{i}">'
            f"{escape(layout.plain(part.title))}</meta>"
        )
        meta.append(f'<meta refines="#series-{i}" property="collection-type">series</meta>')
        if part.position:
            meta.append(
                f'<meta refines="#series-{i}" property="group-position">{part.position}</meta>'
            )
    if work.series:  # calibre and the readers that follow it read these
        first = work.series[0]
        meta.append(f'<meta name="calibre:series" content="{escape(layout.plain(first.title))}"/>')
        if first.position:
            meta.append(f'<meta name="calibre:series_index" content="{first.position}"/>')

    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
        '<item id="style" href="style.css" media-type="text/css"/>',
    ]
    spine = []
    for name, _ in contents:
        item_id = name.removesuffix(".xhtml")
        manifest.append(f'<item id="{item_id}" href="{name}" media-type="{MEDIA_XHTML}"/>')
        spine.append(f'<itemref idref="{item_id}"/>')
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="pub-id"'
        f' xml:lang="{lang}">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        + "\n".join(meta)
        + "\n</metadata>\n<manifest>\n"
        + "\n".join(manifest)
        + '\n</manifest>\n<spine toc="ncx">\n'
        + "\n".join(spine)
        + "\n</spine>\n</package>\n"
    )


CONTAINER = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    "<rootfiles>\n"
    '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>\n'
    "</rootfiles>\n"
    "</container>\n"
)


def files(work: ParsedWork, ctx: ExportContext) -> list[tuple[str, str]]:
    """(path in the container, text) of every file after the mimetype, in order."""
    lang = language_tag(work.language) or "en"
    contents = _contents(work)
    title = html.title(work)

    pages: list[tuple[str, str]] = []
    document = html.xhtml_document(work, ctx)
    body = html.preface(work, ctx, document.fragment, endnotes_href="afterword.xhtml#endnotes")
    pages.append(("preface.xhtml", document.finish(_page(title, body, lang))))
    for number in range(1, len(work.chapters) + 1):
        document = html.xhtml_document(work, ctx)
        body = html.chapter(work, number, document.fragment)
        page = _page(contents[number][1], body, lang)
        pages.append((chapter_file(number), document.finish(page)))
    document = html.xhtml_document(work, ctx)
    body = html.afterword(work, ctx, document.fragment)
    pages.append(("afterword.xhtml", document.finish(_page(f"{title}: Afterword", body, lang))))

    return [
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", _opf(work, ctx, contents, lang)),
        ("OEBPS/nav.xhtml", _nav(work, contents, lang)),
        ("OEBPS/toc.ncx", _ncx(work, ctx, contents, lang)),
        ("OEBPS/style.css", STYLE + REPAIR_STYLE),
        *((f"OEBPS/{name}", text) for name, text in pages),
    ]


def render(work: ParsedWork, ctx: ExportContext) -> bytes:
    stamp = (max(ctx.generated.year, 1980), ctx.generated.month, ctx.generated.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entries = [("mimetype", "application/epub+zip"), *files(work, ctx)]
        for name, text in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
