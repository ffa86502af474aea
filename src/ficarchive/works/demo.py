"""A demo archive: invented fandoms, users, tags, works, chapters and series.

New installs, screenshots and manual testing need an archive that looks lived in. The
corpus is planned first, in plain Python from one seed (`plan_works`), and then written
through the same services authors use, so the data obeys every rule real data does.
Dates count back from a fixed anchor, so a seed gives the same archive on every machine.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ficarchive.accounts.models import Pseud, User
from ficarchive.formats.prose import PLACES, ProseGenerator
from ficarchive.tags.models import (
    CATEGORIES,
    FIXED_TYPES,
    FREE_TYPES,
    RATINGS,
    Tag,
    TagType,
)
from ficarchive.tags.services import tags_for
from ficarchive.works.models import Chapter, CommentPermission, Series, Work
from ficarchive.works.services import (
    SeriesChoice,
    WorkInput,
    clean_html_fields,
    save_chapter,
    save_work,
)

ANCHOR = date(2026, 1, 1)  # the demo's "today": all dates fall in the four years before it
SPAN_DAYS = 4 * 365
DEMO_PASSWORD = "demo-password-1"
EMAIL_DOMAIN = "example.org"  # reserved for examples: demo mail can never reach anyone


# -- invented fandoms -------------------------------------------------------------------


@dataclass(frozen=True)
class Character:
    name: str  # the tag
    short: str  # what the prose calls them
    gender: str  # F, M or N: decides a romantic pairing's category


@dataclass(frozen=True)
class Fandom:
    name: str
    characters: tuple[Character, ...]
    ships: tuple[str, ...]  # "0/1" romantic or "0&2" platonic, by character index
    places: tuple[str, ...]


def _cast(*specs: str) -> tuple[Character, ...]:
    """Characters from "Full Name|Short|G" strings, to keep the tables below readable."""
    return tuple(Character(*spec.split("|")) for spec in specs)


# fmt: off
FANDOMS: tuple[Fandom, ...] = (
    Fandom(
        "The Lanternwick Chronicles (TV)",
        _cast("Odile Brambleton|Odile|F", "Casimir Vane|Casimir|M", "Pell Hathersage|Pell|M",
              "Agatha Thornquist|Agatha|F", "Rook Ellery|Rook|N", "Mireille Dunstan|Mireille|F"),
        ("0/1", "0&2", "3/5", "1/2", "4&0", "2/4"),
        ("Lanternwick Hall", "the wick-maker's shop", "the Ember Bridge"),
    ),
    Fandom(
        "Quillstar Academy (Anime)",
        _cast("Haru Kitamine|Haru|M", "Suzu Amemori|Suzu|F", "Ren Tokiwara|Ren|M",
              "Aoi Shirakaba|Aoi|F", "Professor Ilsa Marrow|Professor Marrow|F",
              "Kuro the Ink Spirit|Kuro|N"),
        ("0/2", "1/3", "0&1", "0/1", "2&5", "3&4"),
        ("the Quillstar dormitory", "the calligraphy hall", "the star-reading deck"),
    ),
    Fandom(
        "Hollowmere Saga - Ada Penrose",
        _cast("Tamsin Reedwell|Tamsin|F", "Gideon Ashcombe|Gideon|M", "Brisk the Fox|Brisk|N",
              "Lark Merriweather|Lark|F", "Edmund Foxley|Edmund|M"),
        ("0/1", "0&2", "3/4", "0/3", "1&4"),
        ("the Hollowmere reed beds", "the mill", "the drowned chapel"),
    ),
    Fandom(
        "Copper Skies (Video Game)",
        _cast("Vesper Kaine|Vesper|F", "Jory Quell|Jory|M", "Sable Ingram|Sable|F",
              "Dex Morrow|Dex|M", "Unit K-7|Kay|N"),
        ("0/3", "1/3", "0&4", "0/2", "1&2"),
        ("the airship Gallant Wren", "the copper docks", "the cloud market"),
    ),
    Fandom(
        "The Brass Orchard (Podcast)",
        _cast("The Narrator (Brass Orchard)|the Narrator|N", "Hollis Grey|Hollis|M",
              "Ines Valcourt|Ines|F", "Amos Thistlewood|Amos|M", "Petra Lune|Petra|F"),
        ("1/2", "2/4", "0&1", "3&4", "1/3"),
        ("the brass orchard", "the radio shed", "the pickers' cottages"),
    ),
    Fandom(
        "Midnight at the Juniper Inn (Movie)",
        _cast("Clementine Harrow|Clementine|F", "Felix Darrow|Felix|M",
              "Orla Penhallow|Mrs Penhallow|F", "Nico Sandoval|Nico|M", "Bea Kettering|Bea|F"),
        ("0/1", "3/1", "0&2", "4/0", "2&4"),
        ("the Juniper Inn", "the snowed-in lobby", "the inn's cellar"),
    ),
    Fandom(
        "Saltwind Harbour (TV)",
        _cast("Marnie Cole|Marnie|F", "Tobias Wrenfield|Tobias|M", "Hattie Boscawen|Hattie|F",
              "Ezra Lowe|Ezra|M", "Jem Tolley|Skipper Jem|M"),
        ("0/1", "2/3", "1/3", "0&4", "0/2"),
        ("Saltwind quay", "the lifeboat station", "the chip shop on the front"),
    ),
    Fandom(
        "Clockwork Meridian (Comics)",
        _cast("Aurelia Gearhart|Aurelia|F", "Silas Tenpenny|Silas|M", "The Tinker|the Tinker|N",
              "Iris Mallory|Iris|F", "Jasper Quint|Jasper|M"),
        ("0/1", "0&2", "3/0", "1/4", "3&4"),
        ("the Meridian clockworks", "the rooftop rail line", "the tinker's stall"),
    ),
    Fandom(
        "The Ninth Lighthouse - R. M. Ashgrove",
        _cast("Solveig Brandt|Solveig|F", "Anton Vey|Anton|M", "Little Moss|Moss|N",
              "Elspeth Rowe|Elspeth|F", "Barnaby Hale|Barnaby|M"),
        ("0/1", "0&2", "3/4", "0/3", "1&4"),
        ("the ninth lighthouse", "the keeper's cottage", "the seal rocks"),
    ),
    Fandom(
        "Verdant Crown (Video Game)",
        _cast("Talia Ferncastle|Talia|F", "Oswin Bramble|Oswin|M", "Wisp|Wisp|N",
              "Rowan Ashby|Rowan|N", "Maelis Thorne|Maelis|F"),
        ("0/4", "1/3", "0&2", "0/1", "3&2"),
        ("the Verdant throne room", "the thornwood", "the moss library"),
    ),
    Fandom(
        "Tidewater Bakery Mysteries (TV)",
        _cast("Poppy Larkspur|Poppy|F", "Hugo Pemberton|Hugo|M",
              "Winifred Larkspur|Gran Winnie|F", "Theo Marchetti|Theo|M", "Daisy Okonjo|Daisy|F"),
        ("0/1", "0&2", "3/1", "4/0", "2&4"),
        ("the Tidewater Bakery", "the police house", "the village fete"),
    ),
    Fandom(
        "Kestrel Squadron (Cartoon)",
        _cast("Nova Reyes|Nova|F", "Zephyr Kwan|Zeph|M", "Bolt the Robot|Bolt|N",
              "Lumi Saarinen|Lumi|F", "Otto Brisk|Otto|M"),
        ("0&1", "1&2", "0/4", "3/1", "2&3"),
        ("the Kestrel hangar", "the cloud base", "the mess hall"),
    ),
)
# fmt: on
FANDOM_WEIGHTS = [10, 9, 8, 7, 6, 6, 5, 5, 4, 4, 3, 3]  # popularity, in the order above
CHARACTER_WEIGHTS = [6, 5, 4, 3, 2, 2, 1, 1]  # main cast first

ADDITIONAL_TAGS: tuple[tuple[str, int], ...] = (
    ("Fluff", 14), ("Angst", 10), ("Hurt/Comfort", 9), ("Found Family", 9), ("Slow Burn", 7),
    ("Alternate Universe", 7), ("AU", 3), ("Coffee Shop AU", 4), ("Fluff and Angst", 6),
    ("Friends to Lovers", 5), ("Enemies to Lovers", 4), ("Canon Compliant", 4),
    ("Post-Canon", 4), ("Pre-Canon", 2), ("Missing Scene", 4), ("Humor", 6),
    ("Character Study", 4), ("Road Trip", 2), ("Domestic Fluff", 4), ("Banter", 3),
    ("Mutual Pining", 4), ("Pining", 3), ("Happy Ending", 6), ("Open Ending", 2),
    ("Getting Together", 4), ("Established Relationship", 4), ("Time Travel", 2),
    ("Magic", 3), ("Mystery", 3), ("Adventure", 4), ("Baking", 3), ("Holidays", 3),
    ("Winter", 2), ("Summer", 2), ("Letters", 2), ("Epistolary", 1), ("Bad Puns", 2),
    ("Modern Setting", 3), ("Worldbuilding", 2), ("Team Bonding", 3), ("Sibling Bonding", 2),
    ("Gardening", 1), ("Tea", 2), ("Rain", 1), ("Comfort Reading", 1),
)  # fmt: skip

# The two sexual-violence warnings are left out of a family-friendly demo on purpose.
WARNING_SETS: list[tuple[str, ...]] = [
    ("No Archive Warnings Apply",),
    ("Choose Not To Use Archive Warnings",),
    ("Graphic Depictions Of Violence",),
    ("Major Character Death",),
    ("Graphic Depictions Of Violence", "Major Character Death"),
]
WARNING_WEIGHTS = [62, 20, 10, 5, 3]
RATING_WEIGHTS = {
    "Not Rated": 15,
    "General Audiences": 34,
    "Teen And Up Audiences": 32,
    "Mature": 12,
    "Explicit": 7,
}
OTHER_LANGUAGES = ["es", "fr", "de", "pt-br", "it", "nl", "ja"]


# -- invented people --------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    login: str
    weight: int  # how prolific
    pseuds: tuple[str, ...] = ()  # extra pseuds besides the default one
    staff: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", 1, staff=True),
    DemoUser("inkwell_otter", 14, ("Otter Drabbles",)),
    DemoUser("marrowfen", 10),
    DemoUser("paperlantern", 9),
    DemoUser("quietmoth", 7, ("Moth", "The Night Gardener")),
    DemoUser("tealkettle", 6),
    DemoUser("juniper_ash", 5, ("Juniper",)),
    DemoUser("wrenfeather", 4),
    DemoUser("saltandsable", 3),
    DemoUser("biscuit_tin", 2),
)
DEMO_LOGINS = [user.login for user in DEMO_USERS]


# -- the plan: what to create, decided without touching the database ---------------------


@dataclass
class WorkPlan:
    seed: int
    login: str
    pseud: str  # an extra pseud's name, or "" for the default one
    fandoms: list[Fandom]
    rating: str
    warnings: list[str]
    categories: list[str]
    relationships: list[str]
    characters: list[Character]
    additional: list[str]
    language: str
    chapter_dates: list[date]
    chapter_words: list[int]
    expected_chapters: int | None
    posted: bool = True
    restricted: bool = False
    comment_permission: str = CommentPermission.EVERYONE
    co_creator: str | None = None  # another login, credited at once
    invited: str | None = None  # another login, invited but not yet accepted
    series: int | None = None  # index into the plan's series
    revised_time: time = field(default_factory=lambda: time(12, 0))

    @property
    def published_on(self) -> date:
        return self.chapter_dates[0]

    @property
    def complete(self) -> bool:
        return self.expected_chapters == len(self.chapter_words)

    def additional_tags(self) -> list[str]:
        """The chosen tags plus those that follow from the work's final shape."""
        tags = list(self.additional)
        if len(self.fandoms) > 1:
            tags.insert(0, "Crossover")
        if len(self.chapter_words) == 1 and self.chapter_words[0] < 500:
            tags.append("Drabble")
        if not self.complete:
            tags.append("Work In Progress")
        return tags


