"""A large, deterministic archive for benchmarks, written straight into the tables.

`build_corpus(works, fandoms, seed, text_words)` plans N works over M invented fandoms from
one seed and inserts them in batches, without going through the posting services (which
cost a dozen queries per work): canonical tags with Zipf popularity (fandoms, characters and
relationships per fandom, about 5,000 additional tags, some synonyms, an "Alternate
Universe" metatag), about 15 tags per work (one rating, one or two warnings, up to two
categories, one or two fandoms, characters and relationships of those fandoms, additional
tags), filter sets, creators, series, dates over 15 years, and reader counters with a long
tail. With `text_words`, chapters of generated prose with a lognormal word-count spread are
written too (about `text_words` words in all) and the text index is built from them.

The same seed gives the same titles, tags, counts and text on every run and database;
row ids follow the database's sequences. `ficarchive bench_corpus` runs it with a progress
bar; bench/search.py benchmarks search and filters on the result.
"""

from __future__ import annotations

import html
import math
import random
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from ficarchive.accounts.models import Pseud, User
from ficarchive.formats.prose import CHAPTER_TITLES, NOTES, ProseGenerator
from ficarchive.formats.wordcount import count_words
from ficarchive.search.backends import backend
from ficarchive.search.documents import Document
from ficarchive.tags.models import FIXED_TAGS, Tag, TagFilter, TagType, tag_key
from ficarchive.works.models import (
    Chapter,
    Creatorship,
    FilterTagging,
    Series,
    SeriesWork,
    Work,
    refresh_creator_sort,
)

Progress = Callable[[str, int, int], None]

ANCHOR = date(2026, 1, 1)  # the corpus's "today": works were posted in the 15 years before
SPAN_DAYS = 15 * 365
BATCH = 5000  # works per transaction
TEXT_BATCH = 1000  # works per transaction when chapters and the text index are written too
INDEX_BATCH = 200  # documents per upsert
ADDITIONAL_TAGS = 5000
CHARACTERS_PER_FANDOM = 24
RELATIONSHIPS_PER_FANDOM = 16
TAGS_PER_WORK = 15
MEDIAN_WORDS = 2500  # of a work, when no text is written (AO3-like: long tail to 500k)
WORDS_SIGMA = 1.3
MAX_WORK_WORDS = 600_000
MAX_CHAPTER_WORDS = 40_000  # keeps a chapter well under CHAPTER_TEXT_MAX characters
VOCABULARY = 30_000  # invented words sprinkled through the text with Zipf frequencies
PASSWORD = "bench-corpus-password-1"

# fmt: off
GIVEN = [
    "Maren", "Tobin", "Isolde", "Corvin", "Wren", "Ottilie", "Bastian", "Linnea", "Anselm",
    "Perpetua", "Quill", "Rosalind", "Emrys", "Juniper", "Fennick", "Saoirse", "Cassius",
    "Delphine", "Ivo", "Marguerite", "Thaddeus", "Nell", "Oriel", "Percival", "Sunniva",
    "Agatha", "Barnaby", "Clementine", "Dorian", "Elspeth", "Felix", "Gideon", "Hattie",
    "Ines", "Jasper", "Kestrel", "Lark", "Mireille", "Nico", "Odile", "Petra", "Rook",
    "Solveig", "Tamsin", "Ulric", "Vesper", "Wilhelmina", "Xavier", "Yara", "Zephyr",
    "Amos", "Bea", "Casimir", "Dex", "Edmund", "Flora", "Gus", "Hollis", "Iris", "Jory",
    "Kit", "Lorcan", "Mabel", "Nash", "Orla", "Pell", "Rosa", "Silas", "Talia", "Oswin",
    "Maelis", "Rowan", "Sable", "Aurelia", "Haru", "Suzu", "Ren", "Aoi", "Ezra", "Marnie",
    "Tobias", "Anton", "Moss", "Hazel", "Ansel", "Briar", "Cedric", "Dahlia", "Emeric",
    "Fern", "Gwen", "Hugo", "Ilse", "Jonah", "Kasimir", "Leda", "Milo", "Nadia", "Otto",
    "Piper", "Quentin", "Rhea", "Soren", "Thea", "Uma", "Vito", "Wynn", "Yusuf", "Zara",
]
SURNAMES = [
    "Brambleton", "Vane", "Hathersage", "Thornquist", "Ellery", "Dunstan", "Kitamine",
    "Amemori", "Tokiwara", "Shirakaba", "Marrow", "Reedwell", "Ashcombe", "Merriweather",
    "Foxley", "Kaine", "Quell", "Ingram", "Morrow", "Grey", "Valcourt", "Thistlewood", "Lune",
    "Harrow", "Darrow", "Penhallow", "Sandoval", "Kettering", "Cole", "Wrenfield", "Boscawen",
    "Lowe", "Tolley", "Gearhart", "Tenpenny", "Mallory", "Quint", "Brandt", "Vey", "Rowe",
    "Hale", "Ferncastle", "Bramble", "Ashby", "Thorne", "Calloway", "Drummond", "Everly",
    "Fairweather", "Goodwin", "Holloway", "Ironside", "Jessop", "Kingsley", "Lockwood",
    "Marchbank", "Northcott", "Oakhurst", "Pemberton", "Quayle", "Ravenscroft", "Stirling",
    "Trelawney", "Underhill", "Vickery", "Whitlock", "Yardley", "Ambrose", "Blackwood",
    "Carrow", "Dalloway", "Eastwick", "Fenwick", "Garland", "Hawthorne", "Inglewood",
    "Juniper", "Kestrel", "Larkspur", "Moorcroft", "Nettleton", "Oakes", "Prideaux",
    "Rainier", "Sowerby", "Tamworth", "Umber", "Vantongeren", "Westmacott", "Winterbourne",
]
FANDOM_ADJECTIVES = [
    "Brass", "Copper", "Silver", "Golden", "Hollow", "Crimson", "Lantern", "Saltwind",
    "Clockwork", "Verdant", "Midnight", "Ninth", "Quiet", "Starlit", "Iron", "Emerald",
    "Amber", "Winter", "Summer", "Northern", "Sunken", "Wandering", "Paper", "Glass",
    "Velvet", "Thorn", "Ember", "Frost", "Hidden", "Last", "Burning", "Distant", "Painted",
    "Shattered", "Silent", "Twilight", "Endless", "Broken", "Gilded", "Moonlit",
]
FANDOM_NOUNS = [
    "Orchard", "Harbour", "Meridian", "Lighthouse", "Crown", "Academy", "Chronicles", "Saga",
    "Skies", "Inn", "Kingdom", "Archive", "Compass", "Tide", "Garden", "Tower", "Empire",
    "Legacy", "Voyage", "Frontier", "Circus", "Station", "Library", "Bridge", "Citadel",
    "Forest", "Island", "Mountain", "River", "Valley", "Theatre", "Carnival", "Observatory",
    "Railway", "Workshop", "Abbey", "Manor", "Court", "Sea", "Moon",
]
MEDIA = [" (TV)", " (Anime)", " (Video Game)", " (Movie)", " (Comics)", " (Podcast)",
         " - Books", " (Web Series)", " (Cartoon)", " (Manga)"]
