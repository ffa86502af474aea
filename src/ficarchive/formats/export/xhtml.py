"""Sanitised HTML fragments re-written as well-formed, EPUB-valid XHTML (and as plain text).

Fragments in a ParsedWork are HTML that the sanitiser's allowlist let through. An HTML page
takes them as they are, but an EPUB's XHTML must be XML and must follow HTML's content
models, which the allowlist doesn't enforce (`<ul><p>`, `<em><p>`, a lone `<li>`,
`align="center"`, `<center>`). This module parses a fragment with the standard library's
html.parser into a small tree, repairs it, and writes it out again:

- void elements close themselves (`<br/>`), text and attributes are escaped, characters
  XML forbids are dropped, named entities become characters;
- obsolete elements become their modern equivalents (`strike` → `s`, `acronym` → `abbr`,
  `center`, `big`, `tt` → `div`/`span` with a class the stylesheet styles);
- attributes HTML5 dropped (`align`, `valign`, `width` on cells, `border`, `cellpadding`)
  are removed; `align` becomes a class so centred text stays centred;
- an element where its content model forbids it is renamed to `div` or `span` with a class
  (`fa-ul`, `fa-li`, `fa-table`...) that the stylesheet displays the same way, so a list
  inside a paragraph still looks like a list; lists, definition lists and tables get the
  children they require;
- `<a name>` becomes an id; links to a fragment that isn't in the same file lose their
  href (an EPUB checker rejects them), and relative links are made absolute against the
  work's address;
- images are replaced by a link to the picture, labelled with its alt text (see
  `Images`), since EPUB 3 allows no remote images and we don't fetch anything;
- a ruby keeps its base text and annotations; an `<rp>` written as a child of it is
  fallback and is replaced by our own `(` `)` around every annotation, text after the last
  annotation moves after the ruby, and a ruby with no annotation becomes a span. An `<rp>`
  anywhere else is ordinary text. No other text is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from urllib.parse import quote, urljoin

# -- the tree ---------------------------------------------------------------------------------


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)
    source: str = ""  # the tag name the author wrote, for matching end tags
    trailing: list[Element | str] = field(default_factory=list)  # to move after it (ruby)
    fallback: bool = False  # an rp written directly in a ruby: we write our own instead

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def add_class(self, name: str) -> None:
        if name not in self.classes():
            self.attrs["class"] = " ".join([*self.classes(), name])


Node = Element | str

VOID = {"br", "hr", "img", "col", "wbr", "area", "base", "embed", "input", "link", "meta",
        "param", "source", "track"}  # fmt: skip
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "svg", "math", "noscript", "object",
                        "embed", "template", "textarea", "select", "title", "head"}  # fmt: skip
# Obsolete elements: (new tag, class that keeps their look).
RENAMED = {
    "acronym": ("abbr", ""),
    "strike": ("s", ""),
    "big": ("span", "fa-big"),
    "tt": ("span", "fa-tt"),
    "center": ("div", "fa-center"),
    "font": ("span", ""),
}
PHRASING = {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i",
            "img", "ins", "kbd", "mark", "q", "ruby", "s", "samp", "small", "span", "strong",
            "sub", "sup", "time", "u", "var", "wbr"}  # fmt: skip
TRANSPARENT = {"a", "del", "ins"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = {"address", "blockquote", "details", "div", "dl", "figure", "hr", "ol", "p", "pre",
          "table", "ul", *HEADINGS}  # fmt: skip
# Elements that belong only inside one kind of parent.
PARENTS = {
    "li": {"ul", "ol"},
    "dt": {"dl"},
    "dd": {"dl"},
    "caption": {"table"},
    "colgroup": {"table"},
    "thead": {"table"},
    "tbody": {"table"},
    "tfoot": {"table"},
    "tr": {"table", "thead", "tbody", "tfoot"},
    "td": {"tr"},
    "th": {"tr"},
    "col": {"colgroup"},
    "rt": {"ruby"},
    "rp": {"ruby"},
    "summary": {"details"},
    "figcaption": {"figure"},
}
KNOWN = PHRASING | BLOCKS | set(PARENTS)
# Content that's only phrasing (text-level) inside these.
PHRASING_ONLY = (PHRASING - TRANSPARENT) | HEADINGS | {"p", "pre", "summary", "rt", "rp"}
# An open element of the key is closed by a start tag of one of the values (html's
# "implied end tags", enough of them for what an allowlist lets through).
_P_CLOSERS = BLOCKS | {"li", "dd", "dt", "figcaption", "summary", "caption"}
_CLOSED_BY = {
    "a": {"a"},
    "p": _P_CLOSERS,
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "tr": {"tr", "tbody", "thead", "tfoot"},
    "td": {"td", "th", "tr", "tbody", "thead", "tfoot"},
    "th": {"td", "th", "tr", "tbody", "thead", "tfoot"},
    "thead": {"tbody", "tfoot"},
    "tbody": {"tbody", "tfoot"},
    "colgroup": {"colgroup", "thead", "tbody", "tfoot", "tr", "caption"},
}
# An rt or rp start tag ends these only when they are the innermost open elements of a ruby
# (html5's "generate implied end tags"): a span or a table cell in between keeps the
# annotation where the author put it.
_ENDED_BY_ANNOTATION = {"rt", "rp", "p", "li", "dd", "dt"}
_RUBY_SCOPE = {"ruby", "table", "td", "th", "caption"}
# Searching for an element to close stops at these (its list, table, ruby...).
_SCOPES = {
    "a": set(),
    "p": {"td", "th", "caption", "li", "dd", "dt", "blockquote", "div", "details", "figure",
          "table", "ul", "ol", "dl", "address", "figcaption", "summary"},
    "li": {"ul", "ol"},
    "dt": {"dl"},
    "dd": {"dl"},
    "tr": {"table"},
    "td": {"table"},
    "th": {"table"},
    "thead": {"table"},
    "tbody": {"table"},
    "colgroup": {"table"},
}  # fmt: skip


MAX_DEPTH = 120  # deeper elements keep their text but not their markup (no runaway recursion)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self.stack: list[Element] = [self.root]
        self.skipping: list[str] = []
        # The open elements as the markup nests them, implied end tags aside: (source tag,
        # nested deeper than MAX_DEPTH). Whether an rp is fallback depends on where the
        # author wrote it, not on where implied end tags moved it; and an element too deep
        # for the tree stays open here, so its end tag doesn't close one further out.
        self.written: list[tuple[str, bool]] = []
        self.written_count: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)
            return
        if tag in REMOVED_WITH_CONTENT:
            if tag not in VOID:
                self.skipping.append(tag)
            return
        new_tag, new_class = RENAMED.get(tag, (tag, ""))
        if new_tag not in KNOWN:
            return  # not an element the allowlist keeps: keep the text
        if len(self.stack) > MAX_DEPTH:
            if new_tag not in VOID:
                self._open_written(tag, too_deep=True)
            return
        self._close_implied(new_tag)
        element = Element(new_tag, source=tag)
        element.fallback = tag == "rp" and bool(self.written) and self.written[-1][0] == "ruby"
        for name, value in attrs:
            element.attrs.setdefault(name.lower(), name if value is None else value)
        if new_class:
            element.add_class(new_class)
        self.stack[-1].children.append(element)
        if new_tag not in VOID:
            self.stack.append(element)
            self._open_written(tag, too_deep=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def _close_implied(self, tag: str) -> None:
        if tag in {"rt", "rp"}:
            self._end_annotation()
            return
        for open_tag, closers in _CLOSED_BY.items():
            if tag in closers:
                self._close(open_tag, _SCOPES[open_tag])

    def _end_annotation(self) -> None:
        scope = next((e for e in reversed(self.stack) if e.tag in _RUBY_SCOPE), None)
        if scope is None or scope.tag != "ruby":
            return
        while self.stack[-1] is not scope and self.stack[-1].tag in _ENDED_BY_ANNOTATION:
            self.stack.pop()

    def _close(self, tag: str, scope: set[str]) -> bool:
        for index in range(len(self.stack) - 1, 0, -1):
            element = self.stack[index]
            if element.tag == tag:
                del self.stack[index:]
                return True
            if element.tag in scope:
                return False
        return False

    def _open_written(self, tag: str, too_deep: bool) -> None:
        self.written.append((tag, too_deep))
        self.written_count[tag] = self.written_count.get(tag, 0) + 1

    def _close_written(self, tag: str) -> bool | None:
        """Close the innermost written element named `tag`, and say whether it was too deep
        for the tree (None: none is open). Each entry is popped once: linear time even for
        hostile nesting."""
        if not self.written_count.get(tag):
            return None
        while True:
            name, too_deep = self.written.pop()
            self.written_count[name] -= 1
            if name == tag:
                return too_deep

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if self._close_written(tag) is not False:
            return  # too deep for the tree, or not open at all
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].source == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def parse(html: str) -> Element:
    """The fragment as a tree under a "#root" element, with implied end tags applied."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# -- repairing content models -----------------------------------------------------------------


