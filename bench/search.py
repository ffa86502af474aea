"""Benchmark: works listings, the facet sidebar and text search, against a naive baseline.

Runs a fixed, published mix of queries (MIX below) on a benchmark corpus (bench/corpus.py)
through the archive's own code — FilterForm, search.filters.apply and facets on
Work.objects.visible_to(a guest), Paginator's count and first page of 20 with the
listing's prefetches, and snippets for text searches — and then the same logical query
written the naive way with the ORM (joins through the tag table by name, `icontains` text
search, .distinct()). Prints p50/p95 per query class, the naive figures, their ratio, and
the target with PASS or MISS; then the process's peak RSS.

    # build once (or pass --works N to build a scratch corpus here, in a child process)
    FICARCHIVE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ficarchive_search_bench \\
        .venv/bin/ficarchive bench_corpus --works 1000000
    FICARCHIVE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ficarchive_search_bench \\
        .venv/bin/python bench/search.py --reuse
    .venv/bin/python bench/search.py --works 100000 --text-words 100000000

Without FICARCHIVE_DATABASE_URL it uses /tmp/ficarchive-search-bench.sqlite3 (deleted first
when building). Tags in the mix are picked by popularity rank in the corpus and invented
words by their rank in its vocabulary, so a corpus built with the same seed gets the same
mix. Every query has a time limit, so the benchmark always ends.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PER_PAGE = 20

# Targets, in milliseconds at p95 (at 1,000,000 works for listings and facets; at 100,000
# works with 100 million words for text search), and the speed-up wanted over naive.
TARGETS = {"listing": 50, "facets": 150, "text": 200}
LISTING_SPEEDUP = 20

# The mix. {fandom:N}, {character:N}, {relationship:N} and {additional:N} are the N-th most
# used canonical tag of that type (among those without synonyms or subtags, so the naive
# join through tag names means the same thing); {word:N} is the N-th commonest invented word
# of the corpus text and {stem:N} its first five letters. Lists of names are tags, by name.
MIX: list[dict] = [
    # filtered listings, first page
    {"kind": "listing", "name": "all works (no filter)", "spec": {}},
    {"kind": "listing", "name": "include popular fandom", "spec": {"include": ["{fandom:1}"]}},
    {"kind": "listing", "name": "include popular tag", "spec": {"include": ["{additional:1}"]}},
    {"kind": "listing", "name": "include mid character", "spec": {"include": ["{character:50}"]}},
    {"kind": "listing", "name": "include rare tag", "spec": {"include": ["{additional:2000}"]}},
    {
        "kind": "listing",
        "name": "2 includes",
        "spec": {"include": ["{fandom:1}", "{character:1}"]},
    },
    {
        "kind": "listing",
        "name": "3 includes",
        "spec": {"include": ["{fandom:1}", "{character:1}", "{additional:1}"]},
    },
    {
        "kind": "listing",
        "name": "include + 1 exclude",
        "spec": {"include": ["{fandom:1}"], "exclude": ["{additional:1}"]},
    },
    {
        "kind": "listing",
        "name": "include + 3 excludes",
        "spec": {
            "include": ["{fandom:2}"],
            "exclude": ["{additional:1}", "{additional:2}", "Explicit"],
        },
    },
    {
        "kind": "listing",
        "name": "2 excludes, no include",
        "spec": {"exclude": ["{additional:1}", "{additional:2}"]},
    },
    {
        "kind": "listing",
        "name": "include, no crossovers",
        "spec": {"include": ["{fandom:1}"], "crossover": "exclude"},
    },
    {
        "kind": "listing",
        "name": "member, 3 muted tags",
        "spec": {
            "include": ["{fandom:1}"],
            "muted": ["{additional:1}", "{additional:3}", "{character:2}"],
        },
    },
    {"kind": "listing", "name": "rating filter", "spec": {"ratings": ["General Audiences"]}},
    {
        "kind": "listing",
        "name": "warning filter",
        "spec": {"warnings": ["Major Character Death", "Graphic Depictions Of Violence"]},
    },
    {
        "kind": "listing",
        "name": "include + rating + warning",
        "spec": {
            "include": ["{fandom:3}"],
            "ratings": ["General Audiences", "Teen And Up Audiences"],
            "warnings": ["No Archive Warnings Apply"],
        },
    },
    *(
        {
            "kind": "listing",
            "name": f"popular fandom, sort {sort}",
            "spec": {"include": ["{fandom:1}"], "sort": sort},
        }
        for sort in ["title", "creator", "posted", "words", "hits", "kudos", "comments"]
    ),
    {
        "kind": "listing",
        "name": "popular fandom, sort bookmarks",
        "spec": {"include": ["{fandom:1}"], "sort": "bookmarks"},
    },
    {"kind": "listing", "name": "all works, sort kudos", "spec": {"sort": "kudos"}},
    # the facet sidebar of a listing
    {"kind": "facets", "name": "facets: all works", "spec": {}},
    {"kind": "facets", "name": "facets: popular fandom", "spec": {"include": ["{fandom:1}"]}},
    {"kind": "facets", "name": "facets: rare tag", "spec": {"include": ["{additional:2000}"]}},
    {
        "kind": "facets",
        "name": "facets: 2 includes + rating",
        "spec": {
            "include": ["{fandom:1}", "{character:1}"],
            "ratings": ["Teen And Up Audiences"],
        },
    },
    # text search (best match unless sorted), first page with snippets
    {"kind": "text", "name": "word, common", "spec": {"q": "lighthouse"}},
    {"kind": "text", "name": "word, mid", "spec": {"q": "{word:50}"}},
    {"kind": "text", "name": "word, rare", "spec": {"q": "{word:2000}"}},
    {"kind": "text", "name": "two words", "spec": {"q": "{word:20} harbour"}},
    {"kind": "text", "name": "phrase, common", "spec": {"q": '"the old lighthouse"'}},
    {"kind": "text", "name": "phrase, rare", "spec": {"q": '"kept thinking about the {word:100}"'}},
    {"kind": "text", "name": "prefix, common", "spec": {"q": "lanter*"}},
    {"kind": "text", "name": "prefix, rare", "spec": {"q": "{stem:300}*"}},
    {"kind": "text", "name": "word minus word", "spec": {"q": "{word:10} -lighthouse"}},
    {
        "kind": "text",
        "name": "word in popular fandom",
        "spec": {"q": "{word:50}", "include": ["{fandom:1}"]},
    },
    {"kind": "text", "name": "word, sort kudos", "spec": {"q": "{word:50}", "sort": "kudos"}},
]

PROFILE = False


def setup_django(build: bool) -> None:
    if not os.environ.get("FICARCHIVE_DATABASE_URL"):
        path = Path(tempfile.gettempdir()) / "ficarchive-search-bench.sqlite3"
        if build:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["FICARCHIVE_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault(
        "FICARCHIVE_VAR_DIR", str(Path(tempfile.gettempdir()) / "ficarchive-search-bench")
    )
    os.environ["FICARCHIVE_DEBUG"] = "0"  # no query log growing through thousands of queries
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficarchive.settings")
    os.environ.setdefault("FICARCHIVE_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# -- the mix, resolved against a corpus --------------------------------------------------


@dataclass
class Query:
    kind: str
    name: str
    spec: dict  # include/exclude/ratings/warnings/categories: tag names; q, sort: text

    def get(self) -> dict[str, str | list[str]]:
        """The query string a reader's browser would send for it."""
        from ficarchive.tags.models import Tag

        params: dict[str, str | list[str]] = {}
        for key in ("include", "exclude"):
            if self.spec.get(key):
                params[key] = ", ".join(self.spec[key])
        for key in ("ratings", "warnings", "categories"):
            if self.spec.get(key):
                pks = Tag.objects.filter(name__in=self.spec[key]).values_list("pk", flat=True)
                params[key] = [str(pk) for pk in sorted(pks)]
        for key in ("q", "sort", "crossover"):
            if self.spec.get(key):
                params[key] = self.spec[key]
        return params

    def url(self) -> str:
        from urllib.parse import urlencode

        url = "?" + urlencode(self.get(), doseq=True) if self.get() else "(no parameters)"
        if self.spec.get("muted"):
            url += f"  [logged in, muting {', '.join(self.spec['muted'])}]"
        return url