TROPES = [
    "Fluff", "Angst", "Hurt/Comfort", "Romance", "Humor", "Friendship", "Alternate Universe",
    "Slow Burn", "Established Relationship", "Found Family", "Friends to Lovers",
    "Enemies to Lovers", "Canon Compliant", "Canon Divergence", "Post-Canon", "Pre-Canon",
    "Missing Scene", "Fix-It", "Drama", "Mystery", "Adventure", "Family", "Domestic Fluff",
    "Happy Ending", "Bittersweet Ending", "Open Ending", "Time Travel", "Road Trip",
    "Holidays", "Winter Holidays", "Halloween", "Birthday", "Cooking", "Baking", "Tea",
    "Pining", "Mutual Pining", "Misunderstandings", "Communication", "First Kiss",
    "Getting Together", "Fake Dating", "Soulmates", "Magic", "Dragons", "Pirates",
    "Ghosts", "Fairy Tale Retelling", "Fantasy", "Science Fiction", "Crossover", "Drabble",
    "Ficlet", "One Shot", "Character Study", "Introspection", "Epistolary", "Songfic",
    "Poetry", "Crack", "Crack Treated Seriously", "Whump", "Sick Fic", "Nightmares",
    "Comfort", "Cuddling & Snuggling", "Hand Holding", "Dancing", "Music", "Libraries",
    "Gardening", "Sailing", "Lighthouses", "Trains", "Small Towns", "Camping", "Beaches",
    "Festivals", "Weddings", "Reunions", "Letters", "Rain", "Snow", "Stargazing",
    "Protective Behaviour", "Banter", "Idiots in Love", "Secret Identity", "Amnesia",
    "Body Swap", "Heist", "Spies", "Detectives", "Royalty", "Knights", "Witches",
    "Found Footage", "Post-Apocalypse", "Space Opera", "Museums", "Bakeries",
]
AU_SETTINGS = [
    "Coffee Shops & Cafés", "Modern Setting", "High School", "College/University", "Space",
    "Royalty", "Pirates", "Fantasy", "Soulmates", "Office", "Bakery", "Flower Shop",
    "Bookshop", "Hospital", "Musicians", "Circus", "Sports", "Roommates", "Neighbours",
    "Hogwarts-style School", "Witches", "Vampires", "Werewolves", "Mermaids", "Farm",
]
TAG_ADJECTIVES = [
    "Quiet", "Lantern-Lit", "Borrowed", "Golden", "Last", "Little", "Winter", "Salt-Worn",
    "Second", "Crooked", "Patient", "Wandering", "Hidden", "Gentle", "Silver", "Unfinished",
    "Tender", "Reluctant", "Accidental", "Secret", "Forgotten", "Midnight", "Morning",
    "Rainy", "Snowed-In", "Sleepy", "Stubborn", "Anxious", "Soft", "Bright", "Lonely",
    "Lost", "Found", "Brave", "Clumsy", "Careful", "Late-Night", "Early", "Slow", "Sudden",
    "Awkward", "Cheerful", "Grumpy", "Sunny", "Stormy", "Cozy", "Feral", "Loyal", "Mutual",
    "Unspoken", "Unrequited", "Shared", "Tiny", "Huge", "Ancient", "Modern", "Rural",
    "Urban", "Domestic", "Wild", "Haunted", "Enchanted", "Cursed", "Blessed", "Royal",
    "Humble", "Hopeful", "Wistful", "Fond", "Bitter", "Sweet", "Salty", "Spicy", "Cold",
    "Warm", "Gilded", "Paper", "Glass", "Velvet", "Wooden",
]
TAG_NOUNS = [
    "Harbour", "Lantern", "Orchard", "Compass", "Tide", "Letter", "Kettle", "Lighthouse",
    "Garden", "Map", "Road", "Morning", "Tower", "Season", "Promise", "Song", "Window",
    "Bridge", "Heart", "Hour", "Ferry", "Star", "Teacup", "Bakery", "Feelings", "Kisses",
    "Mornings", "Secrets", "Confessions", "Dates", "Dinners", "Picnics", "Journeys",
    "Storms", "Winters", "Summers", "Rivals", "Partners", "Friends", "Roommates", "Idiots",
    "Disasters", "Apologies", "Arguments", "Reunions", "Goodbyes", "Homecomings", "Dreams",
    "Nightmares", "Memories", "Scars", "Wings", "Crowns", "Swords", "Books", "Cats", "Dogs",
    "Horses", "Birds", "Foxes", "Ghosts", "Spells", "Potions", "Maps", "Ships", "Trains",
    "Gardens", "Kitchens", "Libraries", "Rooftops", "Balconies", "Beaches", "Forests",
    "Mountains", "Rivers", "Lakes", "Islands", "Castles", "Cottages", "Markets",
]
LANGUAGE_WEIGHTS = [
    ("en", 880), ("es", 25), ("fr", 20), ("de", 15), ("ru", 15), ("zh", 15), ("pt-br", 10),
    ("it", 7), ("ja", 7), ("pl", 3), ("nl", 3),
]
RATING_WEIGHTS = [
    ("Not Rated", 8), ("General Audiences", 32), ("Teen And Up Audiences", 30),
    ("Mature", 15), ("Explicit", 15),
]
WARNING_WEIGHTS = [
    ("No Archive Warnings Apply", 55), ("Choose Not To Use Archive Warnings", 28),
    ("Graphic Depictions Of Violence", 11), ("Major Character Death", 4),
    ("Rape/Non-Con", 1.2), ("Underage Sex", 0.8),
]
CATEGORY_WEIGHTS = [("Gen", 30), ("F/M", 20), ("M/M", 28), ("F/F", 10), ("Multi", 8),
                    ("Other", 4)]
