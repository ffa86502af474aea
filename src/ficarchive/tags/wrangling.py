"""Wrangling: filing tags, and keeping every work's filter set in step with it.

A change touches a small tag graph and, through it, possibly many works. The graph and the
closures (which canonical tags each raw tag stands for) are updated at once, inside the
change's transaction. The works' filter sets are then recomputed by a background task, and
only for the works carrying an affected tag, and only for the filters that could have
changed, in two set-based statements: the cost grows with the affected works, never with
their square, and never with the size of the archive.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count

from ficarchive.tags.models import FIXED_TYPES, Tag, TagFilter, TagType, WranglingLog, tag_key
from ficarchive.tags.models import validate_tag_name as _validate_name

# Which tag types may be the parent of which (fandom -> character etc.).
PARENT_TYPES = {
    TagType.CHARACTER: {TagType.FANDOM},
    TagType.RELATIONSHIP: {TagType.FANDOM, TagType.CHARACTER},
    TagType.ADDITIONAL: {TagType.FANDOM},
}


# Names PostgreSQL's advisory lock for tagging (any constant no other lock uses).
TAGGING_LOCK = 7_404_101


def lock_tagging() -> None:
    """Let one transaction at a time change works' tags or the wrangling, until it ends.

    Filter sets and tag counts are recomputed from what a transaction can read. Under
    PostgreSQL's READ COMMITTED two such transactions at once each miss the other's
    uncommitted rows, and store a filter set or a count that is wrong for both (found by
    bench/crash.py). Callers take the lock before they change anything, so no row lock is
    held while waiting for it. SQLite already has one writer at a time (IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TAGGING_LOCK])


# -- the graph ------------------------------------------------------------------------------


def _meta_edges() -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """(sub -> metatags, metatag -> subs) for the whole archive: a small table."""
    up: dict[int, set[int]] = {}
    down: dict[int, set[int]] = {}
    for sub, meta in Tag.metatags.through.objects.values_list("from_tag_id", "to_tag_id"):
        up.setdefault(sub, set()).add(meta)
        down.setdefault(meta, set()).add(sub)
    return up, down


def _reach(start: Iterable[int], edges: dict[int, set[int]]) -> set[int]:
    seen = set(start)
    stack = list(seen)
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def affected_tags(tag_ids: Iterable[int]) -> set[int]:
    """Tags whose closure depends on these: themselves, subtags below them, and synonyms."""
    _, down = _meta_edges()
    tags = _reach(tag_ids, down)
    return tags | set(Tag.objects.filter(merger_id__in=tags).values_list("pk", flat=True))


def _rebuild_closures(tag_ids: set[int]) -> set[int]:
    """Recompute TagFilter rows for these tags; returns every filter tag that was or is used."""
    up, _ = _meta_edges()
    old = set(TagFilter.objects.filter(tag_id__in=tag_ids).values_list("filter_id", flat=True))
    rows = []
    for pk, canonical, merger in Tag.objects.filter(pk__in=tag_ids).values_list(
        "pk", "canonical", "merger_id"
    ):
        root = pk if canonical else merger
        if root is not None:
            rows.extend(TagFilter(tag_id=pk, filter_id=f) for f in _reach([root], up))
    TagFilter.objects.filter(tag_id__in=tag_ids).delete()
    TagFilter.objects.bulk_create(rows)
    return old | {row.filter_id for row in rows}


# -- filter sets of works ---------------------------------------------------------------------


def _placeholders(values: Iterable[int]) -> tuple[str, list[int]]:
    values = list(values)
    return ", ".join(["%s"] * len(values)), values