def ranked_tags(tag_type: str) -> list[str]:
    """Canonical tags of a type without synonyms or subtags, most used first (by name on
    ties): names whose naive join through the tag table finds exactly their filter set."""
    from ficarchive.tags.models import Tag

    merged = Tag.objects.filter(merger__isnull=False).values("merger_id")
    metatags = Tag.metatags.through.objects.values("to_tag_id")
    return list(
        Tag.objects.filter(type=tag_type, canonical=True)
        .exclude(pk__in=merged)
        .exclude(pk__in=metatags)
        .order_by("-public_works_count", "name")
        .values_list("name", flat=True)
    )


def resolve_mix(seed: int = 1, mix: list[dict] | None = None) -> list[Query]:
    """The mix with every {placeholder} replaced by a name from the current corpus."""
    from bench.corpus import vocabulary

    cache: dict[str, list[str]] = {}
    words = vocabulary(seed)

    def fill(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            what, rank = match.group(1), int(match.group(2))
            if what == "word":
                return words[rank - 1]
            if what == "stem":
                return words[rank - 1][:5]
            names = cache.setdefault(what, ranked_tags(what))
            if not names:
                raise ValueError(f"the corpus has no {what} tags")
            return names[min(rank, len(names)) - 1]

        return re.sub(r"\{(\w+):(\d+)\}", one, text)

    queries = []
    for item in mix if mix is not None else MIX:
        spec = {
            key: [fill(v) for v in value] if isinstance(value, list) else fill(value)
            for key, value in item["spec"].items()
        }
        queries.append(Query(item["kind"], item["name"], spec))
    return queries


# -- ours and naive ------------------------------------------------------------------------


def _filters(query: Query):
    from django.http import QueryDict

    from ficarchive.search.filters import FilterForm

    data = QueryDict(mutable=True)
    for key, value in query.get().items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    form = FilterForm(data)
    if not form.is_valid():
        raise ValueError(f"{query.name}: {form.errors.as_text()}")
    return form.filters("updated")


def reader(query: Query):
    """A guest; or, when the query mutes tags, a logged-in reader who wrote nothing (pk 0:
    no row, so no works of their own) with those mutes, kept where User.muted_ids keeps
    them, so the benchmark writes nothing to the corpus."""
    from django.contrib.auth.models import AnonymousUser

    from ficarchive.accounts.models import User
    from ficarchive.tags.models import Tag

    if not query.spec.get("muted"):
        return AnonymousUser()
    member = User(pk=0, username="bench-reader")
    names = tuple(query.spec["muted"])
    if names not in _MUTED:  # the site reads a user's mutes by an indexed key: look up once
        _MUTED[names] = list(Tag.objects.filter(name__in=names).values_list("pk", flat=True))
    member._muted = (_MUTED[names], [])
    return member


_MUTED: dict[tuple[str, ...], list[int]] = {}


def _results(query: Query):
    """What works_listing pages: the filtered, sorted works the reader may see."""
    from ficarchive.search.filters import apply
    from ficarchive.works.models import Work

    filters = _filters(query)
    return filters, apply(Work.objects.visible_to(reader(query)), filters).for_listing()


def ours_page(query: Query) -> tuple[int, list[int]]:
    """The page as works_listing computes it: count, first page, snippets."""
    from django.conf import settings

    from ficarchive.pagination import CountingPaginator
    from ficarchive.search.backends import backend
    from ficarchive.search.filters import matching_ids
    from ficarchive.works.models import Work

    filters, results = _results(query)
    counted = matching_ids(Work.objects.visible_to(reader(query)), filters)
    paginator = CountingPaginator(results, PER_PAGE, settings.LISTING_COUNT_LIMIT, counted)
    page = paginator.get_page(1)
    ids = [work.pk for work in page]
    backend().snippets(filters.text, ids)
    return paginator.count, ids


def ours_facets(query: Query) -> dict:
    from ficarchive.search.filters import facets, matching_ids
    from ficarchive.works.models import Work

    return facets(matching_ids(Work.objects.visible_to(reader(query)), _filters(query)))


def naive_results(query: Query):
    """The same query the obvious ORM way: a join through the tag table by name for every
    tag, text by `icontains` over titles and chapter text, and .distinct()."""
    from django.db.models import Min, Q
    from django.db.models.functions import Lower

    from ficarchive.search.filters import SORTS
    from ficarchive.search.query import parse_query
    from ficarchive.works.models import Work

    spec = query.spec
    if spec.get("muted"):  # a logged-in reader: restricted works too, minus muted tags
        works = Work.objects.filter(posted=True, hidden_by_admin=False)
        works = works.exclude(tags__name__in=spec["muted"])
    else:
        works = Work.objects.filter(posted=True, hidden_by_admin=False, restricted=False)
    if spec.get("crossover"):
        works = works.filter(crossover=spec["crossover"] == "only")
    for name in spec.get("include", []):
        works = works.filter(tags__name=name)
    for name in spec.get("exclude", []):
        works = works.exclude(tags__name=name)
    for key in ("ratings", "warnings", "categories"):
        if spec.get(key):
            works = works.filter(tags__name__in=spec[key])
    text = parse_query(spec.get("q", ""))
    for term in [*text.words, *text.phrases]:
        term = term.removesuffix("*")
        works = works.filter(Q(title__icontains=term) | Q(chapters__text__icontains=term))
    for term in [*text.excluded_words, *text.excluded_phrases]:
        works = works.exclude(Q(title__icontains=term) | Q(chapters__text__icontains=term))
    sort = spec.get("sort") or "updated"
    _label, column, descending = SORTS["updated" if sort == "best" else sort]
    if sort == "creator":  # the byline's first name, as the site's stored sort key holds it
        works = works.annotate(first_creator=Min(Lower("creatorships__pseud__name")))
        column = "first_creator"
    prefix = "-" if descending else ""
    return works.distinct().order_by(f"{prefix}{column}", f"{prefix}id").for_listing()


def naive_page(query: Query) -> tuple[int, list[int]]:
    from django.core.paginator import Paginator

    page = Paginator(naive_results(query), PER_PAGE).get_page(1)
    return page.paginator.count, [work.pk for work in page]


def naive_facets(query: Query) -> dict:
    """Tag counts by joining the works through the tag table, grouped in Python."""
    from django.db.models import Count

    from ficarchive.search.filters import FACET_TYPES, FACETS_PER_TYPE
    from ficarchive.tags.models import Tag, TagType

    works = naive_results(query).order_by().values("pk")
    tags = Tag.objects.filter(works__in=works).annotate(n=Count("works")).order_by("-n")[:400]
    grouped: dict[str, list[dict]] = {t: [] for t in FACET_TYPES}
    for tag in tags:
        grouped[tag.type].append({"tag": tag, "count": tag.n})
    return {TagType(t).label: items[:FACETS_PER_TYPE] for t, items in grouped.items() if items}


def runners(kind: str) -> tuple[Callable, Callable]:
    if kind == "facets":
        return ours_facets, naive_facets
    return ours_page, naive_page


# -- timing ----------------------------------------------------------------------------------


class TimedOut(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Abort the database work inside after `seconds`: PostgreSQL's statement_timeout (per
    statement), SQLite's progress handler (for the whole block). Raises TimedOut."""
    from django.db import OperationalError, connection

    connection.ensure_connection()
    deadline = time.perf_counter() + seconds
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{seconds}s"])
    else:
        connection.connection.set_progress_handler(
            lambda: 1 if time.perf_counter() > deadline else 0, 20_000
        )
    try:
        yield
    except OperationalError as error:
        text = str(error).lower()
        if "timeout" in text or "interrupted" in text or "cancel" in text:
            raise TimedOut from error
        raise
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
        else:
            connection.connection.set_progress_handler(None, 0)


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    timed_out: float | None = None  # the limit, when a run hit it
    result: object = None

    def quantile(self, q: float) -> float | None:
        """Nearest-rank quantile in ms; None without runs."""
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        return 1000 * ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    def shown(self, q: float) -> str:
        if self.timed_out is not None and not self.seconds:
            return f">{self.timed_out:.0f} s"
        value = self.quantile(q)
        return "-" if value is None else _ms(value)

    @property
    def p95_floor(self) -> float | None:
        """p95 in ms, or the time limit when every run hit it (a lower bound)."""
        if self.seconds:
            return self.quantile(0.95)
        return None if self.timed_out is None else 1000 * self.timed_out


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def measure(action: Callable[[], object], runs: int, limit: float) -> Timing:
    """One untimed warm-up, then `runs` timed runs; a run over `limit` seconds is stopped,
    and ends the measurement (a slow query is not repeated). A warm-up over a tenth of the
    limit cuts the runs to 3, so the benchmark ends in reasonable time."""
    timing = Timing()
    try:
        began = time.perf_counter()
        with time_limit(limit):
            timing.result = action()
        if time.perf_counter() - began > limit / 10:
            runs = min(runs, 3)
        for _ in range(runs):
            began = time.perf_counter()
            with time_limit(limit):
                action()
            timing.seconds.append(time.perf_counter() - began)
    except TimedOut:
        timing.timed_out = limit
    return timing


@contextmanager
def recording(statements: list) -> Iterator[None]:
    from django.db import connection

    def record(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - began, sql, params))

    with connection.execute_wrapper(record):
        yield