SYLLABLE_ONSETS = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v",
                   "w", "br", "dr", "gr", "tr", "st", "th", "cl", "fl", "pl", "qu"]
SYLLABLE_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "ie"]
SYLLABLE_CODAS = ["", "", "", "n", "r", "l", "m", "s", "nd", "rk", "ll"]
UNWANTED = ("fuk", "fuc", "cunt", "dick", "cock", "tit", "nig", "rape", "sex", "puss",
            "slut", "whor", "bitch", "ass", "shit", "porn", "fag", "kil", "dead", "die")
THEMES = [
    "Nobody in town had heard of the {w} before @1 mentioned it.",
    "@1 kept thinking about the {w}.",
    "The {w} was exactly where @2 had left it.",
    "It was, @1 decided, a very {w} sort of day.",
    "@2 wrote the word {w} on the back of a postcard.",
    "\"Is that a {w}?\" @2 asked, and @1 laughed.",
    "Everyone said the {w} was only a story.",
    "Somewhere past the harbour, the {w} waited.",
]
# fmt: on


# -- the plan -------------------------------------------------------------------------------


@dataclass
class TagSpec:
    name: str
    type: str
    canonical: bool = True
    merger: int | None = None  # index of the canonical tag this is a synonym of
    metatag: int | None = None  # index of a metatag above it
    parent: int | None = None  # index of its fandom
    given: str = ""  # for characters: the first name the prose uses


@dataclass
class Taxonomy:
    """Every free tag, by index, and the popularity order within each group."""

    tags: list[TagSpec] = field(default_factory=list)
    fandoms: list[int] = field(default_factory=list)
    characters: list[list[int]] = field(default_factory=list)  # per fandom
    relationships: list[list[int]] = field(default_factory=list)  # per fandom
    additional: list[int] = field(default_factory=list)

    def add(self, spec: TagSpec) -> int:
        self.tags.append(spec)
        return len(self.tags) - 1


def _cumulative(count: int, exponent: float = 1.0, offset: float = 0.0) -> list[float]:
    """Cumulative Zipf(-Mandelbrot) weights 1 / (rank + offset) ** exponent for ranks
    1..count, for random.choices(cum_weights=...). An offset flattens the head."""
    return list(accumulate(1.0 / ((rank + offset) ** exponent) for rank in range(1, count + 1)))


def _unique_names(rng: random.Random, make: Callable[[], str], count: int, taken: set[str]):
    """`count` new names from `make`, unique (case-insensitively) against `taken`."""
    names = []
    attempts = 0
    while len(names) < count:
        name = make()
        attempts += 1
        if attempts > 20 * count:  # the word lists ran out: number them
            name = f"{name} {attempts}"
        if tag_key(name) not in taken:
            taken.add(tag_key(name))
            names.append(name)
    return names


