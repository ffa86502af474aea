"""Reading history: last read, chapter and times; mark for later; clear; turn off."""

from __future__ import annotations

from ficarchive.community.models import Preferences, Reading
from ficarchive.community.services import hits
from ficarchive.works.models import Work
from tests.community.conftest import page_text
from tests.conftest import client_for, make_work

TWO_CHAPTERS = ("The first evening on the quay.", "The second evening on the quay.")


def test_history_remembers_the_last_chapter_and_how_often(alice, bob):
    work = make_work(alice, chapters=TWO_CHAPTERS)
    first, second = work.chapters.all()
    client = client_for(bob)
    client.get(first.get_absolute_url())
    client.get(second.get_absolute_url())
    assert not Reading.objects.exists()  # reading a page writes nothing…
    hits.flush()  # …until the buffer is flushed
    reading = Reading.objects.get(user=bob, work=work)
    assert reading.chapter == second and reading.times == 2
    text = page_text(client.get("/account/history/"))
    assert "A Quiet Harbour" in text and "Chapter 2" in text and "Visited 2 times." in text


def test_no_history_when_the_reader_turns_it_off(alice, bob):
    work = make_work(alice)
    client_for(bob).post("/account/community/", {"comment_emails": "on", "keep_history": ""})
    assert not Preferences.of(bob).keep_history
    client_for(bob).get(f"/works/{work.pk}/")
    hits.flush()
    assert not Reading.objects.exists()


def test_mark_for_later_and_clear_history(alice, bob):
    work = make_work(alice)
    other = make_work(alice, "Another Evening")
    client = client_for(bob)
    client.post(f"/works/{work.pk}/later/", {"later": "on"})
    client.get(f"/works/{other.pk}/")
    hits.flush()
    later = page_text(client.get("/account/history/?show=later"))
    assert "A Quiet Harbour" in later and "Another Evening" not in later
    client.post("/account/history/clear/")
    assert not Reading.objects.filter(user=bob).exists()


def test_history_leaves_out_works_the_reader_can_no_longer_see(alice, bob):
    work = make_work(alice)
    client_for(bob).get(f"/works/{work.pk}/")
    hits.flush()
    assert "A Quiet Harbour" in page_text(client_for(bob).get("/account/history/"))
    Work.objects.filter(pk=work.pk).update(hidden_by_admin=True)
    assert "A Quiet Harbour" not in page_text(client_for(bob).get("/account/history/"))


def test_creators_reading_their_own_work_leave_no_history(alice):
    work = make_work(alice)
    client_for(alice).get(f"/works/{work.pk}/")
    hits.flush()
    assert not Reading.objects.exists()


def test_reading_the_entire_work_keeps_the_chapter_last_read(alice, bob):
    work = make_work(alice, chapters=TWO_CHAPTERS)
    second = work.chapters.get(position=2)
    client = client_for(bob)
    client.get(second.get_absolute_url())
    hits.flush()
    client.get(f"/works/{work.pk}/?view_full_work=true")
    hits.flush()
    reading = Reading.objects.get(user=bob, work=work)
    assert reading.chapter == second and reading.times == 2


def test_readings_go_through_redis_when_configured(alice, bob, redis_url):
    work = make_work(alice, chapters=TWO_CHAPTERS)
    first, second = work.chapters.all()
    client = client_for(bob)
    client.get(first.get_absolute_url())  # the first view of the minute flushes at once
    client.get(second.get_absolute_url())
    assert Reading.objects.get(user=bob).times == 1
    hits.flush()
    reading = Reading.objects.get(user=bob)
    assert reading.chapter == second and reading.times == 2
