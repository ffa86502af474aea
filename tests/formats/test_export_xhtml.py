"""Sanitised HTML re-written as XHTML for EPUB and PDF: well-formed XML, HTML's content
models followed, no text lost, links and ids settled within a file."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ficarchive.formats.export.xhtml import MAX_DEPTH, Document, clean_url, to_xhtml
from ficarchive.formats.sanitize import ALLOWED_TAGS, sanitize_html

BASE = "https://fics.example.org/works/42"


def convert(html: str) -> str:
    return to_xhtml(html, BASE)


def parse(xhtml: str) -> ET.Element:
    return ET.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml">{xhtml}</div>')


@pytest.mark.parametrize(
    ("html", "xhtml"),
    [
        ("<p>a<br>b</p><hr>", "<p>a<br/>b</p><hr/>"),
        ("<p>Tom &amp; Jerry &lt;3 &nbsp;&hellip; \x01</p>", "<p>Tom &amp; Jerry &lt;3 \xa0… </p>"),
        ("<p>one<p>two", "<p>one</p><p>two</p>"),
        ("<ul><li>a<li>b</ul>", "<ul><li>a</li><li>b</li></ul>"),
        ("<strike>s</strike><acronym title='t'>a</acronym>", '<s>s</s><abbr title="t">a</abbr>'),
        ("<center>c</center>", '<div class="fa-center">c</div>'),
        ("<big>b</big><tt>t</tt>", '<span class="fa-big">b</span><span class="fa-tt">t</span>'),
        ('<p align="center" class="x">c</p>', '<p class="x fa-align-center">c</p>'),
        ('<p align="middle" dir="up" lang="?">c</p>', "<p>c</p>"),
        (
            '<span lang="fr" dir="rtl" title="a&quot;b">x</span>',
            '<span title="a&quot;b" lang="fr" xml:lang="fr" dir="rtl">x</span>',
        ),
        ("<ul><p>x</p></ul>", "<ul><li><p>x</p></li></ul>"),
        ("<em><p>x</p></em>", '<em><span class="fa-p">x</span></em>'),
        ("<p><ul><li>x</li></ul></p>", "<p></p><ul><li>x</li></ul>"),
        (
            "<span><ul><li>x</li></ul></span>",
            '<span><span class="fa-ul"><span class="fa-li">x</span></span></span>',
        ),
        ("<li>lonely</li>", '<div class="fa-li">lonely</div>'),
        ("<dl><dd>d</dd><dt>t</dt></dl>", "<dl><dt></dt><dd>d</dd><dt>t</dt><dd></dd></dl>"),
        (
            "<dl>loose<dt>t</dt><dd>d</dd></dl>",
            "<dl><dt></dt><dd>loose</dd><dt>t</dt><dd>d</dd></dl>",
        ),
        (
            "<details><p>x</p><summary>s</summary></details>",
            "<details><summary>s</summary><p>x</p></details>",
        ),
        ("<details open>x</details>", '<details open="open"><summary></summary>x</details>'),
        (
            "<figure><p>a</p><figcaption>c</figcaption><p>b</p></figure>",
            "<figure><p>a</p><p>b</p><figcaption>c</figcaption></figure>",
        ),
        ("<ruby>漢<rt>kan</rt>字</ruby>", "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>字"),
        (
            "<ruby>漢<rp>[</rp><rt>kan</rt><rp>]</rp></ruby>",
            "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>",
        ),
        ("<ruby>no annotation</ruby>", "<span>no annotation</span>"),
        (
            "<a href='https://e.org'>x <a href='https://f.org'>y</a></a>",
            '<a href="https://e.org">x </a><a href="https://f.org">y</a>',
        ),
        ("<dfn>a <dfn>b</dfn></dfn>", '<dfn>a <span class="fa-dfn">b</span></dfn>'),
        (
            "<dl><dt><h2>t</h2></dt><dd>d</dd></dl>",
            '<dl><dt><div class="fa-h2">t</div></dt><dd>d</dd></dl>',
        ),
        (
            "<table><tr><td>a<td>b<tr><td>c</table>",
            "<table><tbody><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></tbody></table>",
        ),
        (
            "<table><tfoot><tr><td>f</td></tr></tfoot><tbody><tr><td>b</td></tr></tbody>"
            "<thead><tr><th>h</th></tr></thead><caption>c</caption></table>",
            "<table><caption>c</caption><thead><tr><th>h</th></tr></thead>"
            "<tbody><tr><td>b</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>",
        ),
        (
            '<table border="1" width="5" cellpadding="2"><tr><td colspan="x" rowspan="2" '
            'width="3" valign="top">a</td></tr></table>',
            '<table class="fa-bordered"><tbody><tr><td rowspan="2">a</td></tr></tbody></table>',
        ),
        (
            "<table><caption><table><tr><td>x</td></tr></table></caption></table>",
            '<table><caption><div class="fa-table"><div class="fa-tr"><div class="fa-td">x</div>'
            "</div></div></caption></table>",
        ),
        (
            '<ol start="3" type="i" reversed><li>x</li></ol><ul type="disc"><li>y</li></ul>',
            '<ol start="3" type="i"><li>x</li></ol><ul><li>y</li></ul>',
        ),
        ('<colgroup span="2"></colgroup><col>text', "text"),
        ("<script>alert(1)</script><style>p{}</style><p>ok</p>", "<p>ok</p>"),
        ("<p>" + "<b>" * 300 + "deep" + "</b>" * 300 + "</p>", None),
    ],
)
def test_repairs(html, xhtml):
    out = convert(html)
    parse(out)
    if xhtml is not None:
        assert out == xhtml


def test_links_and_ids():
    document = Document(BASE)
    document.reserve("endnotes")
    text = document.fragment(
        '<p><a href="#fn1" name="ref1">1</a> <a href="#gone">x</a> <a name="endnotes">clash</a>'
        ' <a href="/works/7?x=1 2">rel</a> <a href="javascript:alert(1)">js</a>'
        ' <a href="https://e.org/a b#c#d">sp</a> <a href="http://bücher.de/">idn</a></p>'
    )
    text += document.fragment('<p><a name="fn1" href="#ref1">1.</a> <a name="fn1">dup</a></p>')
    text = document.finish(text)
    assert '<a id="ref1" href="#fn1">1</a>' in text
    assert "<a>x</a>" in text
    assert "<a>clash</a>" in text  # the template's id wins
    assert '<a href="https://fics.example.org/works/7?x=1%202">rel</a>' in text
    assert "<a>js</a>" in text
    assert '<a href="https://e.org/a%20b#c%23d">sp</a>' in text
    assert '<a href="http://xn--bcher-kva.de/">idn</a>' in text
    assert '<a id="fn1" href="#ref1">1.</a> <a>dup</a>' in text
    assert "\x00" not in text


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://e.org/a?x=1&y=2", "https://e.org/a?x=1&y=2"),
        ("https://e.org/%zz", "https://e.org/%25zz"),
        ("https://e.org/q?[1]", "https://e.org/q?%5B1%5D"),
        ("mailto:a@e.org", "mailto:a@e.org"),
        ("https://u:p@e.org:8080/x", "https://u:p@e.org:8080/x"),
        ("http://[::1]/", "http://[::1]/"),
        ("http://exa mple.com/", None),
        ("http://[bad", None),
        ("https://e.org:x/", None),
        ("https:no-host", None),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("", None),
    ],
)
def test_clean_url(url, clean):
    assert clean_url(url) == clean


def test_images_become_links_with_their_alt_text():
    out = convert(
        '<p><img src="https://e.org/a.png" alt=" A  map "> <img src="/rel.png">'
        ' <a href="https://e.org"><img src="https://e.org/b.png" alt="b"></a></p>'
    )
    assert out == (
        '<p><a class="fa-image" href="https://e.org/a.png">[Image: A map]</a> '
        '<a class="fa-image" href="https://fics.example.org/rel.png">[Image]</a> '
        '<a href="https://e.org"><span class="fa-image">[Image: b]</span></a></p>'
    )
    kept = Document(BASE, link_images=False)
    out = kept.finish(kept.fragment('<img src="https://e.org/a.png" width="10" height="5%">'))
    assert out == '<img src="https://e.org/a.png" alt="" width="10"/>'


def _text(xhtml: str) -> str:
    return ET.tostring(parse(xhtml), encoding="unicode", method="text")


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        # Found by the property test: an <rp> outside any ruby, holding a ruby with no
        # annotation, is ordinary text.
        ("<rp><a><a><a><ruby><", "<"),
        ("<rp><ruby><", "<"),
        ("<rp>a<ruby>b<rt>c</rt></ruby>d</rp>", "ab(c)d"),
        ("<ruby>a<", "a<"),
        ("<ruby>a<rt>b</rt>c<", "a(b)c<"),
        # An <rp> inside a span or an annotation is not ruby fallback: an <rt> or <rp> start
        # tag must not close the elements around it and make it one.
        ("<ruby>a<rt><span><rp>kept</rp></span></rt></ruby>", "kept"),
        ("<ruby>a<rt>b<table><tr><td><rp>kept</rp></td></tr></table></rt></ruby>", "kept"),
        ("<ruby>a<span><rp>kept</rp></span><rt>b</rt></ruby>", "kept"),
        ("<rp>x<a><rt>kept</rt></a></rp>", "xkept"),
        # A link in a table cell in a link: the inner link's start closes the outer one.
        (
            "<ruby><a href='https://e.org'><table><tr><td><a href='https://f.org'>x</a></td></tr>"
            "</table><rp>kept</rp></a><rt>r</rt></ruby>",
            "xkept",
        ),
    ],
)
def test_text_in_and_around_ruby_is_kept(html, kept):
    assert kept in _text(convert(sanitize_html(html)))


def test_an_rt_inside_an_rt_keeps_the_text_after_it():
    # Texts cleaned before the sanitiser cleaned to a fixed point can hold an <rt> in an <rt>
    # (it unwrapped a <font> between them), whose <rp> is then not fallback but text.
    assert "kept" in _text(convert("<p><ruby>x<rt><rt>y</rt><rp>kept</rp></rt></ruby></p>"))


def test_end_tags_nested_too_deep_close_their_own_element():
    # Beyond MAX_DEPTH elements lose their markup; the end tag of one of them must not
    # close an element of the same name further out, which would move the text after it.
    for depth in range(MAX_DEPTH - 8, MAX_DEPTH + 4):
        html = "<b>" * depth + "<ruby>a<span><span>b<span>c</span><rp>kept</rp></span></span>"
        html += "<rt>d</rt></ruby>" + "</b>" * depth
        out = convert(sanitize_html(html))
        parse(out)
        assert "kept" in _text(out), depth


def test_phrasing_context():
    out = Document(BASE).fragment("<p>x</p><ul><li>y</li></ul>", phrasing=True)
    assert out == (
        '<span class="fa-p">x</span><span class="fa-ul"><span class="fa-li">y</span></span>'
    )


# -- properties ---------------------------------------------------------------------------------

_TAGS = sorted(ALLOWED_TAGS | {"p", "div"})
# Ruby and what most often ends up around it; "font" is unwrapped by the sanitiser.
_RUBY_TAGS = ["ruby", "rt", "rp", "span", "a", "b", "p", "div", "li", "ul", "dl", "dt", "dd",
              "table", "tr", "td", "th", "caption", "center", "blockquote", "font"]  # fmt: skip
_TEXT = st.text(alphabet=st.sampled_from("ab <>&\"'\n\xa0日本語ﬁ\u200b"), max_size=8)


@st.composite
def fragments(draw, depth: int = 0, tags: list[str] = _TAGS) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        if depth > 4 or draw(st.booleans()):
            parts.append(draw(_TEXT))
            continue
        tag = draw(st.sampled_from(tags))
        attrs = draw(
            st.sampled_from(
                ["", ' align="center"', ' colspan="2"', ' href="#a"', ' name="a"', ' lang="fr"']
            )
        )
        inner = draw(fragments(depth + 1, tags))
        closed = draw(st.booleans()) or tag in {"br", "hr", "img", "col"}
        parts.append(f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if closed else ""))
    return "".join(parts)


def _letters(markup: str) -> Counter:
    """The text's visible characters (no white space), whatever order the repairs chose."""
    text = ET.tostring(parse(markup), encoding="unicode", method="text")
    return Counter(c for c in text if not c.isspace())