def refresh_works_for(tag_ids: Iterable[int], filter_ids: Iterable[int]) -> int:
    """Recompute the `filter_ids` part of the filter set of every work carrying a tag in
    `tag_ids`. Two statements, whatever the number of works. Returns the works touched."""
    from ficarchive.works.models import FilterTagging, Work

    tag_ids, filter_ids = sorted(set(tag_ids)), sorted(set(filter_ids))
    if not tag_ids:
        return 0
    lock_tagging()
    tagging = Work.tags.through._meta.db_table
    filtering = FilterTagging._meta.db_table
    closure = TagFilter._meta.db_table
    tags_sql, tags_args = _placeholders(tag_ids)
    works = f"SELECT work_id FROM {tagging} WHERE tag_id IN ({tags_sql})"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(DISTINCT work_id) FROM ({works}) w", tags_args)
        count = cursor.fetchone()[0]
        if filter_ids:
            filters_sql, filters_args = _placeholders(filter_ids)
            cursor.execute(
                f"DELETE FROM {filtering} WHERE tag_id IN ({filters_sql}) AND work_id IN ({works})",
                filters_args + tags_args,
            )
            cursor.execute(
                f"INSERT INTO {filtering} (work_id, tag_id) "
                f"SELECT DISTINCT t.work_id, c.filter_id FROM {tagging} t "
                f"JOIN {closure} c ON c.tag_id = t.tag_id "
                f"WHERE c.filter_id IN ({filters_sql}) AND t.work_id IN ({works})",
                filters_args + tags_args,
            )
        if Tag.objects.filter(pk__in=filter_ids, type=TagType.FANDOM).exists():
            refresh_crossovers(works, tags_args)
    refresh_counts(set(tag_ids) | set(filter_ids))
    return count


def refresh_work(work, removed: Iterable[int] = ()) -> None:
    """Recompute one work's whole filter set (after it is posted or its tags are edited).
    `removed` are tags just taken off the work: their stored counts change too."""
    from ficarchive.works.models import FilterTagging

    lock_tagging()
    before = set(FilterTagging.objects.filter(work=work).values_list("tag_id", flat=True))
    raw = set(work.tags.values_list("pk", flat=True))
    after = set(TagFilter.objects.filter(tag_id__in=raw).values_list("filter_id", flat=True))
    FilterTagging.objects.filter(work=work).exclude(tag_id__in=after).delete()
    FilterTagging.objects.bulk_create(
        [FilterTagging(work=work, tag_id=pk) for pk in after - before], ignore_conflicts=True
    )
    refresh_crossovers("%s", [work.pk])
    refresh_counts(before | after | raw | set(removed))


