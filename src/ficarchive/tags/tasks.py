"""Background work for tags: recomputing filter sets after wrangling."""

from __future__ import annotations

from ficarchive.tags import wrangling
from ficarchive.tasks import task


@task()
def refresh_filter_sets(tag_ids: list[int], filter_ids: list[int]) -> int:
    """Bring the filter sets of works carrying `tag_ids` up to date for `filter_ids`.
    Retry-safe: it recomputes from the current tags in one transaction."""
    return wrangling.refresh_works_for(tag_ids, filter_ids)
