"""Background work for search: reindexing works whose text or tags changed."""

from __future__ import annotations

from django_tasks import task

from ficarchive.search.index import index_works


@task()
def reindex_works(work_ids: list[int]) -> None:
    index_works(work_ids)