@dataclass
class Outcome:
    query: Query
    ours: Timing
    naive: Timing | None
    statements: list = field(default_factory=list)

    @property
    def target(self) -> float:
        return TARGETS[self.query.kind]

    @property
    def ratio(self) -> str:
        if self.naive is None or not self.ours.seconds:
            return "-"
        ours, naive = self.ours.quantile(0.95), self.naive.p95_floor
        if naive is None:
            return "-"
        ratio = naive / max(ours, 0.001)
        return f"{'>' if not self.naive.seconds else ''}{ratio:,.0f}x"

    @property
    def passed(self) -> bool:
        p95 = self.ours.p95_floor
        if p95 is None or not self.ours.seconds or p95 > self.target:
            return False
        if self.filtered:
            naive = None if self.naive is None else self.naive.p95_floor
            return naive is not None and naive / p95 >= LISTING_SPEEDUP
        return True

    @property
    def filtered(self) -> bool:
        """A filtered listing: the speed-up over naive is part of its target."""
        return self.query.kind == "listing" and bool(set(self.query.spec) - {"sort"})

    @property
    def target_text(self) -> str:
        if self.filtered:
            return f"<={self.target} ms, >={LISTING_SPEEDUP}x"
        return f"<={self.target} ms"

    @property
    def same(self) -> str:
        """Whether naive found the same count and first page (listings only: naive text
        search matches substrings, not words, and naive facets ignore synonyms)."""
        if self.query.kind != "listing" or self.naive is None or self.naive.result is None:
            return "-"
        from django.conf import settings

        naive_count, naive_ids = self.naive.result
        counted = min(naive_count, settings.LISTING_COUNT_LIMIT)  # pages count that far only
        return "yes" if (counted, naive_ids) == tuple(self.ours.result) else "NO"

    @property
    def matches(self) -> str:
        from django.conf import settings

        result = self.ours.result
        naive = self.naive.result if self.naive is not None else None
        if self.query.kind == "listing" and isinstance(naive, tuple):
            return f"{naive[0]:,}"  # the same query counted to the end
        if isinstance(result, tuple):
            more = "+" if result[0] >= settings.LISTING_COUNT_LIMIT else ""
            return f"{result[0]:,}{more}"
        if isinstance(result, dict):
            return f"{sum(len(v) for v in result.values())} tags"
        return "-"