@dataclass
class SeriesPlan:
    seed: int
    complete: bool


@dataclass
class DemoPlan:
    works: list[WorkPlan]
    series: list[SeriesPlan]


def _weighted(rng: random.Random, options: list, weights: list[int]):
    return rng.choices(options, weights=weights, k=1)[0]


def _weighted_sample(rng: random.Random, options: list, weights: list[int], k: int) -> list:
    """k different options, more likely the heavier ones."""
    pool, pool_weights, chosen = list(options), list(weights), []
    for _ in range(min(k, len(pool))):
        index = rng.choices(range(len(pool)), weights=pool_weights, k=1)[0]
        chosen.append(pool.pop(index))
        pool_weights.pop(index)
    return chosen


def _day(days_ago: int) -> date:
    return ANCHOR - timedelta(days=max(1, min(days_ago, SPAN_DAYS)))


def _chapter_plan(rng: random.Random, chapters: int, start: date) -> tuple[list[date], list[int]]:
    """Dates a few days to weeks apart, and word counts around a per-work typical length."""
    if chapters == 1:
        words = int(rng.lognormvariate(math.log(2200), 0.75))
        return [start], [max(150, min(words, 12_000))]
    base = rng.lognormvariate(math.log(2800), 0.45)
    dates, words = [start], []
    for _ in range(chapters - 1):
        dates.append(min(dates[-1] + timedelta(days=rng.randint(3, 40)), _day(1)))
    for _ in range(chapters):
        words.append(int(max(400, min(base * rng.uniform(0.75, 1.25), 9_000))))
    return dates, words