def plan_taxonomy(fandoms: int, seed: int) -> Taxonomy:
    rng = random.Random(f"taxonomy-{seed}")
    taxonomy = Taxonomy()
    taken = {tag_key(name) for names in FIXED_TAGS.values() for name in names}

    def fandom_name() -> str:
        return f"The {rng.choice(FANDOM_ADJECTIVES)} {rng.choice(FANDOM_NOUNS)}{rng.choice(MEDIA)}"

    for name in _unique_names(rng, fandom_name, fandoms, taken):
        taxonomy.fandoms.append(taxonomy.add(TagSpec(name, TagType.FANDOM)))
    for fandom in taxonomy.fandoms:
        people = []
        for _ in range(CHARACTERS_PER_FANDOM):
            given = rng.choice(GIVEN)
            (name,) = _unique_names(rng, lambda g=given: f"{g} {rng.choice(SURNAMES)}", 1, taken)
            people.append(
                taxonomy.add(TagSpec(name, TagType.CHARACTER, parent=fandom, given=given))
            )
        taxonomy.characters.append(people)
        ships = []
        seen = set()
        while len(ships) < RELATIONSHIPS_PER_FANDOM:
            # popular characters are paired more often
            a, b = sorted(
                rng.choices(range(len(people)), cum_weights=_cumulative(len(people)), k=2)
            )
            joiner = "/" if rng.random() < 0.75 else " & "
            if a == b or (a, b, joiner) in seen:
                continue
            seen.add((a, b, joiner))
            name = f"{taxonomy.tags[people[a]].name}{joiner}{taxonomy.tags[people[b]].name}"
            if tag_key(name) in taken:
                continue
            taken.add(tag_key(name))
            ships.append(taxonomy.add(TagSpec(name, TagType.RELATIONSHIP, parent=fandom)))
        taxonomy.relationships.append(ships)

    # Additional tags: real-looking tropes are the most popular, then invented pairs of
    # words; "Alternate Universe - x" subtags of the "Alternate Universe" metatag are spread
    # through the ranks. From rank 100 on, one tag in ten is a synonym of the tag above it
    # and one in ten is unwrangled.
    names = [name for name in TROPES if tag_key(name) not in taken]
    taken.update(tag_key(name) for name in names)
    au_names = [f"Alternate Universe - {setting}" for setting in AU_SETTINGS]
    taken.update(tag_key(name) for name in au_names)
    names += _unique_names(
        rng,
        lambda: f"{rng.choice(TAG_ADJECTIVES)} {rng.choice(TAG_NOUNS)}",
        ADDITIONAL_TAGS - len(names) - len(au_names),
        taken,
    )
    for k, name in enumerate(au_names):  # spread through the ranks, from 30 on
        names.insert(30 + 25 * k, name)
    by_name: dict[str, int] = {}
    for rank, name in enumerate(names):
        spec = TagSpec(name, TagType.ADDITIONAL)
        if name in au_names:  # subtags of a metatag are canonical
            pass
        elif rank >= 100 and rank % 10 == 3:  # a synonym of the tag one rank above
            spec.canonical = False
            spec.merger = taxonomy.additional[-1]
            if taxonomy.tags[spec.merger].merger is not None:
                spec.merger = taxonomy.tags[spec.merger].merger
        elif rank >= 100 and rank % 10 == 7:  # nobody has wrangled it yet
            spec.canonical = False
        index = taxonomy.add(spec)
        by_name[name] = index
        taxonomy.additional.append(index)
    for name in au_names:
        taxonomy.tags[by_name[name]].metatag = by_name["Alternate Universe"]
    return taxonomy


def _weighted(pairs):
    names = [name for name, _ in pairs]
    return names, list(accumulate(weight for _, weight in pairs))


@dataclass
class WorkPlan:
    index: int
    title: str
    summary: str
    notes: str
    language: str
    posted: bool
    restricted: bool
    hidden: bool
    published_on: date
    revised_at: datetime
    words: int  # metadata-scale word count (text builds rescale it)
    chapters: int
    expected: int | None
    hits: int
    kudos: int
    comments: int
    bookmarks: int
    fixed: list[str]  # rating, warnings, categories (names)
    free: list[int]  # taxonomy indexes
    cast: list[str]  # given names of its characters, for the prose
    creators: list[int]  # pseud indexes
    crossover: bool = False  # two fandoms (none of ours sits under another)
    series: int | None = None  # series index
    position: int = 0


