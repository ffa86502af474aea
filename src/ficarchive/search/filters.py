"""Sort and Filter: what a works listing can be narrowed and ordered by.

Every filter is a GET parameter, so a result page can be bookmarked and shared. The form
reads them, `apply` narrows a queryset that is already limited to what the reader may
see (Work.objects.visible_to), and `facets` counts the commonest tags among the results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL

from ficarchive.search.backends import backend
from ficarchive.search.query import ParsedQuery, Range, parse_query
from ficarchive.tags.forms import find_tags
from ficarchive.tags.models import FIXED_TAGS, Tag, TagType
from ficarchive.works.languages import LANGUAGES
from ficarchive.works.models import FilterTagging, Work

SORTS = {
    # key: (label, field, descending by default)
    "best": ("Best Match", None, False),
    "creator": ("Creator", "creator_sort", False),
    "title": ("Title", "title", False),
    "posted": ("Date Posted", "published_on", True),
    "updated": ("Date Updated", "revised_at", True),
    "words": ("Word Count", "word_count", True),
    "hits": ("Hits", "hits", True),
    "kudos": ("Kudos", "kudos_count", True),
    "comments": ("Comments", "comments_count", True),
    "bookmarks": ("Bookmarks", "bookmarks_count", True),
    "position": ("Series Order", "series_position", False),  # only on a series' page
}
RANGE_FIELDS = {
    "words": "word_count",
    "hits": "hits",
    "kudos": "kudos_count",
    "comments": "comments_count",
    "bookmarks": "bookmarks_count",
    "chapters": "chapter_count",
}
LOOKUPS = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "=": "exact"}
FACET_TYPES = [
    TagType.RATING,
    TagType.WARNING,
    TagType.CATEGORY,
    TagType.FANDOM,
    TagType.RELATIONSHIP,
    TagType.CHARACTER,
    TagType.ADDITIONAL,
]
FACETS_PER_TYPE = 10
# A filter set this small is read whole and its works sorted; a larger one is probed work by
# work along the sort's index (see apply). None: worked out from the archive's size.
DRIVE_LIMIT: int | None = None
# The sidebar counts tags among this many results at most (the first ones, in the listing's
# order), so its cost does not grow with the archive.
FACET_SAMPLE = 1000


@dataclass
class Filters:
    """A listing's filters, parsed from the query string."""

    text: ParsedQuery = field(default_factory=lambda: parse_query(""))
    include: list[Tag] = field(default_factory=list)
    exclude: list[Tag] = field(default_factory=list)
    any_of: dict[str, list[Tag]] = field(default_factory=dict)  # ratings, warnings, categories
    complete: bool | None = None
    single_chapter: bool | None = None
    crossover: str = ""  # "", "exclude" or "only"
    language: str | None = None
    ranges: list[Range] = field(default_factory=list)
    updated_from: object = None
    updated_to: object = None
    sort: str = "updated"
    descending: bool = True
    # Set when too many works match to rank them all: the results are by date updated.
    ranking_skipped: bool = False

    @property
    def active(self) -> bool:
        return bool(
            self.text.has_text
            or self.text.excluded_words
            or self.text.excluded_phrases
            or self.include
            or self.exclude
            or any(self.any_of.values())
            or self.complete is not None
            or self.single_chapter
            or self.language
            or self.ranges
            or self.updated_from
            or self.updated_to
        )


class TagListField(forms.CharField):
    def clean(self, value):
        return find_tags(super().clean(value) or "")


class FixedTagsField(forms.ModelMultipleChoiceField):
    """Ratings, warnings or categories by id; an id no database could hold (SQLite overflows
    on 2**63) is an unknown choice, not a server error."""

    def _check_values(self, value):
        for item in value or []:
            if not str(item).isdigit() or int(item) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice",
                    params={"value": item},
                )  # fmt: skip
        return super()._check_values(value)


def _fixed(tag_type: str):
    return Tag.objects.filter(type=tag_type).order_by("pk")