def _expected(rng: random.Random, chapters: int) -> int | None:
    """Most works are finished; some are still being written, with or without a plan."""
    roll = rng.random()
    if chapters == 1:
        return 1 if roll < 0.94 else (None if roll < 0.97 else rng.randint(2, 6))
    if roll < 0.5:
        return chapters
    return None if roll < 0.75 else chapters + rng.randint(1, 6)


def _category(pair: tuple[Character, Character]) -> str:
    genders = sorted(c.gender for c in pair)
    if "N" in genders:
        return "Other"
    return {("F", "M"): "F/M", ("M", "M"): "M/M", ("F", "F"): "F/F"}[tuple(genders)]


Pair = tuple[Character, Character, bool]  # two characters, and whether romantically


def _ship_pairs(rng: random.Random, fandoms: list[Fandom]) -> list[Pair]:
    """Zero to three pairings: mostly a fandom's popular ones, now and then a rarepair."""
    count = _weighted(rng, [0, 1, 2, 3], [35, 45, 15, 5])
    pairs: list[Pair] = []
    for _ in range(count):
        fandom = rng.choice(fandoms)
        if rng.random() < 0.75:
            spec = _weighted(rng, list(fandom.ships), CHARACTER_WEIGHTS[: len(fandom.ships)])
            romantic = "/" in spec
            a, b = (int(i) for i in spec.replace("&", "/").split("/"))
            pair = (fandom.characters[a], fandom.characters[b], romantic)
        else:
            everyone = [c for f in fandoms for c in f.characters]
            a, b = rng.sample(everyone, 2)
            pair = (a, b, rng.random() < 0.6)
        if all({pair[0], pair[1]} != {p[0], p[1]} for p in pairs):
            pairs.append(pair)
    return pairs