class Planner:
    """Draws works one after another from one random.Random: same seed, same works."""

    def __init__(self, taxonomy: Taxonomy, users: int, seed: int) -> None:
        self.taxonomy = taxonomy
        self.rng = random.Random(seed)
        prose = ProseGenerator(seed)
        self.titles = [prose.title() for _ in range(20_000)]
        self.summaries = [prose.summary() for _ in range(5_000)]
        self.fandom_weights = _cumulative(len(taxonomy.fandoms), 1.0, 2)
        self.character_weights = _cumulative(CHARACTERS_PER_FANDOM, 1.0, 1)
        self.relationship_weights = _cumulative(RELATIONSHIPS_PER_FANDOM)
        self.additional_weights = _cumulative(len(taxonomy.additional), 1.05, 5)
        self.languages = _weighted(LANGUAGE_WEIGHTS)
        self.ratings = _weighted(RATING_WEIGHTS)
        self.warnings = _weighted(WARNING_WEIGHTS)
        self.categories = _weighted(CATEGORY_WEIGHTS)
        self.users = users
        self.user_weights = _cumulative(users, 0.8)
        # pseuds: every user's default one (index = user index), a second for every tenth
        self.extra_pseuds = {u: users + k for k, u in enumerate(range(0, users, 10))}
        self.open_series: dict[int, list[int]] = {}  # pseud -> [series index, parts so far]
        self.series_count = 0
        self.series_owners: list[int] = []
        self.series_titles: list[str] = []

    @property
    def pseuds(self) -> int:
        return self.users + len(self.extra_pseuds)

    def pseud_of(self, user: int) -> int:
        extra = self.extra_pseuds.get(user)
        return extra if extra is not None and self.rng.random() < 0.4 else user

    def work(self, index: int) -> WorkPlan:
        rng, taxonomy = self.rng, self.taxonomy
        title = self.titles[rng.randrange(len(self.titles))]
        summary = self.summaries[rng.randrange(len(self.summaries))]
        notes = NOTES[rng.randrange(len(NOTES))] if rng.random() < 0.2 else ""
        language = self._draw(self.languages, 1)[0]
        roll = rng.random()
        posted = roll >= 0.02
        restricted = 0.02 <= roll < 0.06
        hidden = 0.06 <= roll < 0.063
        age = int(SPAN_DAYS * (1 - math.sqrt(rng.random())))  # more works in recent years
        published = ANCHOR - timedelta(days=age)
        words = min(
            MAX_WORK_WORDS, max(100, int(rng.lognormvariate(math.log(MEDIAN_WORDS), WORDS_SIGMA)))
        )
        chapters = 1
        if rng.random() < 0.45:
            chapters = max(2, min(30, round(words / rng.lognormvariate(math.log(3000), 0.5))))
        expected: int | None = chapters
        roll = rng.random()
        if chapters > 1 and roll < 0.35:
            expected = chapters + rng.randint(1, 10)
        elif roll > 0.92:
            expected = None
        revised_days = 0 if chapters == 1 else rng.randint(0, min(age, 730))
        revised_at = datetime.combine(
            published + timedelta(days=revised_days),
            time(rng.randrange(24), rng.randrange(60)),
            UTC,
        )
        years = 1 + age / 365
        hits = min(5_000_000, int(15 * rng.paretovariate(0.85) * math.sqrt(years)))
        kudos = int(hits * rng.uniform(0.02, 0.12))
        comments = int(kudos * rng.uniform(0.02, 0.3))
        bookmarks = int(kudos * rng.uniform(0.05, 0.25))

        # tags: the fixed ones first
        rating = self._draw(self.ratings, 1)[0]
        warnings = set(self._draw(self.warnings, 1))
        if rng.random() < 0.12:
            warnings.add(rng.choice(self.warnings[0][2:]))  # a second, real warning
        if len(warnings) > 1:
            warnings -= {"No Archive Warnings Apply"}
        roll = rng.random()
        categories = set(self._draw(self.categories, (roll > 0.1) + (roll > 0.8)))
        fixed = [rating, *sorted(warnings), *sorted(categories)]
        crossover = rng.random() < 0.08
        fandoms = set(
            self._draw((range(len(taxonomy.fandoms)), self.fandom_weights), 1 + crossover)
        )
        free: list[int] = []
        cast: list[str] = []
        for fandom in sorted(fandoms):
            free.append(taxonomy.fandoms[fandom])
            people = taxonomy.characters[fandom]
            for person in sorted(
                set(self._draw((people, self.character_weights), rng.randint(1, 4)))
            ):
                free.append(person)
                cast.append(taxonomy.tags[person].given)
            if rng.random() < 0.6:
                ships = (taxonomy.relationships[fandom], self.relationship_weights)
                free += sorted(set(self._draw(ships, rng.randint(1, 2))))
        wanted = max(1, TAGS_PER_WORK - len(fixed) - len(free) + rng.randint(-3, 3))
        free += sorted(set(self._draw((taxonomy.additional, self.additional_weights), wanted)))

        user = rng.choices(range(self.users), cum_weights=self.user_weights)[0]
        creators = [self.pseud_of(user)]
        if rng.random() < 0.03:
            other = rng.randrange(self.users)
            if other != user:
                creators.append(other)
        plan = WorkPlan(
            index, title, summary, notes, language, posted, restricted, hidden, published,
            revised_at, words, chapters, expected, hits, kudos, comments, bookmarks, fixed,
            free, cast, creators,
        )  # fmt: skip
        plan.crossover = len(fandoms) > 1
        if rng.random() < 0.08:
            self._place_in_series(plan)
        return plan

    def _draw(self, choices, k: int) -> list:
        """`k` picks (with repeats) from (items, cumulative weights)."""
        items, weights = choices
        return self.rng.choices(items, cum_weights=weights, k=k)

    def _place_in_series(self, plan: WorkPlan) -> None:
        pseud = plan.creators[0]
        current = self.open_series.get(pseud)
        if current is None or self.rng.random() < 0.2:
            current = [self.series_count, 0]
            self.series_count += 1
            self.series_owners.append(pseud)
            self.series_titles.append(self.titles[self.rng.randrange(len(self.titles))])
            self.open_series[pseud] = current
        current[1] += 1
        plan.series, plan.position = current


# -- prose ------------------------------------------------------------------------------------


def vocabulary(seed: int = 0, size: int = VOCABULARY) -> list[str]:
    """Invented, pronounceable words; index = Zipf rank in the corpus text (0 = commonest)."""
    rng = random.Random(f"vocabulary-{seed}")
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        word = "".join(
            rng.choice(SYLLABLE_ONSETS) + rng.choice(SYLLABLE_VOWELS) + rng.choice(SYLLABLE_CODAS)
            for _ in range(rng.choice((2, 2, 2, 3)))
        )
        if (
            len(word) < 5
            or word in seen
            or any(bad in word for bad in UNWANTED)
            or any(a == b == c for a, b, c in zip(word, word[1:], word[2:], strict=False))
        ):
            continue
        seen.add(word)
        words.append(word)
    return words


