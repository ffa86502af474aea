"""Hostile markup typed into any text field must never become live markup on any page.

Every payload goes through the real forms into every field a user can type in; then every
page that shows those texts is parsed with Python's html.parser and checked by
`dangers_in`: the site's only scripts and icons are its own files under /static/, so any
other script, event handler, script-like URL, style, frame, plug-in, SVG or MathML element
on a page came from a user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from ficarchive.tags.models import Tag
from ficarchive.works.models import Series, Work
from tests.conftest import client_for, fixed

# -- the checker ----------------------------------------------------------------------------

FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
    "math", "noscript", "base", "template", "portal",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "data",
    "srcset", "lowsrc", "dynsrc", "longdesc", "codebase", "ping", "manifest", "icon",
}  # fmt: skip
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these around and in schemes


def _own_static_file(url: str | None) -> bool:
    return bool(url) and url.startswith("/static/ficarchive/") and ".." not in url


def _own_feed(attrs: list[tuple[str, str | None]]) -> bool:
    """A page's Atom feed: an alternate link to one of the archive's own feed.atom paths
    (its title attribute holds the typed title, escaped)."""
    found = dict(attrs)
    href = found.get("href") or ""
    return (
        found.get("rel") == "alternate"
        and found.get("type") == "application/atom+xml"
        and href.startswith("/")
        and not href.startswith("//")
        and href.endswith("/feed.atom")
    )


class _DangerFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.dangers: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and _own_static_file(dict(attrs).get("src")):
            return  # the archive's own script file; inline scripts have no src
        if tag in FORBIDDEN_ELEMENTS:
            self.dangers.append(f"<{tag}> element")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.dangers.append("<meta http-equiv>")
        if (
            tag == "link"
            and not (
                dict(attrs).get("rel") in ("stylesheet", "icon")
                and _own_static_file(dict(attrs).get("href"))
            )
            and not _own_feed(attrs)
        ):
            self.dangers.append(f"<link {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.dangers.append(f"<{tag} {name}=…> event handler")
            elif name in ("style", "srcdoc"):
                self.dangers.append(f"<{tag} {name}=…>")
            elif name in URL_ATTRIBUTES and value is not None:
                url = _IGNORED_IN_URLS.sub("", value).lower()
                if url.startswith(SCRIPT_SCHEMES):
                    self.dangers.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def dangers_in(html: str) -> list[str]:
    """Everything on the page that could run code, restyle it or frame something else."""
    finder = _DangerFinder()
    finder.feed(html)
    finder.close()
    return finder.dangers


def visible_text(html: str) -> str:
    finder = _DangerFinder()
    finder.feed(html)
    finder.close()
    return "".join(finder.text)


def assert_inert(response, where: str = "") -> None:
    assert response.status_code == 200, f"{where}: status {response.status_code}"
    assert dangers_in(response.content.decode()) == [], where or response.request["PATH_INFO"]


@pytest.mark.parametrize(
    "html",
    [
        "<script>x</script>",
        "<p onclick='x()'>a</p>",
        "<IMG SRC=x OnError=alert(1)>",
        '<a href=" &#14; jAvAsCrIpT&colon;alert(1)">a</a>',
        '<a href="java\tscript:alert(1)">a</a>',
        '<a href="data:text/html,x">a</a>',
        '<img src="vbscript:x">',
        '<p style="color:red">a</p>',
        "<style>p{}</style>",
        "<iframe></iframe>",
        "<object></object>",
        "<embed>",
        "<svg></svg>",
        "<math></math>",
        "<noscript></noscript>",
        '<meta http-equiv="refresh" content="0">',
        "<img src=x onerror=alert(1)//",
    ],
)
def test_the_checker_catches_each_kind_of_danger(html):
    assert dangers_in(f"<p>before</p>{html}<p>after</p>")


def test_the_checker_passes_the_plain_site(alice, guest_client):
    assert_inert(guest_client.get("/works/"))
    assert_inert(client_for(alice).get("/works/new/"))


# -- the payloads ---------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    '<body onload="alert(1)">',
    '<p onclick="alert(1)" onmouseover="alert(1)">click me</p>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">js</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">dec</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">hex and named</a>',
    '<a href=" \t\njava\tscript:alert(1)">whitespace</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab entity</a>',
    '<a href="&#14;javascript:alert(1)">control</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="javascript:alert(1)" alt="x">',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object><embed src="https://evil.example/x">',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button>',
    '<details open ontoggle="alert(1)"><summary>s</summary>x</details>',
    '<a href="https://ok.example/" onclick="alert(1)" style="color:red">ok link</a>',
    '<blockquote cite="javascript:alert(1)">quoted</blockquote>',
    '<base href="javascript:alert(1)//"><meta http-equiv="refresh" content="0;url=x">',
    "<!--><img src=x onerror=alert(1)>-->",
    '<img """><script>alert(1)</script>">',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
]