def _is_blank(node: Node) -> bool:
    return isinstance(node, str) and not node.strip()


def _demote(element: Element, phrasing: bool) -> Element:
    """The element as a div or span that looks the same (the stylesheet knows fa-<tag>)."""
    element.add_class(f"fa-{element.tag}")
    element.tag = "span" if phrasing else "div"
    return element


@dataclass(frozen=True)
class _Context:
    phrasing: bool = False  # only phrasing content is allowed here
    in_link: bool = False  # no interactive content (a, details)
    no_heading: bool = False  # dt, address
    no_table: bool = False  # caption
    no_address: bool = False
    no_dfn: bool = False


def _repair(children: list[Node], parent: str, ctx: _Context) -> list[Node]:
    out: list[Node] = []
    for node in children:
        if isinstance(node, str):
            out.append(node)
            continue
        element = node
        if element.fallback:
            continue  # replaced by our own around each annotation (see _fix_ruby)
        tag = element.tag
        if tag in PARENTS and parent not in PARENTS[tag]:
            if tag in {"col", "colgroup"}:
                continue  # empty by nature; nothing to show outside a table
            _demote(element, ctx.phrasing)
        elif ctx.phrasing and tag not in PHRASING and tag not in PARENTS:
            _demote(element, True)
        elif (
            (ctx.in_link and tag in {"a", "details"})
            or (ctx.no_dfn and tag == "dfn")
            or (ctx.no_heading and tag in HEADINGS)
            or (ctx.no_table and tag == "table")
            or (ctx.no_address and tag == "address")
        ):
            _demote(element, ctx.phrasing)
        _repair_element(element, ctx)
        out.append(element)
        if element.trailing:  # text after a ruby's last annotation belongs after the ruby
            out.extend(element.trailing)
            element.trailing = []
    return out