def _relationship_name(pair: Pair) -> str:
    a, b, romantic = pair
    return f"{a.name}/{b.name}" if romantic else f"{a.name} & {b.name}"


def _categories(rng: random.Random, pairs: list[Pair]) -> list[str]:
    if rng.random() < 0.05:
        return []  # the category is optional, and some authors skip it
    romantic = [_category((a, b)) for a, b, is_romance in pairs if is_romance]
    found = sorted(set(romantic), key=CATEGORIES.index)
    if not found:
        return ["Gen"]
    if len(found) > 1:
        found.append("Multi")
    if len(romantic) < len(pairs) and rng.random() < 0.3:
        found.append("Gen")
    return sorted(found, key=CATEGORIES.index)


def _characters(rng: random.Random, fandoms: list[Fandom], pairs: list[Pair]) -> list[Character]:
    chosen: list[Character] = []
    for a, b, _ in pairs:
        chosen += [c for c in (a, b) if c not in chosen]
    extra = rng.randint(0 if chosen else 1, 3)
    for _ in range(extra):
        fandom = rng.choice(fandoms)
        weights = CHARACTER_WEIGHTS[: len(fandom.characters)]
        character = _weighted(rng, list(fandom.characters), weights)
        if character not in chosen:
            chosen.append(character)
    return chosen