# Tag names can't hold , ^ * < > { } = ` \ %, so these try to break out of attributes
# or become script URLs without them.
TAG_PAYLOADS = [
    '" onmouseover "alert(1)',
    "' onfocus autofocus '",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(document.cookie)",
    "vbscript:msgbox(1)",
    "data:text/html;base64;PHNjcmlwdD4",
    '" style "color:red',
    "&#106;avascript:alert(1)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '"/onload "alert(1)',
]

STORY = "Harmless opening words of the story. "


@dataclass
class Posted:
    """A work with two chapters, its series, a pseud and a draft, all full of one payload."""

    payload: str
    tags: list[str]
    work: Work
    chapter_ids: list[int]
    series: Series
    pseud_id: int
    draft: Work


def work_form(user, payload: str, tag: str, button: str = "post", **changes) -> dict:
    data = {
        "title": payload, "summary": payload, "notes": payload, "end_notes": payload,
        "creators": [p.pk for p in user.pseuds.all()], "co_creators": "carol",
        "rating": fixed("Mature").pk, "warnings": [fixed("No Archive Warnings Apply").pk],
        "fandoms": tag, "relationships": f"{tag} rel", "characters": f"{tag} char",
        "additional_tags": f"{tag} add", "new_series_title": payload, "language": "en",
        "expected_chapters": "?", "published_on": timezone.localdate().isoformat(),
        "comment_permission": "everyone", "chapter_title": payload, "text": STORY + payload,
        button: "1", **changes,
    }  # fmt: skip
    return data


