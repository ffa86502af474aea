"""Works for the exporter tests (tests/formats/test_export_*.py import them from here), and
checks that the samples really contain what the tests rely on."""

from __future__ import annotations

import random
import re
from datetime import date

from ficarchive.formats.export import ExportContext
from ficarchive.formats.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html
from ficarchive.formats.work import ParsedChapter, ParsedWork, SeriesPart

CTX = ExportContext(
    archive_name="Ficarchive Test Archive",
    work_url="https://fics.example.org/works/42",
    generated=date(2024, 5, 6),
    identifier="urn:ficarchive:fics.example.org:work:42",
    revision="r1",
)

HOSTILE_TITLE = 'Tea & <script>alert("x")</script> Biscuits'

# Everything the sanitiser's allowlist lets through, in the shapes authors use it.
RICH_HTML = sanitize_html("""
<p align="center">Centred <b>bold</b> <i>italic</i> <u>under</u> <s>struck</s> <strike>old</strike>
<big>big</big> <small>small</small> <tt>tele</tt> H<sub>2</sub>O x<sup>2</sup>
<abbr title="abbreviation">abbr</abbr> <acronym title="acronym">acr</acronym> <cite>cite</cite>
<code>code</code> <dfn>dfn</dfn> <kbd>kbd</kbd> <samp>samp</samp> <var>var</var> <del>del</del>
<ins>ins</ins> <q cite="https://example.org/quote">quoted</q> <span lang="fr" dir="ltr">oui</span>
<em class="stressed">em</em> <strong>strong</strong></p>
<center>An old centred line</center>
<h1>H1</h1><h2>H2</h2><h3>H3</h3><h4>H4</h4><h5>H5</h5><h6>H6</h6>
<blockquote cite="https://example.org/source"><p>A quotation.</p></blockquote>
<address>A letter's address</address>
<pre>  preformatted
    lines</pre>
<hr>
<ul type="square"><li>one</li><li>two<ul><li>nested</li></ul></li></ul>
<ol start="3" type="i"><li>three</li><li>four</li></ol>
<dl><dt>term</dt><dd>definition</dd><dd>second definition</dd></dl>
<table border="1" width="80%" cellpadding="2" cellspacing="0" summary="s">
<caption>Caption</caption><colgroup span="2" width="10"></colgroup><col span="1">
<thead><tr><th scope="col" align="left">Head</th><th>Head 2</th></tr></thead>
<tbody><tr><td colspan="2" valign="top" width="5">wide cell</td></tr>
<tr><td rowspan="1" height="3">a</td><td>b</td></tr></tbody>
<tfoot><tr><td>foot</td><td>foot 2</td></tr></tfoot></table>
<details open><summary>Spoiler</summary><p>Hidden text.</p></details>
<details><p>A details without a summary.</p></details>
<p><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp>字<rp>(</rp><rt>ji</rt><rp>)</rp></ruby>
<ruby>東京<rt>とうきょう</rt></ruby></p>
<figure><img src="https://example.org/picture.png" alt="A lighthouse" width="100" height="50%"
align="left" border="0"><figcaption>The lighthouse</figcaption></figure>
<p><a href="https://example.org/page?a=1&amp;b=2 c">link</a> <a href="/works/7">relative</a>
<a href="#fn1" name="ref1">1</a> <a href="#nowhere">dead anchor</a>
<a href="mailto:someone@example.org">mail</a></p>
<p><img src="http://example.org/a.png"> <a href="https://example.org"><img
src="https://example.org/b.png" alt="linked picture"></a></p>
<div class="note">A div with a line<br>break.</div>
<ul><p>A paragraph straight inside a list.</p></ul>
<em><p>A paragraph inside emphasis.</p></em>
<p>日本語のテキストです。中文文本。한국어 텍스트.</p>
<p><a name="fn1">1.</a> A footnote. <a href="#ref1">Back</a></p>
""")