def _additional(rng: random.Random) -> list[str]:
    names = [name for name, _ in ADDITIONAL_TAGS]
    weights = [weight for _, weight in ADDITIONAL_TAGS]
    count = _weighted(rng, [0, 1, 2, 3, 4, 6], [8, 15, 25, 25, 17, 10])
    return _weighted_sample(rng, names, weights, count)


class _Planner:
    """Decides every work of the demo from one random stream, in a fixed order."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        writers = list(DEMO_USERS)
        self.logins = [user.login for user in writers]
        self.weights = [user.weight for user in writers]
        self.pseuds = {user.login: user.pseuds for user in writers}
        # Each writer has a few favourite fandoms and mostly writes in those.
        self.favourites = {
            login: _weighted_sample(self.rng, list(FANDOMS), FANDOM_WEIGHTS, 3)
            for login in self.logins
        }

    def author(self) -> tuple[str, str]:
        login = _weighted(self.rng, self.logins, self.weights)
        extra = self.pseuds[login]
        pseud = self.rng.choice(extra) if extra and self.rng.random() < 0.3 else ""
        return login, pseud

    def fandoms(self, login: str) -> list[Fandom]:
        count = _weighted(self.rng, [1, 2, 3], [88, 10, 2])
        chosen: list[Fandom] = []
        while len(chosen) < count:
            if self.rng.random() < 0.7:
                fandom = self.rng.choice(self.favourites[login])
            else:
                fandom = _weighted(self.rng, list(FANDOMS), FANDOM_WEIGHTS)
            if fandom not in chosen:
                chosen.append(fandom)
        return chosen

    def work(
        self, login: str, pseud: str, fandoms: list[Fandom], start: date, chapters: int
    ) -> WorkPlan:
        rng = self.rng
        dates, words = _chapter_plan(rng, chapters, start)
        expected = _expected(rng, chapters)
        pairs = _ship_pairs(rng, fandoms)
        others = [name for name in self.logins if name != login]
        roll = rng.random()
        return WorkPlan(
            seed=rng.getrandbits(32),
            login=login,
            pseud=pseud,
            fandoms=fandoms,
            rating=_weighted(rng, list(RATING_WEIGHTS), list(RATING_WEIGHTS.values())),
            warnings=list(_weighted(rng, WARNING_SETS, WARNING_WEIGHTS)),
            categories=_categories(rng, pairs),
            relationships=[_relationship_name(pair) for pair in pairs],
            characters=_characters(rng, fandoms, pairs),
            additional=_additional(rng),
            language="en" if rng.random() < 0.93 else rng.choice(OTHER_LANGUAGES),
            chapter_dates=dates,
            chapter_words=words,
            expected_chapters=expected,
            restricted=rng.random() < 0.05,
            comment_permission=_weighted(rng, list(CommentPermission.values), [88, 8, 4]),
            co_creator=rng.choice(others) if roll < 0.04 else None,
            invited=rng.choice(others) if 0.04 <= roll < 0.05 else None,
            revised_time=time(rng.randint(0, 23), rng.randint(0, 59)),
        )

    def chapters(self) -> int:
        return 1 if self.rng.random() < 0.7 else self.rng.randint(2, 8)

    def start(self) -> date:
        return _day(int(self.rng.triangular(1, SPAN_DAYS, 1)))  # more works lately


def plan_works(count: int, seed: int) -> DemoPlan:
    """Plan `count` works (some in series) without touching the database."""
    planner = _Planner(seed)
    rng = planner.rng
    works: list[WorkPlan] = []
    series: list[SeriesPlan] = []
    series_count = count // 20 if count >= 20 else (1 if count >= 4 else 0)
    for index in range(series_count):
        size = min(rng.randint(2, 5), count - len(works))
        if size < 2:
            break
        login, pseud = planner.author()
        fandoms = [rng.choice(planner.favourites[login])]
        start = _day(rng.randint(size * 160, SPAN_DAYS))
        parts = []
        for _ in range(size):
            part = planner.work(login, pseud, fandoms, start, planner.chapters())
            part.series = index
            parts.append(part)
            start = min(part.chapter_dates[-1] + timedelta(days=rng.randint(14, 150)), _day(1))
        works += parts
        series.append(SeriesPlan(rng.getrandbits(32), parts[-1].complete and rng.random() < 0.6))
    while len(works) < count:
        login, pseud = planner.author()
        works.append(
            planner.work(login, pseud, planner.fandoms(login), planner.start(), planner.chapters())
        )
    _make_drafts(rng, works)
    _guarantee_variety(rng, works)
    works.sort(key=lambda plan: plan.published_on)  # stable: a series keeps its order
    return DemoPlan(works, series)


def _make_drafts(rng: random.Random, works: list[WorkPlan]) -> None:
    """About one work in fifty stays an unposted draft (never one in a series)."""
    loose = [plan for plan in works if plan.series is None]
    for plan in rng.sample(loose, max(1, len(works) // 50) if len(works) >= 10 else 0):
        plan.posted = False


def _guarantee_variety(rng: random.Random, works: list[WorkPlan]) -> None:
    """Even a small demo shows every rating, a multi-chapter work and an unfinished one."""
    if not works:
        return
    for plan, rating in zip(
        rng.sample(works, min(len(RATINGS), len(works))), RATINGS, strict=False
    ):
        plan.rating = rating
    posted = [plan for plan in works if plan.posted and plan.series is None] or works
    if len(works) >= 3 and not any(len(p.chapter_words) > 1 for p in works):
        plan = rng.choice(posted)
        plan.chapter_dates, plan.chapter_words = _chapter_plan(rng, 3, plan.published_on)
        plan.expected_chapters = 3
    if len(works) >= 3 and all(p.complete for p in works):
        plan = rng.choice(posted)
        plan.expected_chapters = None
    if len(works) >= 10 and not any(p.restricted for p in works):
        rng.choice(posted).restricted = True


# -- writing the plan into the archive -------------------------------------------------


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def ensure_users() -> dict[str, dict[str, Pseud]]:
    """The demo users' pseuds by login and name, created if missing ("" is the default one).

    Users who already exist are left as they are, password included.
    """
    pseuds: dict[str, dict[str, Pseud]] = {}
    rng = random.Random(0)
    hashed = make_password(DEMO_PASSWORD)  # hashing is slow on purpose: do it once, not ten times
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.login).first()
        if user is None:
            user = _create_user(spec)
            joined = _aware(_day(SPAN_DAYS) - timedelta(days=rng.randint(1, 400)), time(9, 0))
            User.objects.filter(pk=user.pk).update(date_joined=joined, password=hashed)
        for name in spec.pseuds:
            user.pseuds.get_or_create(name=name)
        pseuds[spec.login] = {p.name: p for p in user.pseuds.select_related("user")}
        pseuds[spec.login][""] = next(p for p in pseuds[spec.login].values() if p.is_default)
    return pseuds


def _create_user(spec: DemoUser) -> User:
    email = f"{spec.login}@{EMAIL_DOMAIN}"
    if spec.staff:
        return User.objects.create_superuser(spec.login, email, None)
    return User.objects.create_user(spec.login, email, None)


class _Tags:
    """Tag records by name, fetched or created once each however many works use them."""

    def __init__(self) -> None:
        self.fixed = {tag.name: tag for tag in Tag.objects.filter(type__in=FIXED_TYPES)}
        self.free: dict[tuple[str, str], Tag] = {}

    def get(self, name: str, tag_type: str) -> Tag:
        if tag_type in FIXED_TYPES:
            return self.fixed[name]
        key = (name, tag_type)
        if key not in self.free:
            self.free[key] = tags_for([name], tag_type)[0]
        return self.free[key]

    def for_plan(self, plan: WorkPlan) -> list[Tag]:
        wanted = [(plan.rating, TagType.RATING)]
        wanted += [(name, TagType.WARNING) for name in plan.warnings]
        wanted += [(name, TagType.CATEGORY) for name in plan.categories]
        wanted += [(fandom.name, TagType.FANDOM) for fandom in plan.fandoms]
        wanted += [(name, TagType.RELATIONSHIP) for name in plan.relationships]
        wanted += [(c.name, TagType.CHARACTER) for c in plan.characters]
        wanted += [(name, TagType.ADDITIONAL) for name in plan.additional_tags()]
        return [self.get(name, tag_type) for name, tag_type in wanted]


def _prose_for(plan: WorkPlan, seed: int | None = None) -> ProseGenerator:
    """A generator that writes about this work's own characters and places."""
    names = [c.short for c in plan.characters]
    for fandom in plan.fandoms:
        names += [c.short for c in fandom.characters[:2] if c.short not in names]
    places = [place for fandom in plan.fandoms for place in fandom.places]
    return ProseGenerator(plan.seed if seed is None else seed, names=names, places=places + PLACES)