def ok(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def post_work_chapter_and_series(client, alice, payload: str, tag: str) -> tuple:
    """A work with two chapters in a series, every text field of each holding the payload."""
    ok(client.post("/works/new/", work_form(alice, payload, tag)))
    work = Work.objects.get(posted=True)
    series = Series.objects.get()
    ok(client.post(
        f"/works/{work.pk}/chapters/new/",
        {"title": payload, "summary": payload, "notes": payload, "end_notes": payload,
         "text": STORY + payload},
    ))  # fmt: skip
    ok(client.post(
        f"/series/{series.pk}/edit/",
        {"series-title": payload, "series-summary": payload, "series-notes": payload,
         f"order-position_{work.pk}": "1"},
    ))  # fmt: skip
    return work, series


def post_everywhere(alice, payload: str, tag: str) -> Posted:
    """Type the payload into every field of every form alice can fill in."""
    client = client_for(alice)
    ok(client.post("/account/pseuds/new/", {"name": "Pen Name", "description": payload}))
    work, series = post_work_chapter_and_series(client, alice, payload, tag)
    draft_data = work_form(
        alice, payload, tag, button="save_draft", new_series_title="", co_creators=""
    )
    ok(client.post("/works/new/", draft_data))
    return Posted(
        payload=payload,
        tags=[tag, f"{tag} rel", f"{tag} char", f"{tag} add"],
        work=work,
        chapter_ids=list(work.chapters.values_list("pk", flat=True)),
        series=series,
        pseud_id=alice.pseuds.get(name="Pen Name").pk,
        draft=Work.objects.get(posted=False),
    )


def tag_named(name: str) -> Tag:
    return Tag.objects.get(name=" ".join(name.split()))


def reading_pages(posted: Posted) -> list[str]:
    """The work as guests read it: the adult gate, then every way of reading it."""
    work, (first, second) = posted.work.pk, posted.chapter_ids
    return [
        f"/works/{work}/",
        f"/works/{work}/?view_adult=true",
        f"/works/{work}/?view_full_work=true",
        f"/works/{work}/chapters/{first}/",
        f"/works/{work}/chapters/{second}/",
        f"/works/{work}/navigate/",
    ]


def listing_pages(posted: Posted) -> list[str]:
    pages = ["/", "/works/", "/fandoms/", f"/series/{posted.series.pk}/", "/users/alice/",
             "/users/alice/works/", "/users/alice/series/",
             "/users/alice/pseuds/Pen Name/"]  # fmt: skip
    return pages + [tag_named(name).get_absolute_url() for name in posted.tags]


def authors_pages(posted: Posted) -> list[str]:
    work, (first, second) = posted.work.pk, posted.chapter_ids
    return [
        "/account/",
        f"/works/{work}/edit/",
        f"/works/{work}/chapters/{first}/edit/",
        f"/works/{work}/chapters/{second}/edit/",
        f"/works/{work}/chapters/order/",
        f"/works/{work}/delete/",
        f"/works/{work}/chapters/{second}/delete/",
        f"/series/{posted.series.pk}/edit/",
        "/account/pseuds/",
        f"/account/pseuds/{posted.pseud_id}/edit/",
        f"/account/pseuds/{posted.pseud_id}/delete/",
        f"/works/{posted.draft.pk}/",
    ]


def preview_form(alice, payload: str) -> dict:
    blank = dict.fromkeys(["new_series_title", "co_creators", "relationships", "characters",
                           "additional_tags"], "")  # fmt: skip
    return work_form(alice, payload, "Fresh Fandom", button="preview", **blank)


@pytest.mark.parametrize("number", range(len(PAYLOADS)), ids=lambda n: f"payload{n}")
def test_every_payload_is_inert_where_readers_see_it(alice, carol, number):
    """Each payload in every field of a work, its chapters and series; then the adult gate,
    the whole work, a chapter, the works index, the series page and the preview pane."""
    payload, tag = PAYLOADS[number], TAG_PAYLOADS[number % len(TAG_PAYLOADS)]
    author, guest = client_for(alice), Client()
    work, series = post_work_chapter_and_series(author, alice, payload, tag)
    second = work.chapters.get(position=2).pk
    pages = [
        f"/works/{work.pk}/",
        f"/works/{work.pk}/?view_adult=true&view_full_work=true",
        f"/works/{work.pk}/chapters/{second}/",
        "/works/",
        f"/series/{series.pk}/",
    ]
    for url in pages:
        assert_inert(guest.get(url), f"guest at {url}")
    assert_inert(author.post("/works/new/", preview_form(alice, payload)), "preview")


# A few payloads of each kind go to every page the texts reach, pseud and draft included.
EVERY_PAGE_PAYLOADS = [0, 4, 7, 12, 27, 28, 36, 37]


@pytest.mark.parametrize("number", EVERY_PAGE_PAYLOADS, ids=lambda n: f"payload{n}")
def test_a_hostile_payload_is_inert_on_every_page_it_reaches(alice, carol, number):
    payload, tag = PAYLOADS[number], TAG_PAYLOADS[number % len(TAG_PAYLOADS)]
    posted = post_everywhere(alice, payload, tag)
    guest, author = Client(), client_for(alice)
    for url in reading_pages(posted) + listing_pages(posted):
        assert_inert(guest.get(url), f"guest at {url}")
    for url in authors_pages(posted):
        assert_inert(author.get(url), f"alice at {url}")
    assert_inert(client_for(carol).get("/account/"), "invited co-creator's dashboard")


@pytest.mark.parametrize("title", [*PAYLOADS[:4], '"><b>bold</b>', "&lt;i&gt; &amp; &#106;"])
def test_titles_are_shown_as_the_plain_text_that_was_typed(alice, title):
    data = work_form(alice, title, "Lanternwick", co_creators="")
    ok(client_for(alice).post("/works/new/", data))
    work, series = Work.objects.get(), Series.objects.get()
    page = visible_text(Client().get(f"/works/{work.pk}/?view_adult=true").content.decode())
    assert work.title == series.title == title
    assert title in page
    assert f"Part 1 of {title}" in page
    assert title in visible_text(Client().get(f"/series/{series.pk}/").content.decode())


@pytest.mark.parametrize("tag", TAG_PAYLOADS)
def test_tag_names_are_shown_as_text_and_link_inside_the_archive(alice, tag):
    ok(client_for(alice).post("/works/new/", work_form(alice, "A Title", tag, co_creators="")))
    work = Work.objects.get()
    page = Client().get(f"/works/{work.pk}/?view_adult=true").content.decode()
    for name in [tag, f"{tag} rel", f"{tag} char", f"{tag} add"]:
        assert tag_named(name).name in visible_text(page)
    links = [unescape(link) for link in re.findall(r'<a class="tag" href="([^"]*)"', page)]
    assert len(links) == 6  # rating, warning and the four free tags
    assert all(link.startswith("/tags/") for link in links)
    for link in links:
        assert Client().get(link).status_code == 200


def test_a_quotations_cite_address_follows_the_link_rules(alice):
    """cite is an address like href: javascript:, vbscript: and data: must not survive."""
    text = STORY + '<blockquote cite="javascript:alert(1)">quoted</blockquote>'
    data = work_form(alice, "Quoting", "Lanternwick", text=text, co_creators="")
    ok(client_for(alice).post("/works/new/", data))
    stored = Work.objects.get().chapters.get().text
    assert "<blockquote" in stored
    assert "javascript:" not in stored


# -- refused input echoed back --------------------------------------------------------------


@pytest.mark.parametrize("payload", [*PAYLOADS[:10], *PAYLOADS[-3:]])
def test_a_refused_form_echoes_hostile_co_creators_and_language_inertly(alice, payload):
    data = work_form(alice, payload, "Fresh Fandom", co_creators=payload, language=payload)
    response = client_for(alice).post("/works/new/", data)
    assert Work.objects.count() == 0
    assert_inert(response, "refused work form")
    assert "We couldn't find these pseuds" in visible_text(response.content.decode())


@pytest.mark.parametrize("payload", [*PAYLOADS[:10], *PAYLOADS[-3:]])
def test_a_refused_pseud_name_is_echoed_inertly(alice, payload):
    response = client_for(alice).post(
        "/account/pseuds/new/", {"name": payload, "description": payload}
    )
    assert alice.pseuds.count() == 1
    assert_inert(response, "refused pseud form")


@pytest.mark.parametrize("payload", ['x" onmouseover="alert(1)', "a<b>c", "{{7*7}}", "a%b"])
def test_tag_names_with_forbidden_characters_are_refused_and_echoed_inertly(alice, payload):
    data = work_form(alice, "A Title", payload)
    response = client_for(alice).post("/works/new/", data)
    assert Work.objects.count() == 0
    assert "contains a character tags can't have" in visible_text(response.content.decode())
    assert_inert(response, "refused tags")


@pytest.mark.parametrize(
    "name", ["title", "summary", "notes", "chapter_title", "text", "fandoms", "co_creators"]
)
def test_a_nul_character_is_refused_politely(alice, name):
    data = work_form(alice, "A Title", "Fresh Fandom", co_creators="", new_series_title="")
    data[name] = f"{data[name]}\x00more"
    response = client_for(alice).post("/works/new/", data)
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert Work.objects.count() == 0