class FastProse:
    """Chapters assembled from a pool of ProseGenerator sentences, with each work's own
    character names and a few invented words from a Zipf-distributed vocabulary, so that
    words range from everywhere (lighthouse) to a handful of works (a rare invented word).

    Paragraphs are drawn with random.choices from pre-counted sentences: about 10 million
    words a second, where formatting every sentence anew would cost several times that.
    """

    def __init__(self, seed: int) -> None:
        prose = ProseGenerator(seed, names=["@1", "@2"])
        self.sentences = [prose.sentence() for _ in range(4000)]
        self.dialogue = [prose.dialogue() for _ in range(1500)]
        self.sentence_words = [count_words(s) for s in self.sentences]
        self.dialogue_words = [count_words(s) for s in self.dialogue]
        self.theme_words = [count_words(t.format(w="word")) for t in THEMES]
        self.vocabulary = vocabulary(seed)
        self.vocabulary_weights = _cumulative(len(self.vocabulary))
        self.seed = seed

    def themes(self, rng: random.Random) -> list[str]:
        picks = rng.choices(
            self.vocabulary, cum_weights=self.vocabulary_weights, k=rng.randint(4, 10)
        )
        return list(dict.fromkeys(picks))

    def chapter(self, rng: random.Random, words: int, themes: list[str]) -> tuple[list[str], int]:
        """Paragraphs of about `words` words (still with @1/@2 for names), and their count."""
        paragraphs: list[str] = []
        total = 0
        sentences, counts = self.sentences, self.sentence_words
        n = len(sentences)
        while total < words:
            roll = rng.random()
            if roll < 0.3:
                i = rng.randrange(len(self.dialogue))
                paragraphs.append(self.dialogue[i])
                total += self.dialogue_words[i]
                continue
            picks = [int(rng.random() * n) for _ in range(rng.randint(2, 6))]
            parts = [sentences[i] for i in picks]
            total += sum(counts[i] for i in picks)
            if themes and roll > 0.75:
                t = rng.randrange(len(THEMES))
                parts.insert(
                    rng.randrange(len(parts) + 1),
                    THEMES[t].format(w=themes[rng.randrange(len(themes))]),
                )
                total += self.theme_words[t]
            paragraphs.append(" ".join(parts))
        return paragraphs, total


def _cast_names(cast: list[str], rng: random.Random) -> tuple[str, str]:
    names = list(dict.fromkeys(cast)) or [rng.choice(GIVEN)]
    first = names[0]
    second = names[1] if len(names) > 1 else rng.choice([g for g in GIVEN if g != first])
    return first, second


# -- writing ---------------------------------------------------------------------------------


