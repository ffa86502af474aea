"""Make user HTML safe to show: the archive's allowlist, applied with nh3.

Authors may write HTML or plain text. Plain text gets paragraphs from blank lines and
<br> from single line breaks; everything is then cleaned to the allowlist described in
docs/readers-and-authors.md. Titles and tag names are plain text and never pass here.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "acronym", "address", "b", "big", "blockquote", "br", "caption", "center",
    "cite", "code", "col", "colgroup", "details", "dd", "del", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "tt", "u", "ul", "var",
}  # fmt: skip

# Removed together with everything inside them, not just unwrapped.
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "svg", "math", "noscript", "object",
                        "embed", "template", "textarea", "select", "title"}  # fmt: skip

_CELL_SIZING = {"width", "height", "colspan", "rowspan", "align", "valign"}
_COMMON = {"align", "dir", "lang", "title"}
ALLOWED_ATTRIBUTES = {
    "*": _COMMON,
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "align", "border"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "details": {"open"},
    "table": {"width", "border", "cellpadding", "cellspacing", "summary"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "td": _CELL_SIZING,
    "th": _CELL_SIZING | {"scope"},
}
URL_SCHEMES = {"http", "https", "mailto", "ftp"}
_CLASS_NAME = re.compile(r"^[a-zA-Z][\w-]+$")
_BLOCK_MARKUP = re.compile(r"<\s*(p|div|br|table|ul|ol|blockquote|h[1-6]|pre|hr|dl)\b", re.I)


def _attributes(with_classes: bool) -> dict[str, set[str]]:
    if not with_classes:
        return ALLOWED_ATTRIBUTES
    return {**ALLOWED_ATTRIBUTES, "*": _COMMON | {"class"}}


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if _CLASS_NAME.match(name)]
        return " ".join(kept) or None
    if element == "img" and attribute == "src":
        return value if re.match(r"^\s*https?://", value, re.I) else None
    if attribute == "cite":
        # An address like href, but nh3 only checks the schemes of href and src.
        scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):", value)
        return None if scheme and scheme.group(1).lower() not in URL_SCHEMES else value
    return value


def add_paragraphs(text: str) -> str:
    """Turn plain text into paragraphs: blank lines split them, single line breaks become <br>.

    Text that already carries block markup is the author's own layout and is left alone.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text or _BLOCK_MARKUP.search(text):
        return text
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n".join(
        "<p>" + "<br>\n".join(line.strip() for line in para.split("\n")) + "</p>"
        for para in paragraphs
        if para.strip()
    )


def sanitize_html(text: str, *, allow_classes: bool = True) -> str:
    """Clean author HTML (or plain text) to the allowlist; safe to mark as safe in a page.

    Paragraphs are added to what is left after cleaning, so that cleaning the result again
    changes nothing: text whose only block markup was hostile (and removed) still gets its
    paragraphs the first time, not on the next edit.
    """
    clean = _clean(text, allow_classes)
    if not clean or _BLOCK_MARKUP.search(clean):
        return clean
    return _clean(add_paragraphs(clean), allow_classes)


def _clean(text: str, allow_classes: bool) -> str:
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=_attributes(allow_classes),
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow",
        strip_comments=True,
    ).strip()


def strip_tags(text: str) -> str:
    """Plain text of some HTML, with entities decoded: for word counts and summaries in feeds.

    Every tag becomes a space, so text in separate elements never runs together.
    """
    without = nh3.clean(
        text.replace("<", " <"), tags=set(), clean_content_tags=REMOVED_WITH_CONTENT
    )
    return html.unescape(without).strip()
