"""A very small DOM over the standard library's html.parser, enough for importers.

html.parser only reports tags; this builds a tree from them with the few implied end tags
real pages rely on (<p>, <li>, <dt>, <dd>, table cells), ignores stray end tags, and caps
the nesting depth so hostile input can't make anything recurse deeply. Every walk over
the tree is iterative for the same reason.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}  # fmt: skip
RAW_TEXT = {"script", "style", "title", "textarea", "template", "noscript"}
BLOCK = {"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset",
         "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
         "main", "nav", "ol", "p", "pre", "section", "table", "ul", "li", "dd", "dt", "tr",
         "td", "th", "br", "body", "html", "figcaption", "caption", "center"}  # fmt: skip
# An open <p> is closed by these start tags, looking up the stack no further than a scope.
_CLOSES_P = BLOCK - {"br", "body", "html", "td", "th", "tr", "caption", "figcaption"}
_P_SCOPE = {"div", "blockquote", "li", "dd", "dt", "td", "th", "table", "body", "html",
            "section", "article", "button", "figure"}  # fmt: skip
_LIST_ITEMS = {"li": ({"li"}, {"ul", "ol", "body"}), "dt": ({"dt", "dd"}, {"dl", "body"}),
               "dd": ({"dt", "dd"}, {"dl", "body"}), "tr": ({"tr", "td", "th"}, {"table"}),
               "td": ({"td", "th"}, {"tr", "table"}), "th": ({"td", "th"}, {"tr", "table"}),
               "option": ({"option"}, {"select"})}  # fmt: skip
MAX_DEPTH = 200


class Element:
    __slots__ = ("attrs", "children", "parent", "tag")

    def __init__(self, tag: str, attrs: dict[str, str] | None = None, parent=None) -> None:
        self.tag = tag
        self.attrs = attrs or {}
        self.children: list[Element | str] = []
        self.parent: Element | None = parent

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<{self.tag} {self.attrs}>"

    # -- attributes
    def get(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)

    @property
    def id(self) -> str:
        return self.attrs.get("id", "")

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def has_class(self, *names: str) -> bool:
        return all(name in self.classes for name in names)

    # -- walking
    def iter(self) -> Iterator[Element]:
        """This element and every element under it, in document order."""
        stack: list[Element] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(c for c in reversed(node.children) if isinstance(c, Element))

    def find_all(
        self,
        tag: str | None = None,
        cls: str | None = None,
        id: str | None = None,
        where: Callable[[Element], bool] | None = None,
    ) -> list[Element]:
        return [
            node
            for node in self.iter()
            if node is not self
            and (tag is None or node.tag == tag)
            and (cls is None or cls in node.classes)
            and (id is None or node.id == id)
            and (where is None or where(node))
        ]

    def find(
        self,
        tag: str | None = None,
        cls: str | None = None,
        id: str | None = None,
        where: Callable[[Element], bool] | None = None,
    ) -> Element | None:
        for node in self.iter():
            if node is self:
                continue
            if (
                (tag is None or node.tag == tag)
                and (cls is None or cls in node.classes)
                and (id is None or node.id == id)
                and (where is None or where(node))
            ):
                return node
        return None

    @property
    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def next_element(self) -> Element | None:
        """The next sibling element, skipping text that is only white space."""
        if self.parent is None:
            return None
        siblings = self.parent.children
        index = next(i for i, c in enumerate(siblings) if c is self)
        for sibling in siblings[index + 1 :]:
            if isinstance(sibling, Element):
                return sibling
            if sibling.strip():
                return None
        return None

    def remove(self) -> None:
        if self.parent is not None:
            self.parent.children = [c for c in self.parent.children if c is not self]
            self.parent = None

    # -- content
    def text(self, block_breaks: bool = False) -> str:
        """The text inside, entities decoded. With block_breaks, block elements and <br>
        start new lines, so the lines can be read one by one."""
        parts: list[str] = []
        stack: list[Element | str | None] = [self]
        while stack:
            node = stack.pop()
            if node is None:
                parts.append("\n")
            elif isinstance(node, str):
                parts.append(node)
            elif node.tag in RAW_TEXT and node is not self:
                continue
            else:
                if block_breaks and node.tag in BLOCK:
                    parts.append("\n")
                    stack.append(None)
                stack.extend(reversed(node.children))
        return "".join(parts)

    def clean_text(self) -> str:
        """The text with white space runs collapsed: for titles, labels and tag names."""
        return " ".join(self.text().split())

    def inner_html(self) -> str:
        return _serialise(self.children)

    def outer_html(self) -> str:
        return _serialise([self])


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())


def _serialise(nodes: list[Element | str]) -> str:
    out: list[str] = []
    stack: list[Element | str | tuple[str]] = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            out.append(node[0])
        elif isinstance(node, str):
            out.append(html.escape(node, quote=False))
        elif node.tag == "#document":
            stack.extend(reversed(node.children))
        else:
            out.append(f"<{node.tag}{_attrs(node.attrs)}>")
            if node.tag in VOID:
                continue
            stack.append((f"</{node.tag}>",))
            stack.extend(reversed(node.children))
    return "".join(out)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack: list[Element] = [self.root]
        self.comments: list[str] = []
        self.pending: list[str] = []

    @property
    def top(self) -> Element:
        return self.stack[-1]

    def _close_until(self, names: set[str], scope: set[str]) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[index].tag
            if tag in names:
                del self.stack[index:]
                return
            if tag in scope:
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        if tag in _CLOSES_P:
            self._close_until({"p"}, _P_SCOPE)
        if tag in _LIST_ITEMS:
            names, scope = _LIST_ITEMS[tag]
            self._close_until(names, scope)
        element = Element(tag, {k: v or "" for k, v in attrs if k}, self.top)
        self.top.children.append(element)
        if tag not in VOID and len(self.stack) < MAX_DEPTH:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        element = Element(tag, {k: v or "" for k, v in attrs if k}, self.top)
        self.top.children.append(element)

    def handle_endtag(self, tag: str) -> None:
        self.flush()
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        # Collected and joined once: html.parser reports every stray "<" as its own piece,
        # and adding a million pieces to one growing string took quadratic time.
        self.pending.append(data)

    def flush(self) -> None:
        """Put the text read since the last tag into the tree, before the tree changes."""
        if not self.pending:
            return
        text = "".join(self.pending)
        self.pending.clear()
        children = self.top.children
        if children and isinstance(children[-1], str):
            children[-1] += text
        else:
            children.append(text)

    def handle_comment(self, data: str) -> None:
        self.flush()
        self.comments.append(data)

    def close(self) -> None:
        super().close()
        self.flush()


def _defuse(text: str) -> str:
    """Escape markup that is never closed. html.parser (before Python 3.13.4 / 3.12.11)
    rescans the rest of the document for each unterminated `<!--`, `<![`, `<?` or `<`,
    which takes quadratic time on hostile input; an escaped one is just text."""
    for opener, closer in (("<!--", "-->"), ("<![", "]]>")):
        end = text.rfind(closer) + 1 if closer in text else 0
        if opener in text[end:]:
            text = text[:end] + text[end:].replace(opener, "&lt;" + opener[1:])
    end = text.rfind(">") + 1
    if "<" in text[end:]:
        text = text[:end] + text[end:].replace("<", "&lt;")
    return text


def parse_html(text: str) -> tuple[Element, list[str]]:
    """The document tree of some HTML, and its comments (for "saved from url=")."""
    builder = _Builder()
    builder.feed(_defuse(text))
    builder.close()
    return builder.root, builder.comments