def ensure_fixed_tags() -> None:
    """Ratings, warnings and categories (and the wranglers' group) as migrations make them:
    `flush` empties every table, data from migrations included."""
    from django.contrib.auth.models import Group

    from ficarchive.accounts.models import WRANGLERS_GROUP

    for tag_type, names in FIXED_TAGS.items():
        for name in names:
            Tag.objects.update_or_create(
                key=tag_key(name), defaults={"name": name, "type": tag_type, "canonical": True}
            )
    TagFilter.objects.bulk_create(
        [
            TagFilter(tag_id=pk, filter_id=pk)
            for pk in Tag.objects.filter(canonical=True).values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    Group.objects.get_or_create(name=WRANGLERS_GROUP)


def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain rows into a table: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _next_id(model) -> int:
    latest = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (latest or 0) + 1


def _write_taxonomy(taxonomy: Taxonomy) -> list[int]:
    """Insert the free tags, their closures, metatags and parents; returns pks by index."""
    pks: list[int] = [0] * len(taxonomy.tags)
    # canonical and unwrangled tags first, then synonyms (which point at a canonical)
    for synonyms in (False, True):
        order = [i for i, spec in enumerate(taxonomy.tags) if (spec.merger is not None) == synonyms]
        made = Tag.objects.bulk_create(
            [
                Tag(
                    name=taxonomy.tags[i].name,
                    key=tag_key(taxonomy.tags[i].name),
                    type=taxonomy.tags[i].type,
                    canonical=taxonomy.tags[i].canonical,
                    merger_id=pks[taxonomy.tags[i].merger] if synonyms else None,
                )
                for i in order
            ],
            batch_size=2000,
        )
        for i, tag in zip(order, made, strict=True):
            pks[i] = tag.pk
    closures = []
    for i, spec in enumerate(taxonomy.tags):
        root = i if spec.canonical else spec.merger
        while root is not None:
            closures.append(TagFilter(tag_id=pks[i], filter_id=pks[root]))
            root = taxonomy.tags[root].metatag
    TagFilter.objects.bulk_create(closures, batch_size=5000)
    Tag.metatags.through.objects.bulk_create(
        [
            Tag.metatags.through(from_tag_id=pks[i], to_tag_id=pks[spec.metatag])
            for i, spec in enumerate(taxonomy.tags)
            if spec.metatag is not None
        ]
    )
    Tag.parents.through.objects.bulk_create(
        [
            Tag.parents.through(from_tag_id=pks[i], to_tag_id=pks[spec.parent])
            for i, spec in enumerate(taxonomy.tags)
            if spec.parent is not None
        ],
        batch_size=5000,
    )
    return pks


def _write_people(planner: Planner, seed: int) -> list[int]:
    """Users with their default pseuds (bulk_create skips the save() that makes them) and
    a second pseud for every tenth user; returns pseud pks by planner index."""
    rng = random.Random(f"people-{seed}")
    password = make_password(PASSWORD)
    first_user = _next_id(User)
    users = []
    for n in range(planner.users):
        login = f"{rng.choice(GIVEN).lower()}_{rng.choice(SURNAMES).lower()}_{first_user + n}"
        users.append(User(username=login, email=f"{login}@example.org", password=password))
    users = User.objects.bulk_create(users, batch_size=1000)
    pseuds = [Pseud(user_id=u.pk, name=u.username, is_default=True) for u in users]
    for user_index in planner.extra_pseuds:
        pseuds.append(
            Pseud(
                user_id=users[user_index].pk, name=f"{rng.choice(GIVEN)} writes", is_default=False
            )
        )
    made = Pseud.objects.bulk_create(pseuds, batch_size=1000)
    return [p.pk for p in made]


@dataclass
class Written:
    works: int = 0
    tag_rows: int = 0
    chapters: int = 0
    words: int = 0
    documents: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def build_corpus(
    works: int,
    fandoms: int = 200,
    seed: int = 1,
    text_words: int | None = None,
    progress: Progress | None = None,
) -> Written:
    """Insert `works` works over `fandoms` fandoms (plus their tags, people and series) into
    the current database, which should have no works yet. With `text_words`, also chapters
    holding about that many words in all, and their text index; otherwise works have no
    chapters and stand for their metadata only. `progress(stage, done, total)` is called
    after each batch."""
    report = progress or (lambda stage, done, total: None)
    started = clock.perf_counter()
    with transaction.atomic():
        writer = _Writer(works, fandoms, seed, text_words)
    written = writer.written
    written.seconds["tags and people"] = clock.perf_counter() - started
    report("tags", len(writer.tag_pks), len(writer.tag_pks))
    size = TEXT_BATCH if text_words else BATCH
    for start in range(0, works, size):
        with transaction.atomic():
            writer.write_batch(range(start, min(works, start + size)))
        report("works", written.works, works)
    written.seconds["works"] = clock.perf_counter() - started - sum(written.seconds.values())

    began = clock.perf_counter()
    _count_tag_uses()
    refresh_creator_sort()  # the rows went in with bulk_create: no signals
    _reset_sequences()
    if connection.vendor == "postgresql":
        report("analyze", 0, 1)
        with connection.cursor() as cursor:
            # VACUUM sets the visibility map (index-only scans), as autovacuum would in time;
            # it cannot run inside a transaction (as in tests), where ANALYZE alone does.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        report("analyze", 1, 1)
    written.seconds["counts and analyze"] = clock.perf_counter() - began
    return written


class _Writer:
    """Writes planned works batch by batch; built inside a transaction (tags and people)."""

    def __init__(self, works: int, fandoms: int, seed: int, text_words: int | None) -> None:
        self.seed = seed
        self.written = Written()
        ensure_fixed_tags()
        self.fixed = dict(Tag.objects.filter(type__in=list(FIXED_TAGS)).values_list("name", "pk"))
        self.taxonomy = plan_taxonomy(fandoms, seed)
        self.tag_pks = _write_taxonomy(self.taxonomy)
        self.planner = Planner(self.taxonomy, users=max(20, min(5000, works // 100)), seed=seed)
        self.pseud_pks = _write_people(self.planner, seed)
        self.bylines = {
            pk: f"{name} {login}"
            for pk, name, login in Pseud.objects.filter(pk__in=self.pseud_pks).values_list(
                "pk", "name", "user__username"
            )
        }
        self.prose = FastProse(seed) if text_words else None
        # Text builds rescale each work's metadata-sized word count so the total comes to
        # about text_words (the lognormal's mean is exp(mu + sigma^2 / 2)).
        mean = math.exp(math.log(MEDIAN_WORDS) + WORDS_SIGMA**2 / 2)
        self.scale = text_words / (works * mean) if text_words else 0.0
        self.first_work = _next_id(Work)
        self.first_series = _next_id(Series)
        self.series_written = 0
        self.engine = backend()

    def tag_name(self, name_or_index: str | int) -> str:
        if isinstance(name_or_index, str):
            return name_or_index
        return self.taxonomy.tags[name_or_index].name

    def write_batch(self, indexes: range) -> None:
        planner, first = self.planner, self.first_work
        plans = [planner.work(i) for i in indexes]
        self._write_series()
        chapters, documents = self._text(plans) if self.prose else ([], [])
        Work.objects.bulk_create([_work_row(plan, first) for plan in plans], batch_size=500)
        through = Work.tags.through
        rows = []
        for plan in plans:
            rows += [(first + plan.index, self.fixed[name]) for name in plan.fixed]
            rows += [(first + plan.index, self.tag_pks[i]) for i in plan.free]
        insert_rows(through._meta.db_table, ("work_id", "tag_id"), rows)
        Creatorship.objects.bulk_create(
            [
                Creatorship(work_id=first + plan.index, pseud_id=self.pseud_pks[p])
                for plan in plans
                for p in plan.creators
            ],
            batch_size=2000,
        )
        SeriesWork.objects.bulk_create(
            [
                SeriesWork(
                    series_id=self.first_series + plan.series,
                    work_id=first + plan.index,
                    position=plan.position,
                )
                for plan in plans
                if plan.series is not None
            ]
        )
        Chapter.objects.bulk_create(chapters, batch_size=100)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FilterTagging._meta.db_table} (work_id, tag_id) "
                f"SELECT DISTINCT t.work_id, c.filter_id FROM {through._meta.db_table} t "
                f"JOIN {TagFilter._meta.db_table} c ON c.tag_id = t.tag_id "
                f"WHERE t.work_id BETWEEN %s AND %s",
                [first + indexes.start, first + indexes.stop - 1],
            )
        for at in range(0, len(documents), INDEX_BATCH):
            self.engine.upsert(documents[at : at + INDEX_BATCH])
        written = self.written
        written.works += len(plans)
        written.tag_rows += len(rows)
        written.chapters += len(chapters)
        written.words += sum(chapter.word_count for chapter in chapters)
        written.documents += len(documents)

    def _write_series(self) -> None:
        """Series the planner opened since the last batch (works point at them)."""
        planner = self.planner
        new = range(self.series_written, planner.series_count)
        Series.objects.bulk_create(
            [Series(pk=self.first_series + s, title=planner.series_titles[s]) for s in new]
        )
        Series.creators.through.objects.bulk_create(
            [
                Series.creators.through(
                    series_id=self.first_series + s,
                    pseud_id=self.pseud_pks[planner.series_owners[s]],
                )
                for s in new
            ]
        )
        self.series_written = planner.series_count

    def _text(self, plans: list[WorkPlan]) -> tuple[list[Chapter], list[Document]]:
        """Chapters for these works (their word and chapter counts set on the plans), and
        the works' text-index documents, built directly rather than read back."""
        chapters: list[Chapter] = []
        documents: list[Document] = []
        for plan in plans:
            body = self._chapters(plan, chapters)
            tags = [*plan.fixed, *plan.free]
            series = plan.series
            documents.append(
                Document(
                    work_id=self.first_work + plan.index,
                    language=plan.language,
                    title=plan.title,
                    creators=" ".join(self.bylines[self.pseud_pks[p]] for p in plan.creators),
                    summary=plan.summary,
                    notes=plan.notes,
                    tags=", ".join(self.tag_name(t) for t in tags),
                    series=self.planner.series_titles[series] if series is not None else "",
                    body="\n".join(body),
                )
            )
        return chapters, documents

    def _chapters(self, plan: WorkPlan, chapters: list[Chapter]) -> list[str]:
        """Append the work's chapters; returns the plain text (titles and text) to index."""
        rng = random.Random(self.seed * 1_000_003 + plan.index)  # per work: batch-proof
        words = min(MAX_WORK_WORDS, max(40 * plan.chapters, int(plan.words * self.scale)))
        first, second = _cast_names(plan.cast, rng)
        themes = self.prose.themes(rng)
        body: list[str] = []
        total = position = 0
        while total < words or position < plan.chapters:
            position += 1
            left = words - total
            if position < plan.chapters:
                left = max(20, words // plan.chapters)
            paragraphs, count = self.prose.chapter(
                rng, min(MAX_CHAPTER_WORDS, max(20, left)), themes
            )
            text = "\n\n".join(paragraphs).replace("@1", first).replace("@2", second)
            title = rng.choice(CHAPTER_TITLES) if rng.random() < 0.3 else ""
            markup = "<p>" + html.escape(text, quote=False).replace("\n\n", "</p>\n<p>") + "</p>"
            day = plan.published_on + timedelta(days=7 * (position - 1))
            chapters.append(
                Chapter(
                    work_id=self.first_work + plan.index,
                    position=position,
                    title=title,
                    text=markup,
                    word_count=count,
                    published_on=min(day, plan.revised_at.date()),
                )
            )
            body += [title, text] if title else [text]
            total += count
        plan.words, plan.chapters = total, position
        if plan.expected is not None and plan.expected < position:
            plan.expected = position
        return body


def _work_row(plan: WorkPlan, first_work: int) -> Work:
    return Work(
        pk=first_work + plan.index,
        title=plan.title,
        summary=f"<p>{html.escape(plan.summary, quote=False)}</p>",
        notes=f"<p>{html.escape(plan.notes, quote=False)}</p>" if plan.notes else "",
        language=plan.language,
        expected_chapters=plan.expected,
        published_on=plan.published_on,
        revised_at=plan.revised_at,
        posted=plan.posted,
        restricted=plan.restricted,
        hidden_by_admin=plan.hidden,
        crossover=plan.crossover,
        word_count=plan.words,
        chapter_count=plan.chapters,
        hits=plan.hits,
        kudos_count=plan.kudos,
        comments_count=plan.comments,
        bookmarks_count=plan.bookmarks,
    )


def _count_tag_uses() -> None:
    """Tag.public_works_count and works_count as wrangling.refresh_counts keeps them:
    canonical tags count their filter set, the others the works carrying them."""
    work = Work._meta.db_table
    tag = Tag._meta.db_table
    counts: dict[int, list[int]] = {}
    public = "w.posted AND NOT w.hidden_by_admin AND NOT w.restricted"
    members = "w.posted AND NOT w.hidden_by_admin"
    with connection.cursor() as cursor:
        for table, canonical in [
            (FilterTagging._meta.db_table, True),
            (Work.tags.through._meta.db_table, False),
        ]:
            cursor.execute(
                f"SELECT f.tag_id, SUM(CASE WHEN {public} THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN {members} THEN 1 ELSE 0 END) FROM {table} f "
                f"JOIN {work} w ON w.id = f.work_id JOIN {tag} t ON t.id = f.tag_id "
                f"WHERE t.canonical = %s GROUP BY f.tag_id",
                [canonical],
            )
            for pk, in_public, in_members in cursor.fetchall():
                counts[pk] = [int(in_public), int(in_members)]
        cursor.executemany(
            f"UPDATE {tag} SET public_works_count = %s, works_count = %s WHERE id = %s",
            [(a, b, pk) for pk, (a, b) in counts.items()],
        )


def _reset_sequences() -> None:
    """Rows were written with explicit ids: move PostgreSQL's sequences past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), [Work, Series])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
