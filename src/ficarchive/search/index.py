"""Keeping the text index in step with works, and rebuilding it (`ficarchive reindex`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

from ficarchive.search.backends import backend
from ficarchive.search.documents import documents_for
from ficarchive.works.models import Work

BATCH = 200


def index_works(work_ids: Iterable[int]) -> None:
    """(Re)index these works; ids of works that no longer exist are removed."""
    ids = sorted(set(work_ids))
    engine = backend()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        documents = documents_for(batch)
        engine.upsert(documents)
        engine.delete(sorted(set(batch) - {d.work_id for d in documents}))


def remove_works(work_ids: Iterable[int]) -> None:
    backend().delete(sorted(set(work_ids)))


def rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Index every work from scratch, in batches each in its own transaction."""
    ids = list(Work.objects.order_by("pk").values_list("pk", flat=True))
    engine = backend()
    with transaction.atomic():
        engine.clear()
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            engine.upsert(documents_for(ids[start : start + BATCH]))
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return len(ids)


def prune_orphans(using: str = "default") -> None:
    """Drop index rows whose work is gone (after a flush, or deletes that skipped signals)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        table, key = "search_workfts", "rowid"
    else:
        table, key = "search_workdocument", "work_id"
    if table not in connection.introspection.table_names(include_views=True):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE NOT EXISTS "
            f"(SELECT 1 FROM works_work w WHERE w.id = {table}.{key})"
        )