def _repair_element(element: Element, ctx: _Context) -> None:
    tag = element.tag
    inner = ctx  # restrictions on descendants hold all the way down
    if tag in PHRASING_ONLY:
        inner = replace(inner, phrasing=True)
    if tag == "a":
        inner = replace(inner, in_link=True)
    elif tag in {"dt", "th"}:
        inner = replace(inner, no_heading=True)
    elif tag == "dfn":
        inner = replace(inner, no_dfn=True)
    elif tag == "address":
        inner = replace(inner, no_heading=True, no_address=True)
    elif tag == "caption":
        inner = replace(inner, no_table=True)
    children = _repair(element.children, tag, inner)
    fix = _STRUCTURE.get(tag)
    element.children = fix(element, children, inner) if fix else children


def _wrap_runs(children: list[Node], keep: set[str], wrapper: str) -> list[Node]:
    """Children not in `keep` (other than blank text) gathered into `wrapper` elements."""
    out: list[Node] = []
    run: list[Node] = []

    def flush() -> None:
        if any(not _is_blank(n) for n in run):
            out.append(Element(wrapper, children=list(run)))
        else:
            out.extend(run)
        run.clear()

    for node in children:
        if isinstance(node, Element) and node.tag in keep:
            flush()
            out.append(node)
        else:
            run.append(node)
    flush()
    return out


def _fix_list(element: Element, children: list[Node], ctx: _Context) -> list[Node]:
    children = [n for n in children if not (isinstance(n, Element) and n.tag == "br")]
    return _wrap_runs(children, {"li"}, "li")