class FilterForm(forms.Form):
    """The Sort and Filter sidebar; every field is optional and lives in the URL."""

    q = forms.CharField(required=False, max_length=1000, label="Search within results")
    sort = forms.ChoiceField(
        required=False, choices=[(k, v[0]) for k, v in SORTS.items()], label="Sort by"
    )
    include = TagListField(required=False, label="Include tags", help_text="Each must match.")
    exclude = TagListField(required=False, label="Exclude tags", help_text="Any one removes.")
    ratings = FixedTagsField(
        Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    warnings = FixedTagsField(
        Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    categories = FixedTagsField(
        Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    complete = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All works"),
            ("true", "Complete works only"),
            ("false", "Works in progress only"),
        ],
        widget=forms.RadioSelect,
        label="Completion status",
    )
    single_chapter = forms.BooleanField(required=False, label="Only one-chapter works")
    crossover = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Include crossovers"),
            ("exclude", "Exclude crossovers"),
            ("only", "Only crossovers"),
        ],
        widget=forms.RadioSelect,
        label="Crossovers",
    )
    language = forms.ChoiceField(required=False, choices=[("", "Any"), *LANGUAGES])
    words_from = forms.IntegerField(required=False, min_value=0, label="Words from")
    words_to = forms.IntegerField(required=False, min_value=0, label="Words to")
    kudos_from = forms.IntegerField(required=False, min_value=0, label="Kudos at least")
    hits_from = forms.IntegerField(required=False, min_value=0, label="Hits at least")
    comments_from = forms.IntegerField(required=False, min_value=0, label="Comments at least")
    bookmarks_from = forms.IntegerField(required=False, min_value=0, label="Bookmarks at least")
    updated_from = forms.DateField(
        required=False, label="Updated from", widget=forms.DateInput(attrs={"type": "date"})
    )
    updated_to = forms.DateField(
        required=False, label="Updated to", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, tag_type in [
            ("ratings", TagType.RATING),
            ("warnings", TagType.WARNING),
            ("categories", TagType.CATEGORY),
        ]:
            self.fields[name].queryset = _fixed(tag_type)
            self.fields[name].label_from_instance = lambda tag: tag.label
        self.fields["include"].widget.attrs["data-tag-type"] = ""
        self.fields["exclude"].widget.attrs["data-tag-type"] = ""

    def filters(self, default_sort: str = "updated") -> Filters:
        """The parsed filters (call after is_valid(); invalid fields are simply left out)."""
        data = getattr(self, "cleaned_data", {})  # an empty query string leaves the form unbound
        text = parse_query(data.get("q") or "")
        ranges = list(text.ranges)
        for name, column in [
            ("words", "words"),
            ("kudos", "kudos"),
            ("hits", "hits"),
            ("comments", "comments"),
            ("bookmarks", "bookmarks"),
        ]:
            if data.get(f"{name}_from") is not None:
                ranges.append(Range(column, ">=", data[f"{name}_from"]))
        if data.get("words_to") is not None:
            ranges.append(Range("words", "<=", data["words_to"]))
        complete = {"true": True, "false": False}.get(data.get("complete") or "")
        sort = data.get("sort") or text.sort or ("best" if text.has_text else default_sort)
        descending = SORTS[sort][2] if text.sort_desc is None else text.sort_desc
        return Filters(
            text=text,
            include=data.get("include") or [],
            exclude=data.get("exclude") or [],
            any_of={
                "ratings": list(data.get("ratings") or []),
                "warnings": list(data.get("warnings") or []),
                "categories": list(data.get("categories") or []),
            },
            complete=complete if complete is not None else text.complete,
            single_chapter=data.get("single_chapter") or text.single_chapter,
            crossover=data.get("crossover") or "",
            language=data.get("language") or text.language,
            ranges=ranges,
            updated_from=data.get("updated_from"),
            updated_to=data.get("updated_to"),
            sort=sort,
            descending=descending,
        )


def works_with(tag: Tag) -> QuerySet:
    """Ids of works filed under a tag: a canonical tag's filter set, a synonym's canonical's,
    or, for a tag nobody has wrangled, the works carrying it as typed."""
    if tag.merger_id:
        tag = tag.merger
    if tag.canonical:
        return FilterTagging.objects.filter(tag=tag).values("work_id")
    return Work.tags.through.objects.filter(tag=tag).values("work_id")


def _carries(tag: Tag) -> Exists:
    """True for a work filed under `tag`: one index probe per work the query looks at."""
    return Exists(works_with(tag).filter(work_id=OuterRef("pk")))


def _size(tag: Tag) -> int:
    """How many works a tag holds, from the counts wrangling stores (logged-in count, so an
    upper bound for guests)."""
    return (tag.merger if tag.merger_id else tag).works_count


def drive_limit() -> int:
    """The filter-set size below which reading the set beats walking the sort's index.

    Walking finds a page of P works from a set of n among N after about P * N / n works;
    reading costs about n. They cross at n = sqrt(P * N); probing a work costs more than
    reading one, hence twice that (about 9,000 at a million works).
    """
    if DRIVE_LIMIT is not None:
        return DRIVE_LIMIT
    newest = Work.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return max(1000, int(2 * math.sqrt(settings.WORKS_PER_PAGE * newest)))


def read_first(works: QuerySet, tag: Tag) -> QuerySet:
    """Limit `works` to a small filter set by reading that set first, then only its works.

    Both databases otherwise tend to walk every work in the sort's order hoping to meet the
    tag soon, which for a tag on 300 of a million works reads most of the table. PostgreSQL
    needs the set as an array to be sure of it; SQLite reads an IN list first by itself.
    """
    ids = works_with(tag)
    if connection.vendor != "postgresql":
        return works.filter(pk__in=ids)
    return works.filter(AnyOfArray(F("pk"), Subquery(ids)))


class AnyOfArray(Func):
    """`column = ANY(ARRAY(subquery))`: PostgreSQL runs the subquery once, first."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, subquery = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        subquery_sql, subquery_params = compiler.compile(subquery)
        return f"{column_sql} = ANY(ARRAY{subquery_sql})", (*column_params, *subquery_params)


def apply(works: QuerySet, filters: Filters) -> QuerySet:
    """Narrow and order `works` (already limited to what the reader may see): the page.

    Tag filters are written so that the first page costs little whatever the tags: the
    smallest included filter set is read first when it is small (drive_limit); otherwise
    each tag is an index probe per work while the database walks the sort's own index, and
    20 matches turn up long before the end. Exclusions are always probes (NOT EXISTS).
    """
    include = sorted(filters.include, key=_size)
    if include and _size(include[0]) <= drive_limit():
        works = read_first(works, include.pop(0))
    works = _narrow(works, filters, include)
    engine = backend()
    matches = engine.matches(filters.text)
    if matches is not None and filters.sort == "best":
        limit = engine.rank_limit
        filters.ranking_skipped = limit is not None and engine.count(filters.text, limit) > limit
        if not filters.ranking_skipped:
            return engine.ranked(works, filters.text).order_by("rank", "-id")
    if matches is not None:
        works = works.filter(pk__in=RawSQL(*matches))
    return order(works, filters)


def matching_ids(works: QuerySet, filters: Filters) -> QuerySet:
    """The ids of the works `apply` lists, unordered, in the form cheapest to count and to
    sample for the sidebar: read along the smallest included filter set (stopping as soon
    as enough are found), or along the works' own ids when nothing is included."""
    include = sorted(filters.include, key=_size)
    matches = backend().matches(filters.text)
    if not include:
        works = _narrow(works, filters, [])
        if matches is not None:  # the text index finds them: no order, or PostgreSQL walks
            return works.filter(pk__in=RawSQL(*matches)).order_by().values_list("pk", flat=True)
        # In id order SQLite reads the table straight through rather than an index at random.
        return works.order_by("pk").values_list("pk", flat=True)
    works = _narrow(works, filters, include[1:])
    if matches is not None:
        works = works.filter(pk__in=RawSQL(*matches))
    return (
        works_with(include[0])
        .filter(Exists(works.order_by().filter(pk=OuterRef("work_id"))))
        .values_list("work_id", flat=True)
    )


def _narrow(works: QuerySet, filters: Filters, include: list[Tag]) -> QuerySet:
    """Every filter but the text's positive terms, with `include` as per-work probes."""
    for tag in include:
        works = works.filter(_carries(tag))
    for tag in filters.exclude:
        works = works.filter(~_carries(tag))
    for tags in filters.any_of.values():
        if tags:
            works = works.filter(
                Exists(FilterTagging.objects.filter(work_id=OuterRef("pk"), tag__in=tags))
            )
    if filters.complete is not None:
        complete = Q(expected_chapters__isnull=False, chapter_count__gte=F("expected_chapters"))
        works = works.filter(complete) if filters.complete else works.exclude(complete)
    if filters.single_chapter:
        works = works.filter(chapter_count=1)
    if filters.crossover:
        works = works.filter(crossover=filters.crossover == "only")
    if filters.language:
        works = works.filter(language=filters.language)
    for item in filters.ranges:
        works = works.filter(**{f"{RANGE_FIELDS[item.field]}__{LOOKUPS[item.op]}": item.value})
    if filters.updated_from:
        works = works.filter(revised_at__date__gte=filters.updated_from)
    if filters.updated_to:
        works = works.filter(revised_at__date__lte=filters.updated_to)
    excluded = backend().excluded(filters.text)
    if excluded is not None:
        works = works.exclude(pk__in=RawSQL(*excluded))
    return works


def order(works: QuerySet, filters: Filters) -> QuerySet:
    sort = "updated" if filters.sort == "best" else filters.sort
    column = SORTS[sort][1]
    if column == "series_position" and "series_position" not in works.query.annotations:
        column = SORTS["updated"][1]
    prefix = "-" if filters.descending else ""
    return works.order_by(f"{prefix}{column}", f"{prefix}id")


def facets(ids: QuerySet, sample: int | None = None) -> dict[str, list[dict]]:
    """The commonest tags of each type among the works `ids` (from matching_ids), with
    counts, for the sidebar.

    Only `sample` of the works are counted: the sidebar of a tag on 200,000 works would
    otherwise group three million filter rows for every page view.
    """
    some = list(ids[: sample or FACET_SAMPLE])
    counts = (
        FilterTagging.objects.filter(work_id__in=some)
        .values("tag_id")
        .annotate(n=Count("work_id"))
        .order_by("-n")
    )
    by_id = {row["tag_id"]: row["n"] for row in counts[:400]}
    tags = Tag.objects.filter(pk__in=by_id)
    grouped: dict[str, list[dict]] = {t: [] for t in FACET_TYPES}
    for tag in tags:
        grouped[tag.type].append({"tag": tag, "count": by_id[tag.pk]})
    for tag_type, items in grouped.items():
        fixed = FIXED_TAGS.get(tag_type)
        if fixed:
            items.sort(key=lambda item: item["tag"].sort_index)
        else:
            items.sort(key=lambda item: (-item["count"], item["tag"].name.casefold()))
            del items[FACETS_PER_TYPE:]
    return {TagType(t).label: items for t, items in grouped.items() if items}
