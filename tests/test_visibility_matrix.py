"""Nothing leaks: one work, in every state, looked at by everyone, on every surface.

The matrix is three lists. STATES say what happened to alice's work "Saltwater Lanterns"
(co-written with carol); VIEWERS are the people who look; SURFACES are every page, feed,
API call, download and sitemap that can show the work, one line each. What a viewer should
find is one table, SEEN_BY (who may see the work in each state), bent by each surface's
`kind`:

- READER: opened by its address (work, chapter, comment, download, API detail). A muted work
  still opens; a guest asking for a restricted work is asked to log in.
- LISTING: lists or counts works (listings, search, tag counts, profiles, OPDS, inbox). Muted
  works are left out for the muter.
- GUEST: feeds and the sitemap are fetched without cookies and shared, so they always show
  what a guest sees, whoever fetches them.
- MEMBERS: the stored per-tag counts (API tags, OPDS tag lists) count what guests, or any
  logged-in reader, may see: not a creator's own drafts or hidden works, nor one reader's
  mutes.

Two more rules: pages about alice herself (her profile, works, feed) stop listing the work
once she orphans it, and nobody can download a draft or a hidden work. In the orphaned
state, no page that shows the work may name alice, except where it shows a series' own
byline (orphaning a work leaves its series hers: the orphan page tells her so).

Each world (one per state) is built once, through the real services, before its state is
applied, so every trace the work left (a comment, a bookmark, inbox news, tag counts, the
search index, cached downloads) is there to leak. A control work by dave in the same fandom
is public in every world: a listing that hides the work must still show dave's, so a broken
page never passes for a hidden work.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import TestCase, override_settings

from ficarchive.accounts.muting import mute_tags, mute_user
from ficarchive.community.services.blocking import block
from ficarchive.community.services.bookmarks import BookmarkInput, save_bookmark
from ficarchive.community.services.comments import CommentInput, post_comment
from ficarchive.community.services.history import mark_for_later
from ficarchive.community.services.orphaning import orphan_work
from ficarchive.community.services.subscriptions import subscribe
from ficarchive.formats.export import FORMATS
from ficarchive.search import index as search_index
from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag, TagType
from ficarchive.tags.services import tags_for
from ficarchive.works import services
from ficarchive.works.models import Chapter, Creatorship, Series, Work
from ficarchive.works.services import SeriesChoice, WorkInput
from tests.conftest import client_for, fixed, make_user, make_work

pytestmark = pytest.mark.django_db  # also makes pytest-django create the test database

TITLE = "Saltwater Lanterns"
FANDOM = "Lanternwick Chronicles"
FREEFORM = "Lantern Festival"
SERIES = "Harbour Lights"
FIRST_TEXT = "The boats came in at dawn, one after another."
SECOND_TEXT = "By noon the harbourmaster had counted every quillwort along the quay."
SEARCH_WORD = "quillwort"  # only in the work's text, so only a full-text search finds it
COMMENT = "The harbour scenes read like a painting."
BOOKMARK_NOTE = "Keeping this one for rainy evenings."
CONTROL = "Driftwood Almanac"
DOWNLOADS = [key for key, fmt in FORMATS.items() if fmt.available()]

VIEWERS = ["guest", "bob", "alice", "carol", "staff"]  # other user, creator, co-creator
EVERYONE = frozenset(VIEWERS)


class Kind(Enum):
    READER = "opened by its address"
    LISTING = "lists or counts works"
    GUEST = "always what a guest sees"
    MEMBERS = "stored counts for guests or for any logged-in reader"


# -- the states ---------------------------------------------------------------------------


def restrict(world) -> None:
    """Alice edits the work to be for logged-in readers only."""
    work = world.work
    data = WorkInput(
        fields={"restricted": True},
        creators=[world.alice.default_pseud],
        tags=list(work.tags.all()),
    )
    services.save_work(work, data)


def make_draft(world) -> None:
    """No service takes a posted work back to draft, so the row is flipped by hand (and its
    counts and index refreshed as posting would): every trace a posted work gathered is then
    still there, the hardest case for the rule."""
    Work.objects.filter(pk=world.work.pk).update(posted=False)
    wrangling.refresh_counts(list(world.work.tags.values_list("pk", flat=True)))
    search_index.index_works([world.work.pk])


def hide(world) -> None:
    services.set_hidden(Work.objects.filter(pk=world.work.pk), True)


def delete(world) -> None:
    pk = world.work.pk
    services.delete_work(world.work)
    world.work.pk = pk  # the address readers still try


def orphan(world) -> None:
    orphan_work(world.work, world.alice, keep_pseud=False)


def mute_the_tag(world) -> None:
    """Everyone logged in mutes the work's additional tag (alice and carol too: their own
    works stay theirs to see)."""
    for user in [world.bob, world.alice, world.carol, world.staff]:
        mute_tags(user, [Tag.objects.get(name=FREEFORM)])


def mute_the_creator(world) -> None:
    for user in [world.bob, world.carol, world.staff]:
        mute_user(user, world.alice)


def block_the_readers(world) -> None:
    """Blocking stops comments and kudos; it hides nothing."""
    block(world.alice, world.bob)
    block(world.alice, world.staff)


def nothing(world) -> None:
    pass


@dataclass(frozen=True)
class State:
    name: str
    apply: Callable
    seen_by: frozenset[str]
    muted: bool = False


STATES = [
    State("public", nothing, EVERYONE),  # the control: shown everywhere to everyone
    State("draft", make_draft, frozenset({"alice", "carol"})),
    State("restricted", restrict, EVERYONE - {"guest"}),
    State("hidden by admin", hide, frozenset({"alice", "carol", "staff"})),
    State("deleted", delete, frozenset()),
    State("orphaned", orphan, EVERYONE),
    State("muted tag", mute_the_tag, frozenset({"guest", "alice", "carol"}), muted=True),
    State("muted creator", mute_the_creator, frozenset({"guest", "alice", "carol"}), muted=True),
    State("creator blocked viewer", block_the_readers, EVERYONE),
]
SEEN_BY = {state.name: state.seen_by for state in STATES}


# -- the world ------------------------------------------------------------------------------


def post_alice_and_carols_work(alice, carol) -> Work:
    """Two chapters, one series, a canonical fandom and additional tag; carol is invited as
    co-creator and accepts."""
    tags = [fixed("General Audiences"), fixed("No Archive Warnings Apply")]
    tags += tags_for([FANDOM], TagType.FANDOM) + tags_for([FREEFORM], TagType.ADDITIONAL)
    data = WorkInput(
        fields={"title": TITLE, "summary": "Boats, lanterns and a long night."},
        creators=[alice.default_pseud],
        invited=[carol.default_pseud],
        tags=tags,
        series=SeriesChoice(new_title=SERIES),
    )
    work = services.save_work(Work(), data, Chapter(text=FIRST_TEXT), post=True)
    services.save_chapter(Chapter(work=work, text=SECOND_TEXT))
    services.answer_invitation(Creatorship.objects.get(work=work, pseud__user=carol), True)
    return work


def build_world(media: Path) -> SimpleNamespace:
    people = {name: make_user(name) for name in ["alice", "bob", "carol", "dave"]}
    people["staff"] = make_user("staffer", is_staff=True)
    world = SimpleNamespace(**people, media=media)
    for reader in [world.bob, world.staff]:
        subscribe(reader, world.alice)  # their inboxes hear of her new work
    world.work = post_alice_and_carols_work(world.alice, world.carol)
    world.control = make_work(world.dave, CONTROL, fandoms=(FANDOM,))
    for name in [FANDOM, FREEFORM]:
        wrangling.set_canonical(Tag.objects.get(name=name), True)
    world.chapters = list(world.work.chapters.all())
    world.series = Series.objects.get(title=SERIES)
    world.fandom = Tag.objects.get(name=FANDOM)
    world.comment = post_comment(world.chapters[0], world.dave, CommentInput(body=COMMENT))
    save_bookmark(world.dave, world.work, BookmarkInput(notes=BOOKMARK_NOTE))
    for user in [world.bob, world.alice, world.carol, world.staff]:
        subscribe(user, world.work)
        mark_for_later(user, world.work)  # in their reading history
    for key in DOWNLOADS:  # cached files, which must not outlive what they show
        assert client_for(world.bob).get(f"/downloads/{world.work.pk}/{key}/").status_code == 200
    return world


@pytest.fixture(scope="module", params=STATES, ids=lambda state: state.name)
def world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """One world per state, kept for every viewer and surface, rolled back afterwards."""
    state = request.param
    media = tmp_path_factory.mktemp("media")
    quick = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        MEDIA_ROOT=str(media),
    )
    with django_db_blocker.unblock(), quick, transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):  # deliveries, as after a commit
            world = build_world(media)
        with TestCase.captureOnCommitCallbacks(execute=True):
            state.apply(world)
        world.clients = {
            viewer: client_for(None if viewer == "guest" else getattr(world, viewer))
            for viewer in VIEWERS
        }
        world.state = state
        yield world
        transaction.set_rollback(True)


# -- how to tell whether the work is on a surface -----------------------------------------


def text_of(response) -> str:
    """The response as text; downloads are read whole (with their file name), EPUBs unzipped."""
    name = response.get("Content-Disposition", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as epub:
            body = b"".join(epub.read(member) for member in epub.namelist())
    return name + body.decode("utf-8", errors="replace")


def has(*snippets: str) -> Callable:
    """The surface shows the work when every snippet (formatted with the world) is there."""
    return lambda text, w: all(s.format(w=w) in text for s in snippets)


BLURB = has('id="work_{w.work.pk}"', TITLE)
CONTROL_BLURB = has('id="work_{w.control.pk}"', CONTROL)
# Listings with a count line: the count must agree with what is listed.
COUNTED_BLURB = has('id="work_{w.work.pk}"', TITLE, "1 – 2 of 2 Works</p>")
ALONE = has('id="work_{w.control.pk}"', CONTROL, "1 – 1 of 1 Work</p>")
IN_FEED = has("work-{w.work.pk}", TITLE)
IN_OPDS = has(":work:{w.work.pk}</id>", TITLE)
CONTROL_IN_OPDS = has(":work:{w.control.pk}</id>")
CONTROL_IN_FEED = has("work-{w.control.pk}")
IN_JSON = has('"id": {w.work.pk}', TITLE)
CONTROL_IN_JSON = has('"id": {w.control.pk}')
COUNTED_JSON = has('"count": 2,', '"id": {w.work.pk}', TITLE)
ALONE_IN_JSON = has('"count": 1,', '"id": {w.control.pk}')
IN_API_CHAPTER = has('"id": {w.chapters[1].pk}', SEARCH_WORD)
PROFILE, NO_WORKS = has(TITLE, "Works (1)", "Series (1)"), has("Works (0)")
FACET_OF_ONE = has(f">{FREEFORM}</a> (1)")
FANDOM_OF_ONE = has(f"{FANDOM}</a> (1)")
TWO_WORKS = has("2 works ·")  # an OPDS tag entry
COUNT_2, ONE = has('"works_count": 2'), has('"works_count": 1')
IN_SITEMAP, CONTROL_IN_SITEMAP = has("/works/{w.work.pk}/<"), has("/works/{w.control.pk}/<")
# A download holds the work's text; a PDF compresses it, so there the file name tells.
IN_FILE = {key: has(TITLE, SECOND_TEXT) for key in DOWNLOADS} | {"pdf": has("Saltwater", "%PDF")}
IN_EPUB = IN_FILE["epub"]


@dataclass(frozen=True)
class Surface:
    name: str
    path: str  # formatted with the world as `w`
    shows: Callable  # text, world -> whether the work is on it
    kind: Kind = Kind.LISTING
    control: Callable | None = None  # text, world -> whether the rest of the page works
    missing: tuple[int, ...] = (200,)  # the statuses when the work is not there
    login: int = 302  # what a guest gets for a restricted work: a redirect to log in, or 401
    about_alice: bool = False  # lists alice's own works: orphaning takes the work away
    download: bool = False  # drafts and hidden works are never downloadable
    members_only: bool = False  # a page guests don't have (the inbox)
    feedback: bool = False  # comments and kudos: a draft shows none, even to its creators
    names_followed: bool = False  # lists the people the viewer follows, alice among them
    # Shows a series' byline: orphaning a work leaves its series to alice, as the orphan
    # page tells her before she confirms.
    credits_series: bool = False


def opened(name: str, path: str, shows: Callable, **options) -> Surface:
    """A page or call that shows the work itself, by its address: not found when unseen."""
    return Surface(name, path, shows, Kind.READER, **{"missing": (404,), **options})


def called(name: str, path: str, shows: Callable, **options) -> Surface:
    """A JSON API call for the work itself: a guest asking for a restricted work gets 401."""
    return opened(name, path, shows, login=401, **options)


def as_guest(name: str, path: str, shows: Callable, **options) -> Surface:
    return Surface(name, path, shows, Kind.GUEST, **options)


# The work page of a draft opens for its creators without the comments section.
FEEDBACK = {"feedback": True, "missing": (404, 200)}
# A reader's own subscriptions: bob follows alice herself, so the page may name her.
ACCOUNT_PAGE = {"missing": (200,), "members_only": True, "names_followed": True}
FANDOM_PATH = f"/tags/{quote(FANDOM)}"
SEARCH = f"?q={SEARCH_WORD}"

SURFACES = [
    # The work itself, by its address
    opened("work page", "/works/{w.work.pk}/", has(TITLE, FIRST_TEXT)),
    opened("chapter page", "/works/{w.work.pk}/chapters/{w.chapters[1].pk}/", has(SECOND_TEXT)),
    opened("entire work", "/works/{w.work.pk}/?view_full_work=true", has(FIRST_TEXT, SECOND_TEXT)),
    opened("chapter index", "/works/{w.work.pk}/navigate/", has("Chapter Index for", TITLE)),
    opened("comments on the work", "/works/{w.work.pk}/", has(COMMENT), **FEEDBACK),
    opened("comment page", "/comments/{w.comment.pk}/", has(COMMENT, TITLE)),
    opened("work's bookmarks", "/works/{w.work.pk}/bookmarks/", has(BOOKMARK_NOTE)),
    *[
        opened(f"download {key}", f"/downloads/{{w.work.pk}}/{key}/", IN_FILE[key], download=True)
        for key in DOWNLOADS
    ],
    opened("OPDS download", "/opds/works/{w.work.pk}/epub/", IN_EPUB, login=401, download=True),
    called("API work", "/api/v1/works/{w.work.pk}", IN_JSON),
    called("API work's bookmarks", "/api/v1/works/{w.work.pk}/bookmarks", has(BOOKMARK_NOTE)),
    called("API chapter", "/api/v1/works/{w.work.pk}/chapters/{w.chapters[1].pk}", IN_API_CHAPTER),
    # Listings, searches and counts
    Surface("home page", "/", BLURB, control=CONTROL_BLURB),
    Surface("works index", "/works/", COUNTED_BLURB, control=ALONE),
    Surface("sidebar facet count", "/works/", FACET_OF_ONE, control=has(f">{FANDOM}</a> (1)")),
    Surface("fandom's works", f"{FANDOM_PATH}/works/", COUNTED_BLURB, control=ALONE),
    Surface("additional tag's works", f"/tags/{quote(FREEFORM)}/works/", BLURB),
    Surface("tag page count", f"{FANDOM_PATH}/", has("All 2 works"), control=has("All 1 work in")),
    Surface("fandom index count", "/fandoms/", has(f"{FANDOM}</a> (2)"), control=FANDOM_OF_ONE),
    Surface("search results", f"/search/{SEARCH}", BLURB),
    Surface("search snippet", f"/search/{SEARCH}", has('class="snippet"', f"<mark>{SEARCH_WORD}")),
    Surface("series page", "/series/{w.series.pk}/", BLURB, missing=(404,), credits_series=True),
    Surface("alice's profile", "/users/alice/", PROFILE, about_alice=True, control=NO_WORKS),
    Surface("alice's works", "/users/alice/works/", BLURB, about_alice=True),
    Surface("alice's pseud", "/users/alice/pseuds/alice/", BLURB, about_alice=True),
    Surface("alice's series", "/users/alice/series/", has(SERIES), credits_series=True),
    Surface("carol's works", "/users/carol/works/", BLURB),
    Surface("dave's bookmarks", "/users/dave/bookmarks/", has(BOOKMARK_NOTE, TITLE)),
    Surface("inbox", "/account/inbox/", has(TITLE), members_only=True),
    Surface("reading history", "/account/history/", has(f">{TITLE}</a>"), members_only=True),
    # A subscription outlives the work's visibility (so it can be cancelled) but not its title.
    opened("subscriptions", "/account/subscriptions/", has(f">{TITLE}</a>"), **ACCOUNT_PAGE),
    Surface("OPDS new works", "/opds/new/", IN_OPDS, control=CONTROL_IN_OPDS),
    Surface("OPDS fandom", "/opds/tags/{w.fandom.pk}/", IN_OPDS, control=CONTROL_IN_OPDS),
    Surface("OPDS series", "/opds/series/{w.series.pk}/", IN_OPDS, missing=(404,)),
    Surface("OPDS series index", "/opds/series/", has(SERIES)),
    Surface("OPDS search", f"/opds/search/{SEARCH}", IN_OPDS),
    Surface("API works", "/api/v1/works", COUNTED_JSON, control=ALONE_IN_JSON),
    Surface("API search", f"/api/v1/works{SEARCH}", IN_JSON),
    Surface("API alice's works", "/api/v1/users/alice/works", IN_JSON, about_alice=True),
    Surface("API dave's bookmarks", "/api/v1/users/dave/bookmarks", has(BOOKMARK_NOTE)),
    Surface("API fandom count", "/api/v1/tags/{w.fandom.pk}", COUNT_2, Kind.MEMBERS, control=ONE),
    Surface("OPDS fandom count", "/opds/fandoms/", TWO_WORKS, Kind.MEMBERS, control=has("1 works")),
    Surface("OPDS popular tags", "/opds/tags/", has(f"<title>{FREEFORM}</title>"), Kind.MEMBERS),
    # Feeds and the sitemap: what guests see
    as_guest("fandom feed", f"{FANDOM_PATH}/works/feed.atom", IN_FEED, control=CONTROL_IN_FEED),
    as_guest("alice's feed", "/users/alice/works/feed.atom", IN_FEED, about_alice=True),
    as_guest("series feed", "/series/{w.series.pk}/feed.atom", IN_FEED, missing=(404,)),
    as_guest("sitemap of works", "/sitemap-works.xml", IN_SITEMAP, control=CONTROL_IN_SITEMAP),
    as_guest("sitemap of series", "/sitemap-series.xml", has("/series/{w.series.pk}/")),
    as_guest("sitemap of tags", "/sitemap-tags.xml", has(f"/tags/{quote(FREEFORM)}/works/")),
]  # fmt: skip


# -- the expectation table ------------------------------------------------------------------


class Expect(Enum):
    SHOWN = "shown"
    ABSENT = "absent"
    LOGIN = "asked to log in"


UNDOWNLOADABLE = {"draft", "hidden by admin"}
UNCOUNTED = {"draft", "hidden by admin", "deleted"}  # by the stored counts for members


def expected(state: State, viewer: str, surface: Surface) -> Expect:
    """What `viewer` should find on `surface` when the work is in `state`."""
    if surface.download and state.name in UNDOWNLOADABLE:
        return Expect.ABSENT
    if surface.feedback and state.name == "draft":
        return Expect.ABSENT
    if surface.about_alice and state.name == "orphaned":
        return Expect.ABSENT
    if surface.kind is Kind.GUEST:
        seen = "guest" in SEEN_BY[state.name]
    elif surface.kind is Kind.MEMBERS and viewer != "guest":
        seen = state.name not in UNCOUNTED
    elif surface.kind is Kind.READER and state.muted:
        seen = True  # a muted work still opens by its address
    else:
        seen = viewer in SEEN_BY[state.name]
    if seen:
        return Expect.SHOWN
    if state.name == "restricted" and viewer == "guest" and surface.kind is Kind.READER:
        return Expect.LOGIN
    return Expect.ABSENT


def problems(response, path: str, viewer: str, surface: Surface, world) -> list[str]:
    """What is wrong with one response, in words; empty when it is as expected."""
    state = world.state
    want = expected(state, viewer, surface)
    text = text_of(response)
    status = response.status_code
    if want is Expect.LOGIN:
        if surface.login == 401:
            return [] if status == 401 else [f"wanted 401 for a guest, got {status}"]
        location = response.get("Location", "")
        if status == 302 and location == f"/account/login/?next={quote(path, safe='/')}":
            return []
        return [f"wanted a redirect to log in, got {status} {location}"]
    if want is Expect.SHOWN:
        found = []
        if status != 200:
            found.append(f"wanted 200, got {status}")
        elif not surface.shows(text, world):
            found.append("the work is missing")
        named = "alice" in text and not (surface.names_followed or surface.credits_series)
        if state.name == "orphaned" and viewer != "alice" and named:
            found.append("alice is named on an orphaned work")
        return found
    found = []
    if status not in surface.missing:
        found.append(f"wanted {surface.missing} without the work, got {status}")
    if surface.shows(text, world):
        found.append("the work is shown")
    if surface.control and status == 200 and not surface.control(text, world):
        found.append("the control work is missing too: the page is broken")
    return found


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("surface", SURFACES, ids=lambda surface: surface.name)
def test_nothing_leaks(world, surface, viewer, settings):
    if surface.members_only and viewer == "guest":
        pytest.skip(f"guests have no {surface.name}")
    settings.MEDIA_ROOT = str(world.media)  # where its downloads were cached
    path = surface.path.format(w=world)

    response = world.clients[viewer].get(path)

    found = problems(response, path, viewer, surface, world)
    want = expected(world.state, viewer, surface).value
    assert not found, f"{surface.name} at {path}, for {viewer} (wanted: {want}): {found}"


def test_a_deleted_work_leaves_no_download_behind(world):
    kept = list((Path(world.media) / "downloads" / str(world.work.pk)).glob("*"))
    if world.state.name == "deleted":
        assert kept == []
    else:
        assert kept, "the downloads built before the state changed are missing"


def test_every_case_can_fail():
    """In the control state the work is expected everywhere, for everyone: a check that could
    only ever expect "absent" would pass on a broken page."""
    public = STATES[0]
    not_shown = [
        (surface.name, viewer)
        for surface in SURFACES
        for viewer in VIEWERS
        if expected(public, viewer, surface) is not Expect.SHOWN
    ]

    assert not_shown == []