def _write_work(
    plan: WorkPlan,
    pseuds: dict[str, dict[str, Pseud]],
    tags: _Tags,
    series: dict[int, Series],
    series_plans: list[SeriesPlan],
) -> Work:
    """Post one planned work, add its later chapters, and backdate it."""
    prose = _prose_for(plan)
    rng = prose.rng
    titled = len(plan.chapter_words) > 1 and rng.random() < 0.5
    fields = {
        "title": prose.title(),
        "summary": prose.summary() if rng.random() < 0.97 else "",
        "notes": prose.note() if rng.random() < 0.35 else "",
        "end_notes": prose.note() if rng.random() < 0.15 else "",
        "language": plan.language,
        "expected_chapters": plan.expected_chapters,
        "published_on": plan.published_on,
        "restricted": plan.restricted,
        "comment_permission": plan.comment_permission,
    }
    creators = [pseuds[plan.login][plan.pseud]]
    if plan.co_creator:
        creators.append(pseuds[plan.co_creator][""])
    invited = [pseuds[plan.invited][""]] if plan.invited else []
    data = WorkInput(
        fields=fields,
        creators=creators,
        tags=tags.for_plan(plan),
        invited=invited,
        series=_series_choice(plan, series),
    )
    first = Chapter(
        title=prose.chapter_title() if titled else "",
        text=prose.chapter_text(plan.chapter_words[0]),
    )
    work = save_work(Work(), data, first, post=plan.posted)
    if plan.series is not None and plan.series not in series:
        series[plan.series] = _finish_series(
            work,
            _prose_for(plan, series_plans[plan.series].seed),
            series_plans[plan.series].complete,
        )
    for day, words in zip(plan.chapter_dates[1:], plan.chapter_words[1:], strict=True):
        chapter = Chapter(
            work=work,
            title=prose.chapter_title() if titled else "",
            text=prose.chapter_text(words),
            published_on=day,
            notes=prose.note() if rng.random() < 0.2 else "",
        )
        save_chapter(chapter)
    # Backdate what the services stamped with "now", so the archive reads as years old.
    revised = _aware(plan.chapter_dates[-1], plan.revised_time)
    Work.objects.filter(pk=work.pk).update(
        revised_at=revised, created_at=_aware(plan.published_on, plan.revised_time)
    )
    return work


