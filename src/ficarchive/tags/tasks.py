"""Background work for tags: recomputing filter sets after wrangling."""

from __future__ import annotations

from django_tasks import task

from ficarchive.tags import wrangling


@task()
def refresh_filter_sets(tag_ids: list[int], filter_ids: list[int]) -> int:
    """Bring the filter sets of works carrying `tag_ids` up to date for `filter_ids`."""
    return wrangling.refresh_works_for(tag_ids, filter_ids)