@settings(max_examples=300, deadline=None)
@given(fragments() | fragments(tags=_RUBY_TAGS))
def test_any_sanitised_fragment_becomes_well_formed_xhtml_with_the_same_text(html):
    clean = sanitize_html(html)
    out = convert(clean)
    parse(out)
    # Images become "[Image]" labels and ruby gets "(" ")" fallbacks; nothing else changes
    # the text, though table captions, summaries and figure captions may move. The authors'
    # own ruby fallback is left out, or kept when they wrapped it around other elements that
    # HTML's rules then close it around; no other text is lost or added.
    kept, fallback = _source_text(clean)
    expected = Counter(c for c in kept if not c.isspace())
    got = _letters(out)
    got.subtract(Counter({"(": out.count("<rt"), ")": out.count("<rt")}))
    got.subtract(Counter(_letters("".join(re.findall(r"\[Image[^\]]*\]", out)))))
    lost = expected - got
    added = got - expected
    assert not lost
    assert not added - Counter(c for c in fallback if not c.isspace())


def _source_text(html: str) -> tuple[str, str]:
    """The text of a sanitised fragment (every element closed explicitly), and apart from it
    the text in an <rp> written as a child of a <ruby>: that is ruby's fallback, which the
    converter writes itself as "(" and ")" around each annotation. An <rp> anywhere else
    (outside a ruby, or inside a span or an annotation within one) is ordinary text."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.pieces: list[str] = []
            self.fallback: list[str] = []
            self.open: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag not in {"br", "hr", "img", "col", "wbr"}:
                self.open.append(tag)

        def handle_endtag(self, tag):
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

        def handle_data(self, data):
            in_fallback = any(
                tag == "rp" and outer == "ruby"
                for outer, tag in zip(self.open, self.open[1:], strict=False)
            )
            (self.fallback if in_fallback else self.pieces).append(data)

    parser = Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.pieces), "".join(parser.fallback)