def _fix_dl(element: Element, children: list[Node], ctx: _Context) -> list[Node]:
    out: list[Node] = []
    last = ""
    for node in _wrap_runs(children, {"dt", "dd"}, "dd"):
        if isinstance(node, Element):
            if node.tag == "dd" and not last:
                out.append(Element("dt"))
            last = node.tag
        out.append(node)
    if last == "dt":
        out.append(Element("dd"))
    return out


def _fix_table(element: Element, children: list[Node], ctx: _Context) -> list[Node]:
    caption: list[Node] = []
    colgroups: list[Node] = []
    head: list[Node] = []
    bodies: list[Node] = []
    foot: list[Node] = []
    loose: list[Node] = []  # rows and stray content, gathered into a tbody

    def flush() -> None:
        if any(not _is_blank(n) for n in loose):
            rows = _wrap_runs(loose, {"tr"}, "tr")
            for row in rows:
                if isinstance(row, Element) and row.tag == "tr":
                    row.children = _fix_row(row, row.children, ctx)
            bodies.append(Element("tbody", children=rows))
        loose.clear()

    for node in children:
        if _is_blank(node):
            continue
        if not isinstance(node, Element):
            loose.append(node)
            continue
        if node.tag == "caption" and not caption:
            caption.append(node)
        elif node.tag == "colgroup":
            colgroups.append(node)
        elif node.tag == "thead" and not head:
            flush()
            head.append(node)
        elif node.tag == "tfoot" and not foot:
            flush()
            foot.append(node)
        elif node.tag in {"thead", "tbody", "tfoot"}:
            flush()
            node.tag = "tbody"
            bodies.append(node)
        elif node.tag == "caption":
            node.tag = "tr"
            node.children = [Element("td", children=node.children)]
            loose.append(node)
        else:
            loose.append(node)
    flush()
    return [*caption, *colgroups, *head, *bodies, *foot]


def _fix_section(element: Element, children: list[Node], ctx: _Context) -> list[Node]:
    out: list[Node] = []
    cells: list[Node] = []

    def flush_cells() -> None:
        if cells:
            out.append(Element("tr", children=_fix_row(element, list(cells), ctx)))
        cells.clear()

    for node in children:
        if _is_blank(node):
            continue
        if isinstance(node, Element) and node.tag == "tr":
            flush_cells()
            out.append(node)
        else:
            cells.append(node)
    flush_cells()
    return out


def _fix_row(element: Element, children: list[Node], ctx: _Context) -> list[Node]:
    return [n for n in _wrap_runs(children, {"td", "th"}, "td") if not _is_blank(n)]


def _fix_colgroup(element: Element, children: list[Node], ctx: _Context) -> list[Node]:
    cols = [n for n in children if isinstance(n, Element) and n.tag == "col"]
    if cols:
        element.attrs.pop("span", None)
    return cols


def _fix_details(element: Element, children: list[Node], ctx: _Context) -> list[Node]:
    first = next((n for n in children if isinstance(n, Element) and n.tag == "summary"), None)
    rest: list[Node] = []
    for node in children:
        if node is first:
            continue
        if isinstance(node, Element) and node.tag == "summary":
            _demote(node, False)
        rest.append(node)
    return [first or Element("summary"), *rest]


def _fix_figure(element: Element, children: list[Node], ctx: _Context) -> list[Node]:
    captions = [n for n in children if isinstance(n, Element) and n.tag == "figcaption"]
    if not captions:
        return children
    for extra in captions[1:]:
        _demote(extra, False)
    caption = captions[0]
    others = [n for n in children if n is not caption]
    meaningful = [n for n in children if not _is_blank(n)]
    if meaningful and meaningful[0] is caption:
        return [caption, *others]
    return [*others, caption]


