"""Hits: once per visitor per work per day, buffered, then flushed into Work.hits."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ficarchive.community.services import hits
from ficarchive.works.models import Work
from tests.conftest import client_for, make_work


def view(client, work, address="203.0.113.9"):
    return client.get(f"/works/{work.pk}/", REMOTE_ADDR=address)


def stored(work) -> int:
    return Work.objects.get(pk=work.pk).hits


def test_a_page_view_is_buffered_not_written(alice, bob):
    work = make_work(alice)
    view(client_for(bob), work)
    assert stored(work) == 0
    assert hits.flush() == 1
    assert stored(work) == 1


def test_each_visitor_counts_once_a_day(alice, bob, carol):
    work = make_work(alice)
    for _ in range(3):
        view(client_for(bob), work)
    view(client_for(carol), work)
    view(client_for(None), work, "198.51.100.1")
    view(client_for(None), work, "198.51.100.1")
    view(client_for(None), work, "198.51.100.2")
    hits.flush()
    assert stored(work) == 4


def test_creators_own_visits_do_not_count(alice):
    work = make_work(alice)
    view(client_for(alice), work)
    assert hits.flush() == 0


def test_the_same_visitor_counts_again_the_next_day():
    buffer = hits.LocalBuffer()
    buffer.add(7, "u1", "2026-01-01")
    buffer.add(7, "u1", "2026-01-01")
    buffer.add(7, "u1", "2026-01-02")
    assert buffer.take() == {(7, "2026-01-01"): 1, (7, "2026-01-02"): 1}


def test_the_local_buffer_flushes_itself_once_enough_hits_wait(alice, settings):
    work = make_work(alice)
    for number in range(hits.LOCAL_FLUSH_AFTER):
        view(client_for(None), work, f"10.0.{number // 250}.{number % 250}")
    assert stored(work) == hits.LOCAL_FLUSH_AFTER


def test_hits_show_on_the_work_page(alice, bob):
    work = make_work(alice)
    view(client_for(bob), work)
    hits.flush()
    assert '<dd class="hits">1</dd>' in view(client_for(None), work).content.decode()


def test_redis_buffer_counts_each_visitor_once_across_processes(alice, bob, carol, redis_url):
    work = make_work(alice)
    view(client_for(bob), work)  # the first hit of the minute schedules a flush (run at once here)
    assert stored(work) == 1
    view(client_for(bob), work)
    view(client_for(carol), work)
    assert stored(work) == 1  # buffered in Redis
    other_process = hits.RedisBuffer(redis_url)
    other_process.add(work.pk, "u" + str(carol.pk), hits.timezone.localdate().isoformat())
    out = StringIO()
    call_command("flush_hits", stdout=out)
    assert "1 hits written." in out.getvalue()
    assert stored(work) == 2
    assert hits.flush() == 0


def test_pages_still_open_when_redis_is_down(alice, bob, settings, caplog):
    from tests.community.conftest import _free_port

    settings.REDIS_URL = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
    work = make_work(alice)
    assert view(client_for(bob), work).status_code == 200
    assert "Hit not counted" in caplog.text


# The worker closes its database connections when it stops: the test's data must be committed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_a_worker_the_redis_flush_is_queued_for_a_minute_later(
    alice, bob, settings, redis_url
):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    work = make_work(alice)
    view(client_for(bob), work)
    [queued] = DBTaskResult.objects.filter(status="READY", task_path__endswith="flush_hits")
    assert queued.run_after > timezone.now() + hits.timedelta(seconds=hits.FLUSH_SECONDS - 10)
    assert stored(work) == 0
    queued.run_after = timezone.now()
    queued.save()
    call_command("worker", batch=True)
    assert stored(work) == 1
