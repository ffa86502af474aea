"""The demo archive shows feedback, with figures that match its rows."""

from __future__ import annotations

import pytest

from ficarchive.community.models import Bookmark, Comment, Kudos
from ficarchive.works.demo import build_demo
from ficarchive.works.models import Work


@pytest.mark.django_db
def test_the_demo_has_kudos_comments_and_bookmarks_with_true_counts():
    build_demo(works=12, seed=7)
    assert Kudos.objects.exists() and Comment.objects.exists() and Bookmark.objects.exists()
    for work in Work.objects.all():
        assert work.kudos_count == Kudos.objects.filter(work=work).count()
        assert work.comments_count == Comment.objects.filter(work=work).count()
        assert work.bookmarks_count == Bookmark.objects.filter(work=work, private=False).count()
        if work.restricted:
            assert not Kudos.objects.filter(work=work, user__isnull=True).exists()
        if not work.posted:
            assert work.kudos_count == work.hits == 0