def _fix_ruby(element: Element, children: list[Node], ctx: _Context) -> list[Node]:
    # A ruby is base text followed by annotations and ends with one; what follows the last
    # annotation is moved out (see _repair), and a ruby without any is just text. The
    # authors' fallback parentheses were left out (see _repair) and are replaced by our own
    # around every annotation; an rp that implied end tags brought here is ordinary text.
    for node in children:
        if isinstance(node, Element) and node.tag == "rp":
            _demote(node, True)
    last = max(
        (i for i, n in enumerate(children) if isinstance(n, Element) and n.tag == "rt"),
        default=-1,
    )
    if last < 0:
        element.tag = "span"
        return children
    element.trailing = children[last + 1 :]
    out: list[Node] = []
    for node in children[: last + 1]:
        if isinstance(node, Element) and node.tag == "rt":
            out += [Element("rp", children=["("]), node, Element("rp", children=[")"])]
        else:
            out.append(node)
    return out


_STRUCTURE = {
    "ul": _fix_list,
    "ol": _fix_list,
    "dl": _fix_dl,
    "table": _fix_table,
    "thead": _fix_section,
    "tbody": _fix_section,
    "tfoot": _fix_section,
    "tr": _fix_row,
    "colgroup": _fix_colgroup,
    "details": _fix_details,
    "figure": _fix_figure,
    "ruby": _fix_ruby,
}


def repair(root: Element, *, phrasing: bool = False) -> Element:
    """Make the tree follow HTML's content models, in place; `phrasing` when the fragment
    goes where only text-level content may."""
    root.children = _repair(root.children, "#root", _Context(phrasing=phrasing))
    return root


# -- attributes -------------------------------------------------------------------------------