def run_query(
    query: Query, runs: int, naive_runs: int, limit: float, naive_limit: float
) -> Outcome:
    ours, naive = runners(query.kind)
    statements: list = []
    with recording(statements):
        timing = measure(lambda: ours(query), runs, limit)
    naive_timing = None
    if naive_runs > 0:
        naive_timing = measure(lambda: naive(query), naive_runs, naive_limit)
    return Outcome(query, timing, naive_timing, statements)


def run_mix(
    queries: list[Query],
    runs: int = 20,
    naive_runs: int = 3,
    limit: float = 60,
    naive_limit: float = 30,
    report: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    outcomes = []
    for query in queries:
        outcome = run_query(query, runs, naive_runs, limit, naive_limit)
        outcomes.append(outcome)
        if report is not None:
            report(outcome)
    return outcomes


# -- output ---------------------------------------------------------------------------------

COLUMNS = [
    ("class", 32),
    ("kind", 7),
    ("matches", 9),
    ("p50", 7),
    ("p95", 7),
    ("naive p50", 9),
    ("naive p95", 9),
    ("ratio", 7),
    ("same", 4),
    ("target", 17),
    ("result", 6),
]


def header() -> str:
    cells = [f"{name:<{width}}" for name, width in COLUMNS]
    return "| " + " | ".join(cells) + " |\n|" + "|".join("-" * (w + 2) for _, w in COLUMNS) + "|"


def row(outcome: Outcome) -> str:
    naive = outcome.naive
    values = [
        outcome.query.name,
        outcome.query.kind,
        outcome.matches,
        outcome.ours.shown(0.5),
        outcome.ours.shown(0.95),
        naive.shown(0.5) if naive else "-",
        naive.shown(0.95) if naive else "-",
        outcome.ratio,
        outcome.same,
        outcome.target_text,
        "PASS" if outcome.passed else "MISS",
    ]
    cells = [f"{v:<{w}}" for v, (_, w) in zip(values, COLUMNS, strict=True)]
    return "| " + " | ".join(cells) + " |"


def profile(outcome: Outcome, explain: bool) -> None:
    """The three slowest statements of our runs (grouped by SQL), and with `explain` the
    plan of the slowest one."""
    slowest: dict[str, tuple[float, int, object]] = {}
    for spent, sql, params in outcome.statements:
        worst, count, _ = slowest.get(sql, (0.0, 0, None))
        slowest[sql] = (max(worst, spent), count + 1, params if spent >= worst else _)
    ranked = sorted(slowest.items(), key=lambda item: -item[1][0])[:3]
    for sql, (spent, count, _) in ranked:
        print(f"      {1000 * spent:8.1f} ms x{count:<3} {' '.join(sql.split())[:240]}")
    if explain and ranked:
        sql, (_, _, params) = ranked[0]
        for line in explain_plan(sql, params)[:40]:
            print(f"          {line}")


def explain_plan(sql: str, params) -> list[str]:
    from django.db import connection

    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    )
    try:
        with time_limit(120), connection.cursor() as cursor:
            cursor.execute(f"{prefix} {sql}", params)
            rows = cursor.fetchall()
    except Exception as error:  # a profile aid, never fatal
        return [f"(no plan: {error})"]
    if connection.vendor == "postgresql":
        return [r[0] for r in rows]
    return [f"{'  ' * (r[1] > 0)}{r[-1]}  [id {r[0]}, parent {r[1]}]" for r in rows]