def _series_choice(plan: WorkPlan, series: dict[int, Series]) -> SeriesChoice | None:
    """The first work of a planned series starts it; the later ones join it."""
    if plan.series is None:
        return None
    if plan.series in series:
        return SeriesChoice(series=series[plan.series])
    return SeriesChoice(new_title=_prose_for(plan, plan.seed ^ 0x5E5).title())


def _finish_series(work: Work, prose: ProseGenerator, complete: bool) -> Series:
    """Give a series just created with its first work a summary and its completeness."""
    series = work.series_memberships.get().series
    series.summary = prose.summary()
    series.notes = prose.note() if prose.rng.random() < 0.3 else ""
    series.complete = complete
    clean_html_fields(series, ("summary", "notes"))
    series.save(update_fields=["summary", "notes", "complete", "updated_at"])
    return series


def build_demo(
    works: int = 300, seed: int = 2026, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Create the demo users, tags, works, chapters and series; return what was made.

    Everything happens in one transaction, so an interrupted build leaves no half archive
    behind (which `ficarchive demo` would otherwise mistake for a finished one).
    """
    plan = plan_works(works, seed)
    with transaction.atomic():
        pseuds = ensure_users()
        tags = _Tags()
        series: dict[int, Series] = {}
        made = []
        for done, work_plan in enumerate(plan.works, start=1):
            made.append(_write_work(work_plan, pseuds, tags, series, plan.series))
            if progress is not None:
                progress(done, len(plan.works))
        wrangle_demo()
        from ficarchive.community.demo import add_feedback

        add_feedback([work.pk for work in made], seed)
    ids = [work.pk for work in made]
    created = Work.objects.filter(pk__in=ids)
    return {
        "works": len(ids),
        "posted": created.filter(posted=True).count(),
        "drafts": created.filter(posted=False).count(),
        "restricted": created.filter(restricted=True).count(),
        "chapters": Chapter.objects.filter(work_id__in=ids).count(),
        "words": created.aggregate(words=Sum("word_count"))["words"] or 0,
        "series": len(series),
        "users": User.objects.filter(username__in=DEMO_LOGINS).count(),
        "pseuds": Pseud.objects.filter(user__username__in=DEMO_LOGINS).count(),
        "fandoms": Tag.objects.of_type(TagType.FANDOM).count(),
        "free_tags": Tag.objects.filter(type__in=FREE_TYPES).count(),
    }


# What the demo's wranglers have done, so tag pages and filters show wrangling at work,
# and what they left for a new wrangler to try ("Coffee Shop AU", "Fluff and Angst").
DEMO_WRANGLER = "wrenfeather"
DEMO_SYNONYMS = {"AU": "Alternate Universe", "Letters": "Epistolary", "Pining": "Mutual Pining"}
DEMO_METATAGS = {"Domestic Fluff": "Fluff", "Modern Setting": "Alternate Universe"}
DEMO_UNWRANGLED = {"Coffee Shop AU", "Fluff and Angst"}


def wrangle_demo() -> None:
    """File the demo's tags through the real wrangling functions, as a wrangler would."""
    from django.contrib.auth.models import Group

    from ficarchive.accounts.models import WRANGLERS_GROUP
    from ficarchive.tags import wrangling

    wrangler = User.objects.get(username=DEMO_WRANGLER)
    wrangler.groups.add(Group.objects.get_or_create(name=WRANGLERS_GROUP)[0])
    free = Tag.objects.filter(type__in=FREE_TYPES, canonical=False, merger__isnull=True)
    for tag in free.exclude(name__in=set(DEMO_SYNONYMS) | DEMO_UNWRANGLED).order_by("pk"):
        wrangling.set_canonical(tag, True, wrangler)
    named = {tag.name: tag for tag in Tag.objects.filter(type=TagType.ADDITIONAL)}
    for name, canonical in DEMO_SYNONYMS.items():
        if name in named and canonical in named:  # a small demo may not use every tag
            wrangling.set_synonym(named[name], named[canonical], wrangler)
    for name, meta in DEMO_METATAGS.items():
        if name in named and meta in named:
            wrangling.add_metatag(named[name], named[meta], wrangler)
    for fandom in Tag.objects.of_type(TagType.FANDOM):
        used = Tag.objects.filter(
            works__tags=fandom, canonical=True, type__in=[TagType.CHARACTER, TagType.RELATIONSHIP]
        ).distinct()
        for tag in used:
            wrangling.add_parent(tag, fandom, wrangler)


@transaction.atomic
def reset_demo() -> dict[str, int]:
    """Delete every work, series and free tag, and the demo users who are not staff."""
    counts = {
        "works": Work.objects.count(),
        "series": Series.objects.count(),
        "users": User.objects.filter(username__in=DEMO_LOGINS, is_staff=False).count(),
        "free_tags": Tag.objects.filter(type__in=FREE_TYPES).count(),
    }
    Work.objects.all().delete()
    Series.objects.all().delete()
    User.objects.filter(username__in=DEMO_LOGINS, is_staff=False).delete()
    Tag.objects.filter(type__in=FREE_TYPES).delete()
    return counts