def refresh_crossovers(work_ids_sql: str, params: list) -> None:
    """Mark works whose canonical fandoms don't all sit under one another as crossovers:
    at least two of its fandom filters have no metatag among the work's own filters."""
    from ficarchive.works.models import FilterTagging, Work

    works, filtering = Work._meta.db_table, FilterTagging._meta.db_table
    tags, metas = Tag._meta.db_table, Tag.metatags.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {works} SET crossover = (
                SELECT COUNT(*) >= 2 FROM {filtering} ft JOIN {tags} t ON t.id = ft.tag_id
                WHERE ft.work_id = {works}.id AND t.type = %s AND NOT EXISTS (
                    SELECT 1 FROM {metas} m JOIN {filtering} up
                    ON up.tag_id = m.to_tag_id AND up.work_id = ft.work_id
                    WHERE m.from_tag_id = ft.tag_id))
            WHERE id IN ({work_ids_sql})""",
            [TagType.FANDOM, *params],
        )


def refresh_counts(tag_ids: Iterable[int]) -> None:
    """Store how many works each tag lists: to guests (public) and to logged-in readers.

    Canonical tags count their filter set; other tags count the works tagged with them.
    """
    from ficarchive.works.models import FilterTagging, Work

    lock_tagging()
    tag_ids = set(tag_ids)
    canonical = set(Tag.objects.filter(pk__in=tag_ids, canonical=True).values_list("pk", flat=True))
    through = Work.tags.through
    counts: dict[int, list[int]] = {pk: [0, 0] for pk in tag_ids}
    for index, works in enumerate([Work.objects.public(), Work.objects.for_members()]):
        for model, ids in [(FilterTagging, canonical), (through, tag_ids - canonical)]:
            rows = (
                model.objects.filter(tag_id__in=ids, work_id__in=works.values("pk"))
                .values("tag_id")
                .annotate(n=Count("work_id"))
            )
            for row in rows:
                counts[row["tag_id"]][index] = row["n"]
    for pk, (public, members) in counts.items():
        Tag.objects.filter(pk=pk).update(public_works_count=public, works_count=members)


# -- changes wranglers make -------------------------------------------------------------------


class _Change:
    """Bracket a change: note what it may affect before, apply closures and log after."""

    def __init__(self, user, action: str, tag: Tag, detail: str = "", *also: Tag) -> None:
        self.user, self.action, self.tag, self.detail = user, action, tag, detail
        self.tags = {tag.pk, *(t.pk for t in also)}

    def __enter__(self) -> _Change:
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        lock_tagging()
        self.before = affected_tags(self.tags)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                tags = self.before | affected_tags(self.tags)
                filters = _rebuild_closures(tags)
                _log(self.user, self.tag, self.action, self.detail)
                from ficarchive.tags.tasks import refresh_filter_sets

                refresh_filter_sets.enqueue(sorted(tags), sorted(filters))
        finally:
            self.atomic.__exit__(exc_type, exc, tb)
        return False


def _refuse_fixed(*tags: Tag) -> None:
    for tag in tags:
        if tag.type in FIXED_TYPES:
            raise ValidationError(f"“{tag.label}” is a fixed tag and can't be wrangled.")


def set_canonical(tag: Tag, canonical: bool, user=None) -> None:
    _refuse_fixed(tag)
    if canonical and tag.merger_id:
        raise ValidationError(
            f"“{tag.name}” is a synonym of “{tag.merger.name}”; remove that first."
        )
    if not canonical and (tag.synonyms.exists() or tag.subtags.exists()):
        raise ValidationError(
            f"“{tag.name}” has synonyms or subtags; move them before making it non-canonical."
        )
    with _Change(user, "canonical" if canonical else "not canonical", tag):
        tag.canonical = canonical
        tag.unwrangleable = False if canonical else tag.unwrangleable
        tag.save(update_fields=["canonical", "unwrangleable"])
        if not canonical:
            tag.metatags.clear()


def set_synonym(tag: Tag, canonical: Tag | None, user=None) -> None:
    """Make `tag` a synonym of `canonical`, or (with None) a plain unwrangled tag again."""
    _refuse_fixed(tag)
    if canonical is not None:
        if canonical.pk == tag.pk:
            raise ValidationError("A tag can't be a synonym of itself.")
        if not canonical.canonical:
            raise ValidationError(f"“{canonical.name}” is not canonical; synonyms need one.")
        if canonical.type != tag.type:
            raise ValidationError(
                f"“{tag.name}” is a {tag.get_type_display()} tag and “{canonical.name}” is a "
                f"{canonical.get_type_display()} tag; synonyms must be of the same type."
            )
        if tag.synonyms.exists() or tag.subtags.exists():
            raise ValidationError(
                f"“{tag.name}” has synonyms or subtags of its own; move them first."
            )
    detail = f"synonym of {canonical.name}" if canonical else "no longer a synonym"
    with _Change(user, "synonym", tag, detail, *([canonical] if canonical else [])):
        tag.merger = canonical
        if canonical is not None:
            tag.canonical = False
            tag.unwrangleable = False
            tag.metatags.clear()
        tag.save(update_fields=["merger", "canonical", "unwrangleable"])


def add_metatag(sub: Tag, meta: Tag, user=None) -> None:
    _refuse_fixed(sub, meta)
    if not (sub.canonical and meta.canonical):
        raise ValidationError("Metatags and subtags must both be canonical.")
    if sub.type != meta.type:
        raise ValidationError("A metatag must be of the same type as its subtag.")
    _, down = _meta_edges()
    if meta.pk in _reach([sub.pk], down):
        raise ValidationError(
            f"“{meta.name}” is already below “{sub.name}”; that would make a loop."
        )
    with _Change(user, "metatag", sub, f"metatag {meta.name}"):
        sub.metatags.add(meta)


def remove_metatag(sub: Tag, meta: Tag, user=None) -> None:
    with _Change(user, "metatag removed", sub, f"metatag {meta.name}"):
        sub.metatags.remove(meta)


def add_parent(child: Tag, parent: Tag, user=None) -> None:
    """File a tag under a fandom (or a relationship under a character, and thereby under
    that character's fandoms too). Parents don't change filter sets."""
    allowed = PARENT_TYPES.get(child.type, set())
    if parent.type not in allowed:
        raise ValidationError(
            f"A {parent.get_type_display()} tag can't be the parent of a "
            f"{child.get_type_display()} tag."
        )
    if not parent.canonical:
        raise ValidationError(f"“{parent.name}” is not canonical; only canonical tags are parents.")
    with transaction.atomic():
        child.parents.add(parent)
        if parent.type == TagType.CHARACTER and child.type == TagType.RELATIONSHIP:
            child.parents.add(*parent.parents.filter(type=TagType.FANDOM))
        _log(user, child, "parent", f"parent {parent.name}")


def remove_parent(child: Tag, parent: Tag, user=None) -> None:
    with transaction.atomic():
        child.parents.remove(parent)
        _log(user, child, "parent removed", f"parent {parent.name}")


def set_unwrangleable(tag: Tag, value: bool, user=None) -> None:
    _refuse_fixed(tag)
    if value and (tag.canonical or tag.merger_id):
        raise ValidationError(
            "Only tags that are neither canonical nor synonyms can be unwrangleable."
        )
    with transaction.atomic():
        tag.unwrangleable = value
        tag.save(update_fields=["unwrangleable"])
        _log(user, tag, "unwrangleable" if value else "wrangleable")


def rename(tag: Tag, new_name: str, user=None) -> None:
    """Rename a tag; works keep it, since they point at the record, not the name."""
    _refuse_fixed(tag)
    new_name = " ".join(new_name.split())
    _validate_name(new_name)
    clash = Tag.objects.filter(key=tag_key(new_name)).exclude(pk=tag.pk).first()
    if clash:
        raise ValidationError(f"There is already a tag named “{clash.name}”.")
    with transaction.atomic():
        old = tag.name
        tag.name = new_name
        tag.save(update_fields=["name", "key"])
        _log(user, tag, "renamed", f"from {old}")
        _reindex_text_of(tag)


def merge(source: Tag, target: Tag, user=None) -> int:
    """Move every work from `source` to `target` and delete `source`. Returns works moved."""
    from ficarchive.works.models import Work

    _refuse_fixed(source, target)
    if source.pk == target.pk or source.type != target.type:
        raise ValidationError("Merge into a different tag of the same type.")
    with transaction.atomic():
        lock_tagging()
        through = Work.tags.through
        work_ids = list(through.objects.filter(tag=source).values_list("work_id", flat=True))
        have = set(
            through.objects.filter(tag=target, work_id__in=work_ids).values_list(
                "work_id", flat=True
            )
        )
        through.objects.bulk_create(
            [through(work_id=w, tag_id=target.pk) for w in work_ids if w not in have]
        )
        # Works of source now carry target: recompute their whole filter sets.
        filters = set(
            TagFilter.objects.filter(tag_id__in=[source.pk, target.pk]).values_list(
                "filter_id", flat=True
            )
        )
        through.objects.filter(tag=source).delete()
        _log(user, target, "merged", f"merged {source.name} into it")
        source.delete()
        from ficarchive.tags.tasks import refresh_filter_sets

        refresh_filter_sets.enqueue([target.pk], sorted(filters))
        _reindex_text_of(target)
    return len(work_ids)


def _reindex_text_of(tag: Tag) -> None:
    """The works carrying a renamed or merged tag have new words in the text index."""
    from ficarchive.search.tasks import reindex_works
    from ficarchive.works.models import Work

    ids = list(Work.tags.through.objects.filter(tag=tag).values_list("work_id", flat=True))
    if ids:
        reindex_works.enqueue(ids)


def _log(user, tag: Tag, action: str, detail: str = "") -> None:
    WranglingLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        tag=tag,
        tag_name=tag.name,
        action=action,
        detail=detail[:400],
    )
