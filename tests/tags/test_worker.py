"""With FICARCHIVE_TASKS=database, wrangling queues its work and `ficarchive worker` runs it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag, TagType
from ficarchive.tags.services import tags_for
from ficarchive.works.models import Work
from tests.conftest import make_work


@pytest.fixture
def queued_tasks(settings):
    """The database queue, as FICARCHIVE_TASKS=database configures it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def in_filter(name: str) -> set[str]:
    return set(Work.objects.filter(filters__name=name).values_list("title", flat=True))


# The worker closes its database connections when it stops, as a long-running process
# should; that needs a test whose data is committed rather than held in one transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_queued_rewrangle_waits_for_the_worker_and_then_applies(alice, queued_tasks):
    canonical = tags_for(["Alternate Universe"], TagType.ADDITIONAL)[0]
    wrangling.set_canonical(canonical, True)
    make_work(alice, "Posted with AU", additional=("AU",))

    wrangling.set_synonym(Tag.objects.get(name="AU"), canonical)
    assert in_filter("Alternate Universe") == set()
    assert DBTaskResult.objects.filter(status="READY").exists()

    call_command("worker", batch=True)

    assert in_filter("Alternate Universe") == {"Posted with AU"}
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_the_worker_explains_itself_when_tasks_run_immediately(db):
    with pytest.raises(CommandError, match="FICARCHIVE_TASKS=database"):
        call_command("worker", batch=True)