_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_CLASS = re.compile(r"^[A-Za-z][\w-]*$")
_INT = re.compile(r"^\s*(-?\d{1,9})\s*$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_ALLOWED_SCHEMES = {"http", "https", "mailto", "ftp"}
_ALIGN = {"left", "right", "center", "justify"}


_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):(?://([^/?#]*))?(.*)$", re.S)
_HOST = re.compile(r"^[A-Za-z0-9\-._~]+$")
_IPV6 = re.compile(r"^\[[0-9A-Fa-f:.]+\]$")
_URL_SAFE = "/?:@!$&'()*+,;=%~-._"  # no brackets, no second "#": strict checkers refuse them


def _quote(part: str) -> str:
    part = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", part)
    return quote(part, safe=_URL_SAFE)


def clean_url(value: str) -> str | None:
    """An absolute http(s), ftp or mailto address written as a valid URI (spaces and other
    characters percent-encoded, an international host name in its ASCII form), or None."""
    match = _URL.match(value.strip())
    if not match:
        return None
    scheme, authority, rest = match.groups()
    if scheme.lower() not in _ALLOWED_SCHEMES:
        return None
    if scheme.lower() != "mailto":
        if authority is None:
            return None
        userinfo, _, hostport = authority.rpartition("@")
        host, port = hostport, ""
        if not hostport.endswith("]") and ":" in hostport:
            host, _, port = hostport.rpartition(":")
        if not port.isdigit() and port:
            return None
        if not _IPV6.match(host):
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                return None
            if not _HOST.match(host):
                return None
        userinfo = f"{_quote(userinfo)}@" if userinfo else ""
        authority = userinfo + host + (f":{port}" if port else "")
    path, hash_sign, fragment = rest.partition("#")
    url = f"{scheme}:" + (f"//{authority}" if authority is not None else "") + _quote(path)
    return url + (f"#{_quote(fragment)}" if hash_sign else "")


def _number(value: str, low: int, high: int) -> str | None:
    match = _INT.match(value)
    if not match:
        return None
    number = int(match.group(1))
    return str(number) if low <= number <= high else None


class Document:
    """One output file: ids in it are unique, and fragment links point at ids in it.

    Call `fragment()` for each piece of author HTML, `reserve()` for ids the template uses,
    and `finish()` on the whole file's text at the end.
    """

    def __init__(self, base_url: str = "", *, link_images: bool = True) -> None:
        self.base_url = base_url
        self.link_images = link_images
        self.ids: set[str] = set()
        self._links: list[str] = []

    def reserve(self, identifier: str) -> str:
        self.ids.add(identifier)
        return identifier

    # -- links ---------------------------------------------------------------------------------
    def _url(self, value: str) -> str | None:
        value = value.strip()
        if value.startswith("#"):
            return "#" + _quote(value[1:])
        if value and not _SCHEME.match(value) and self.base_url:
            value = urljoin(self.base_url, value)
        return clean_url(value)

    def _href(self, value: str) -> str | None:
        url = self._url(value)
        if url is None:
            return None
        if url.startswith("#"):
            # Resolved in finish(), once every id in the file is known.
            self._links.append(url[1:])
            return f"\x00{len(self._links) - 1}\x00"
        return url

    def finish(self, text: str) -> str:
        """Replace the markers fragment() left for in-file links: kept when the id exists."""

        def link(match: re.Match[str]) -> str:
            target = self._links[int(match.group(1))]
            return f' href="#{escape(target)}"' if target in self.ids else ""

        return re.sub(r' href="\x00(\d+)\x00"', link, text)

    # -- attributes ----------------------------------------------------------------------------
    def _attributes(self, element: Element) -> list[tuple[str, str]]:
        tag, attrs = element.tag, element.attrs
        out: dict[str, str] = {}
        classes = [c for c in attrs.get("class", "").split() if _CLASS.match(c)]
        align = attrs.get("align", "").strip().lower()
        if align in _ALIGN and tag not in {"img", "table", "caption", "col", "colgroup"}:
            classes.append(f"fa-align-{align}")
        if tag == "table" and attrs.get("border", "0").strip() not in {"", "0"}:
            classes.append("fa-bordered")

        identifier = attrs.get("id") or (attrs.get("name") if tag == "a" else None)
        if identifier and _ID.match(identifier) and identifier not in self.ids:
            out["id"] = self.reserve(identifier)
        if classes:
            out["class"] = " ".join(dict.fromkeys(classes))
        if attrs.get("title"):
            out["title"] = attrs["title"]
        lang = attrs.get("lang", "").strip()
        if lang and _LANG.match(lang):
            out["lang"] = lang
            out["xml:lang"] = lang
        direction = attrs.get("dir", "").strip().lower()
        if direction in {"ltr", "rtl", "auto"}:
            out["dir"] = direction

        if tag == "a" and "href" in attrs:
            href = self._href(attrs["href"])
            if href is not None:
                out["href"] = href
                rel = [t for t in attrs.get("rel", "").split() if t in {"nofollow", "noopener"}]
                if rel and not href.startswith("\x00"):
                    out["rel"] = " ".join(rel)
        elif tag in {"blockquote", "q", "del", "ins"} and "cite" in attrs:
            cite = self._url(attrs["cite"])
            if cite and not cite.startswith("#"):
                out["cite"] = cite
        elif tag == "ol":
            start = _number(attrs.get("start", ""), -(10**9), 10**9)
            if start is not None:
                out["start"] = start
            if attrs.get("type", "").strip() in {"1", "a", "A", "i", "I"}:
                out["type"] = attrs["type"].strip()
        elif tag in {"td", "th"}:
            colspan = _number(attrs.get("colspan", ""), 1, 1000)
            rowspan = _number(attrs.get("rowspan", ""), 0, 65534)
            if colspan is not None:
                out["colspan"] = colspan
            if rowspan is not None:
                out["rowspan"] = rowspan
            scope = attrs.get("scope", "").strip().lower()
            if tag == "th" and scope in {"row", "col", "rowgroup", "colgroup"}:
                out["scope"] = scope
        elif tag in {"col", "colgroup"}:
            span = _number(attrs.get("span", ""), 1, 1000)
            if span is not None:
                out["span"] = span
        elif tag == "details" and "open" in attrs:
            out["open"] = "open"
        elif tag == "img":
            src = self._url(attrs.get("src", ""))
            if src and not src.startswith("#"):
                out["src"] = src
            out["alt"] = attrs.get("alt", "")
            for size in ("width", "height"):
                value = _number(attrs.get(size, ""), 0, 100000)
                if value is not None:
                    out[size] = value
        return [(name, value if value.startswith("\x00") else escape(value))
                for name, value in out.items()]  # fmt: skip

    # -- images --------------------------------------------------------------------------------
    def _image(self, element: Element, in_link: bool) -> Element:
        """A remote picture as a link to it, labelled with its alt text."""
        alt = " ".join(element.attrs.get("alt", "").split())
        label = f"[Image: {alt}]" if alt else "[Image]"
        src = element.attrs.get("src", "")
        if in_link or not self._url(src) or self._url(src).startswith("#"):
            return Element("span", {"class": "fa-image"}, [label])
        return Element("a", {"class": "fa-image", "href": src}, [label])

    # -- writing -------------------------------------------------------------------------------
    def _write(self, node: Node, out: list[str], in_link: bool) -> None:
        if isinstance(node, str):
            out.append(escape(node))
            return
        if node.tag == "img" and self.link_images:
            node = self._image(node, in_link)
        attributes = "".join(f' {name}="{value}"' for name, value in self._attributes(node))
        if node.tag in VOID:
            out.append(f"<{node.tag}{attributes}/>")
            return
        out.append(f"<{node.tag}{attributes}>")
        for child in node.children:
            self._write(child, out, in_link or node.tag == "a")
        out.append(f"</{node.tag}>")

    def fragment(self, html: str, *, phrasing: bool = False) -> str:
        """The fragment as XHTML that is valid where flow content (or, with `phrasing`, only
        text-level content) is allowed. Links to ids are settled by finish()."""
        root = repair(parse(html), phrasing=phrasing)
        out: list[str] = []
        for child in root.children:
            self._write(child, out, False)
        return "".join(out)


# -- text -------------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_chars(text: str) -> str:
    """The text without the characters XML 1.0 forbids (controls such as form feed, lone
    surrogates): people can type them into titles, and one would make a whole feed or book
    unreadable."""
    return _XML_INVALID.sub("", text)


def escape(text: str) -> str:
    """Text for XML content or a double-quoted attribute; characters XML forbids dropped."""
    text = xml_chars(text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def to_xhtml(html: str, base_url: str = "") -> str:
    """One fragment on its own as XHTML (links to ids in other fragments are dropped)."""
    document = Document(base_url)
    return document.finish(document.fragment(html))


# Styles for what repair() renamed, so it looks as the author meant; EPUB and PDF use them.
STYLE = """
.fa-center, .fa-align-center { text-align: center; }
.fa-align-left { text-align: left; }
.fa-align-right { text-align: right; }
.fa-align-justify { text-align: justify; }
.fa-big { font-size: larger; }
.fa-tt, .fa-pre { font-family: monospace; }
.fa-image { font-style: italic; }
span.fa-p, span.fa-div, span.fa-blockquote, span.fa-pre, span.fa-address, span.fa-figure,
span.fa-details, span.fa-summary, span.fa-dl, span.fa-dt, span.fa-dd, span.fa-ul, span.fa-ol,
span.fa-caption, span.fa-figcaption, span.fa-hr, span.fa-h1, span.fa-h2, span.fa-h3,
span.fa-h4, span.fa-h5, span.fa-h6 { display: block; }
span.fa-p { margin: 1em 0; }
.fa-blockquote { margin: 1em 2em; }
.fa-pre { white-space: pre-wrap; }
.fa-h1, .fa-h2, .fa-h3, .fa-h4, .fa-h5, .fa-h6 { font-weight: bold; margin: 0.8em 0 0.4em; }
.fa-h1 { font-size: 1.6em; }
.fa-h2 { font-size: 1.4em; }
.fa-h3 { font-size: 1.2em; }
.fa-li { display: list-item; margin-left: 1.5em; list-style-type: disc; }
.fa-ol > .fa-li, ol > .fa-li { list-style-type: decimal; }
.fa-dt { font-weight: bold; }
.fa-dd { margin-left: 2em; }
.fa-hr { border-top: 1px solid; margin: 1em 0; }
.fa-table { display: table; border-collapse: collapse; }
.fa-thead { display: table-header-group; }
.fa-tbody { display: table-row-group; }
.fa-tfoot { display: table-footer-group; }
.fa-tr { display: table-row; }
.fa-td, .fa-th { display: table-cell; padding: 0.2em 0.5em; }
.fa-th { font-weight: bold; }
.fa-caption { display: table-caption; }
.fa-rt { font-size: 0.6em; }
table.fa-bordered td, table.fa-bordered th { border: 1px solid; }
"""
