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

    Cleaning again must change nothing (a work is re-cleaned on every edit), but an HTML
    parser can read its own output differently (an <rt> inside an <rt>), so the text is
    cleaned until it stops changing. Paragraphs are added to what is left after the first
    cleaning, so text whose only block markup was hostile still gets them straight away.
    """
    clean = _clean(limit_nesting(text), allow_classes)
    if clean and not _BLOCK_MARKUP.search(clean):
        clean = _clean(add_paragraphs(clean), allow_classes)
    for _ in range(_MAX_PASSES):
        again = _clean(clean, allow_classes)
        if again == clean:
            break
        clean = again
    return clean


_MAX_PASSES = 4  # real and fuzzed input settles after one more; this only bounds the work


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


# How deep elements may nest before further start tags are dropped (with their end tags).
# An HTML parser checks the open elements for each new block, so 60,000 nested <div>s took
# minutes; Chromium stops nesting at 512 levels, and no story needs more than a few dozen.
MAX_NESTING = 100
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
         "param", "source", "track", "wbr"}  # fmt: skip
# A start or end tag as an HTML tokenizer reads it: quoted values may hold < and >, and a
# tag left open runs to the end. Possessive quantifiers keep the scan linear.
_SPACE = r"[\t\n\f\r ]"
_VALUE = rf"""{_SPACE}*+={_SPACE}*+(?:"[^"]*+"|'[^']*+'|[^\t\n\f\r >]*+)"""
_ATTRIBUTE = rf"[\t\n\f\r /]*+[^\t\n\f\r />][^\t\n\f\r /=>]*+(?:{_VALUE})?"
_TAG = re.compile(rf"<(/?)([a-zA-Z][^\t\n\f\r />]*+)(?:{_ATTRIBUTE})*+[\t\n\f\r /]*+(?:>|\Z)")


def limit_nesting(text: str, limit: int = MAX_NESTING) -> str:
    """The text with start tags beyond `limit` open elements (and their end tags) removed.

    Counting is rough (it ignores implied end tags, comments and raw text) and only ever
    removes tags; the result is parsed and cleaned as usual.
    """
    if text.count("<") <= limit:
        return text
    depth = dropped = 0
    pieces, last = [], 0
    for match in _TAG.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        if name in _VOID:
            continue
        if closing:
            if dropped:
                dropped -= 1
                pieces.append(text[last : match.start()])
                last = match.end()
            elif depth:
                depth -= 1
        elif depth >= limit:
            dropped += 1
            pieces.append(text[last : match.start()])
            last = match.end()
        else:
            depth += 1
    pieces.append(text[last:])
    return "".join(pieces)


def strip_tags(text: str) -> str:
    """Plain text of some HTML, with entities decoded: for word counts and summaries in feeds.

    Every tag becomes a space, so text in separate elements never runs together.
    """
    without = nh3.clean(
        limit_nesting(text).replace("<", " <"), tags=set(), clean_content_tags=REMOVED_WITH_CONTENT
    )
    return html.unescape(without).strip()
