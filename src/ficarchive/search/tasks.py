"""Background work for search: reindexing works whose text or tags changed."""

from __future__ import annotations

from ficarchive.search.index import index_works
from ficarchive.tasks import task


@task()
def reindex_works(work_ids: list[int]) -> None:
    """Retry-safe: indexing writes each work's current text over whatever was there."""
    index_works(work_ids)
