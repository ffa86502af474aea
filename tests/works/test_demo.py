"""The demo corpus: varied, deterministic, valid, and built only once."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from ficarchive.accounts.models import User
from ficarchive.tags.models import RATINGS, TagType
from ficarchive.works.demo import (
    ANCHOR,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    build_demo,
    plan_works,
)
from ficarchive.works.models import Chapter, Series, Work


def test_plan_is_deterministic_and_varied():
    plan = plan_works(300, 2026)
    assert plan == plan_works(300, 2026)
    assert plan != plan_works(300, 2027)
    works = plan.works
    assert len(works) == 300
    assert {work.rating for work in works} == set(RATINGS)
    assert all(work.warnings and work.fandoms and work.characters for work in works)
    assert 60 <= sum(len(work.chapter_words) > 1 for work in works) <= 120
    assert 10 <= len(plan.series) <= 20
    sizes = Counter(work.series for work in works if work.series is not None)
    assert all(2 <= size <= 5 for size in sizes.values())
    assert sum(work.language == "en" for work in works) > 250
    assert any(work.expected_chapters is None for work in works)
    assert any(not work.posted for work in works) and any(work.restricted for work in works)
    assert all(day < ANCHOR for work in works for day in work.chapter_dates)
    words = [w for work in works for w in work.chapter_words]
    assert sum(500 <= w <= 8000 for w in words) > 0.85 * len(words)


def test_small_plan_still_shows_every_rating():
    assert {work.rating for work in plan_works(12, 5).works} == set(RATINGS)


def test_demo_password_passes_the_archive_password_rules():
    validate_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_build_demo_creates_a_valid_varied_archive():
    counts = build_demo(works=30, seed=2026)
    works = list(Work.objects.for_listing())
    assert counts["works"] == len(works) == 30
    assert counts["posted"] >= 25 and counts["drafts"] >= 1
    assert User.objects.filter(username__in=DEMO_LOGINS).count() == len(DEMO_LOGINS)
    assert User.objects.get(username="admin").is_superuser
    assert any(work.chapter_count > 1 for work in works)
    assert any(not work.complete for work in works)
    assert {work.rating.name for work in works} == set(RATINGS)
    for work in works:
        assert len(work.tags_of(TagType.RATING)) == 1
        assert work.fandoms and work.warnings and work.creator_pseuds
        chapters = list(work.chapters.all())
        assert [c.position for c in chapters] == list(range(1, len(chapters) + 1))
        assert work.chapter_count == len(chapters)
        assert work.word_count == sum(c.word_count for c in chapters) > 0
        assert work.published_on == chapters[0].published_on < ANCHOR
        assert work.revised_on == chapters[-1].published_on
        assert chapters[0].text.startswith("<p>")
    series = Series.objects.filter(memberships__isnull=False).distinct()
    assert any(s.memberships.count() >= 2 for s in series)
    assert Chapter.objects.count() == counts["chapters"]


@pytest.mark.django_db
def test_demo_users_can_log_in():
    build_demo(works=3, seed=1)
    assert authenticate(username="quietmoth", password=DEMO_PASSWORD) is not None
    assert authenticate(username="admin", password=DEMO_PASSWORD).is_staff


@pytest.mark.django_db
def test_command_builds_once_and_resets_on_request():
    out = StringIO()
    call_command("demo", works=6, stdout=out)
    assert Work.objects.count() == 6
    assert DEMO_PASSWORD in out.getvalue()
    users = User.objects.count()

    out = StringIO()
    call_command("demo", works=6, stdout=out)
    assert Work.objects.count() == 6 and User.objects.count() == users
    assert "already has 6 works" in out.getvalue()

    call_command("demo", works=8, seed=9, reset=True, interactive=False, stdout=StringIO())
    assert Work.objects.count() == 8 and User.objects.count() == users


@pytest.mark.django_db
def test_the_demo_is_wrangled_with_work_left_for_a_new_wrangler():
    from ficarchive.tags.models import Tag, TagType

    build_demo(works=120, seed=7)
    assert not Tag.objects.of_type(TagType.FANDOM).filter(canonical=False).exists()
    au = Tag.objects.filter(name="AU").first()
    if au is not None:
        assert au.merger.name == "Alternate Universe"
    leftover = Tag.objects.filter(name__in=["Coffee Shop AU", "Fluff and Angst"])
    assert leftover.exists()
    assert not leftover.filter(canonical=True).exists()
    character = Tag.objects.of_type(TagType.CHARACTER).first()
    assert character.parents.filter(type=TagType.FANDOM).exists()