def random_fragments(count: int, seed: int = 1) -> list[str]:
    """Random nestings of every allowed element and attribute, through the sanitiser: the
    content models an allowlist can't promise (lists in paragraphs, cells outside tables)."""
    rng = random.Random(seed)
    tags = sorted(ALLOWED_TAGS)
    values = ["1", "0", "-3", "center", "left", "50%", "https://e.org/a b", "#fn1", "fn1",
              "/rel", "", "rtl", "en-GB", "col", "I", "bad value", "日本"]  # fmt: skip

    def attributes(tag: str) -> str:
        names = sorted(ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"] | {"class"})
        return "".join(
            f' {rng.choice(names)}="{rng.choice(values)}"' for _ in range(rng.randint(0, 3))
        )

    def nodes(depth: int) -> str:
        parts = []
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.3 or depth > 5:
                parts.append(rng.choice(["text ", "日本語", " & < > ", "\n", "x"]))
                continue
            tag = rng.choice(tags)
            if tag in {"br", "hr", "img", "col"}:
                parts.append(f"<{tag}{attributes(tag)}>")
            else:
                end = f"</{tag}>" if rng.random() < 0.9 else ""
                parts.append(f"<{tag}{attributes(tag)}>{nodes(depth + 1)}{end}")
        return "".join(parts)

    return [sanitize_html(nodes(0)) for _ in range(count)]


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def make_work(**changes) -> ParsedWork:
    """A three-chapter work in progress with every preface field filled in."""
    work = ParsedWork(
        title="The Lighthouse Keeper",
        creators=["Maren", "Tobin"],
        rating="Teen And Up Audiences",
        warnings=["No Archive Warnings Apply"],
        categories=["F/F", "Gen"],
        fandoms=["Harbour Lights (Original Work)"],
        relationships=["Maren/Wren"],
        characters=["Maren", "Wren", "Tobin"],
        additional_tags=["Fluff", "Slow Burn"],
        language="en",
        series=[SeriesPart("Harbour Lights", 2)],
        summary=paragraphs("The lamp goes out.", "Someone has to climb the stairs."),
        notes=paragraphs("Thanks to my beta."),
        end_notes=paragraphs("Thank you for reading!"),
        published=date(2024, 1, 2),
        updated=date(2024, 3, 4),
        complete=False,
        expected_chapters=None,
        chapters=[
            ParsedChapter(
                title="Arrival",
                summary=paragraphs("Maren arrives."),
                notes=paragraphs("A short one."),
                end_notes=paragraphs("More soon."),
                text=paragraphs("First paragraph.", "Second paragraph."),
                words=4,
            ),
            ParsedChapter(title="", text=paragraphs("Untitled chapter text."), words=3),
            ParsedChapter(
                title="Storm",
                end_notes=paragraphs("Only end notes here."),
                text=paragraphs("The storm came in.", "Line one<br>line two"),
                words=0,  # counted from the text
            ),
        ],
    )
    for name, value in changes.items():
        setattr(work, name, value)
    return work


def long_work(chapters: int = 60) -> ParsedWork:
    """Non-ASCII title, CJK text and every kind of content, in many chapters."""
    fragments = random_fragments(chapters)
    return make_work(
        title="Ça va, 灯台守の物語 — “Quotes” & <Brackets>",
        creators=["Zoë Ångström", "李小龍"],
        language="ja",
        series=[SeriesPart("Harbour Lights", 2), SeriesPart("灯台 series", None)],
        summary=RICH_HTML,
        notes=paragraphs("Notes with a <b>bold</b> word and a link to <a href='#fn1'>a note</a>."),
        chapters=[
            ParsedChapter(
                title=f"第{n}章 <Chapter & {n}>",
                summary=fragments[n - 1],
                notes=paragraphs(f"Notes for chapter {n}."),
                end_notes=RICH_HTML if n == 1 else paragraphs("灯台の夜。"),
                text=RICH_HTML if n in {1, chapters} else paragraphs("海は静かだった。" * 20, "…"),
            )
            for n in range(1, chapters + 1)
        ],
        complete=True,
        expected_chapters=chapters,
    )


def test_rich_html_keeps_every_allowed_element():
    missing = {tag for tag in ALLOWED_TAGS if not re.search(rf"<{tag}[ >/]", RICH_HTML)}
    assert missing == set()


def test_samples_are_reproducible():
    assert random_fragments(5) == random_fragments(5)
    assert len(long_work(4).chapters) == 4
