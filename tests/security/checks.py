"""Find anything live that user text could have put in a page, a feed or an e-book.

Pages are parsed with lxml, feeds and EPUB files as XML; the HTML that feeds carry as text
(`type="html"`) is parsed again, as a feed reader would. The site's only scripts and style
sheets are its own files under /static/ and it has no inline script or style at all (the
Content Security Policy forbids them), so any other script, handler, style, frame, plug-in,
script-like URL or SVG/MathML element found came from a user.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
    "math", "noscript", "base", "template", "portal", "param", "xml", "bgsound", "maction",
    "handler", "set", "animate", "isindex", "keygen", "xss", "plaintext", "xmp", "listing",
}  # fmt: skip
FORM_ELEMENTS = {"form", "input", "button", "textarea", "select", "option"}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "background", "poster", "srcdoc", "data",
    "srcset", "lowsrc", "dynsrc", "longdesc", "codebase", "ping", "manifest", "icon", "cite",
    "code", "value",
}  # fmt: skip
SCRIPT_SCHEMES = {"javascript", "vbscript", "livescript", "mocha", "data"}
# How browsers read a URL (the WHATWG URL standard): leading and trailing controls and spaces
# go, tabs and line breaks go wherever they are, then a scheme is ASCII up to the first ":".
_EDGES = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
USER_CONTENT_CLASSES = {"userstuff", "summary", "notes", "snippet"}
OWN_STATIC = "/static/ficarchive/"


def _local(name: str) -> str:
    """An element or attribute name without its namespace or prefix, lower-cased."""
    if name.startswith("{"):
        name = name.split("}", 1)[1]
    return name.rsplit(":", 1)[-1].lower()


def is_script_url(value: str) -> bool:
    """Whether a browser would run this URL (or show it as a document of its own)."""
    scheme = _SCHEME.match(_TAB_OR_NEWLINE.sub("", _EDGES.sub("", value)))
    return bool(scheme) and scheme.group(1).lower() in SCRIPT_SCHEMES


def _own_file(url: str | None) -> bool:
    return bool(url) and url.startswith(OWN_STATIC) and ".." not in url


def _in_user_content(element) -> bool:
    for ancestor in element.iterancestors():
        classes = set((ancestor.get("class") or "").split())
        if classes & USER_CONTENT_CLASSES:
            return True
    return False


def _element_dangers(element, *, book: bool) -> list[str]:
    name = _local(element.tag)
    where = f"<{name}>"
    found = []
    if name == "script" and _own_file(element.get("src")):
        pass  # the archive's own script file
    elif name in FORBIDDEN_ELEMENTS:
        found.append(f"{where} element")
    equiv = (element.get("http-equiv") or "").lower()
    book_charset = book and equiv == "content-type"
    if name == "meta" and "http-equiv" in element.attrib and not book_charset:
        found.append(f"{where} http-equiv={equiv!r}")
    if name == "link" and not _safe_link(element, book=book):
        found.append(f"{where} {dict(element.attrib)}")
    if name in FORM_ELEMENTS and _in_user_content(element):
        found.append(f"{where} inside user content")
    for key, value in element.attrib.items():
        attribute = _local(key)
        if attribute.startswith("on"):
            found.append(f"{where} {attribute}= event handler")
        elif attribute in ("style", "srcdoc", "formaction"):
            found.append(f"{where} {attribute}=")
        elif attribute in URL_ATTRIBUTES and is_script_url(value):
            found.append(f"{where} {attribute}={value!r}")
    return found


def _safe_link(element, *, book: bool) -> bool:
    rel, href = (element.get("rel") or "").lower(), element.get("href") or ""
    if rel in ("stylesheet", "icon") and _own_file(href):
        return True
    if rel == "alternate" and href.startswith("/") and not href.startswith("//"):
        return True  # the page's own Atom feed
    if not book or is_script_url(href):
        return False
    # A book's own style sheet sits beside its pages; other links in feeds and books are
    # data (next page, acquisition, cover), not code the reader loads.
    inside_book = not re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", href, re.I)
    return inside_book if rel in ("stylesheet", "import") else True


def _own_head_style(element) -> bool:
    """A downloaded book's style sheet: a <style> right in <head>, where no user text goes."""
    parent = element.getparent()
    return _local(element.tag) == "style" and parent is not None and _local(parent.tag) == "head"


def tree_dangers(root, *, book: bool = False) -> list[str]:
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions are inert
        if book and _own_head_style(element):
            continue
        found += _element_dangers(element, book=book)
    return found


def page_dangers(page: str | bytes, *, book: bool = False) -> list[str]:
    """Dangers in an HTML page, as lxml reads it; `book` for downloads (own <head> style)."""
    if isinstance(page, bytes):
        page = page.decode()
    root = lxml_html.document_fromstring(page)
    found = tree_dangers(root, book=book)
    # A second, cruder look at the source: an escaped payload never has a raw "<script".
    scripts = re.findall(r"<script\b[^>]*>", page, re.I)
    found += [s for s in scripts if f'src="{OWN_STATIC}' not in s]
    return found


def fragment_dangers(fragment: str) -> list[str]:
    """Dangers in a piece of HTML (a summary carried by a feed, a sanitiser's output)."""
    if not fragment.strip():
        return []
    root = lxml_html.document_fromstring(f"<html><body><div>{fragment}</div></body></html>")
    return tree_dangers(root) + (["raw <script"] if re.search(r"<script\b", fragment, re.I) else [])


def xml_dangers(document: bytes) -> list[str]:
    """Dangers in an Atom/OPDS feed or an EPUB's XHTML, OPF or NCX; HTML carried as text
    in `type="html"` elements is parsed and checked too."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(document, parser)
    found = tree_dangers(root, book=True)
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("type") in ("html", "text/html"):
            found += [
                f"in {_local(element.tag)}: {d}" for d in fragment_dangers(element.text or "")
            ]
    return found


def visible_text(page: str | bytes) -> str:
    """The text a reader sees (entities decoded), for checking a payload shows as text."""
    if isinstance(page, bytes):
        page = page.decode()
    root = lxml_html.document_fromstring(page)
    for hidden in root.xpath("//script|//style|//head"):
        hidden.drop_tree()
    return root.text_content()