def rss_mb() -> tuple[float, float]:
    """(peak, current) resident set size of this process, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    current = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            current = int(line.split()[1]) / 1024
    return peak, current


def describe_corpus() -> str:
    from django.db import connection
    from django.db.models import Sum

    from ficarchive.works.models import Chapter, FilterTagging, Work

    works = Work.objects.count()
    public = Work.objects.public().count()
    chapters = Chapter.objects.count()
    words = Chapter.objects.aggregate(n=Sum("word_count"))["n"]
    filters = FilterTagging.objects.count()
    text = f", {chapters:,} chapters, {words or 0:,} words of text" if chapters else ", no text"
    return (
        f"{connection.vendor}: {works:,} works ({public:,} public), {filters:,} filter rows{text}"
    )


def build(works: int, text_words: int | None, fandoms: int, seed: int) -> None:
    """Migrate here, then build the corpus in a child process, so that this process's peak
    RSS is the mix's alone."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    command = [
        sys.executable, "-m", "ficarchive", "bench_corpus", "--works", str(works),
        "--fandoms", str(fandoms), "--seed", str(seed), "--yes", "--skip-checks",
    ]  # fmt: skip
    if text_words:
        command += ["--text-words", str(text_words)]
    subprocess.run(command, check=True, env=os.environ.copy())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--works", type=int, help="build a scratch corpus of N works first")
    which.add_argument("--reuse", action="store_true", help="use the corpus already built")
    parser.add_argument("--text-words", type=int, help="with --works: words of chapter text")
    parser.add_argument("--fandoms", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1, help="the seed the corpus was built with")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query class")
    parser.add_argument("--naive-runs", type=int, default=3, help="timed naive runs (0: none)")
    parser.add_argument("--limit", type=float, default=60, help="seconds before a run stops")
    parser.add_argument("--naive-limit", type=float, default=30, help="the same, for naive")
    parser.add_argument("--kinds", default="listing,facets,text", help="which kinds to run")
    parser.add_argument("--only", help="only classes whose name contains this text")
    parser.add_argument("--profile", action="store_true", help="slowest SQL per class")
    args = parser.parse_args()
    setup_django(build=args.works is not None)
    if args.works is not None:
        build(args.works, args.text_words, args.fandoms, args.seed)

    from ficarchive.works.models import Chapter

    kinds = set(args.kinds.split(","))
    if "text" in kinds and not Chapter.objects.exists():
        print("(no chapter text in this corpus: text classes skipped)")
        kinds.discard("text")
    queries = [
        q
        for q in resolve_mix(args.seed)
        if q.kind in kinds and (not args.only or args.only.lower() in q.name.lower())
    ]
    print(describe_corpus())
    print("The mix (as a guest's query string):")
    for query in queries:
        print(f"  {query.kind:<7} {query.name:<32} {query.url()}")
    print(f"{args.runs} runs per class after a warm-up, naive {args.naive_runs}; ms.")
    print(header(), flush=True)
    started = time.perf_counter()

    def report(outcome: Outcome) -> None:
        print(row(outcome), flush=True)
        if args.profile:
            profile(outcome, explain=not outcome.passed)

    outcomes = run_mix(queries, args.runs, args.naive_runs, args.limit, args.naive_limit, report)
    peak, current = rss_mb()
    missed = [o.query.name for o in outcomes if not o.passed]
    print(
        f"Mix done in {time.perf_counter() - started:.0f} s. "
        f"Peak RSS {peak:.0f} MB, now {current:.0f} MB."
    )
    print(
        f"{len(outcomes) - len(missed)} PASS, {len(missed)} MISS"
        + (f": {', '.join(missed)}" if missed else "")
    )


if __name__ == "__main__":
    main()
