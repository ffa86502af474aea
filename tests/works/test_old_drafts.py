from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from ficarchive.works.models import Work
from tests.conftest import make_work


def test_drafts_older_than_thirty_days_are_deleted_and_posted_works_kept(alice, capsys):
    old_draft = make_work(alice, "Old draft", posted=False)
    new_draft = make_work(alice, "New draft", posted=False)
    old_posted = make_work(alice, "Old posted work")
    long_ago = timezone.now() - timedelta(days=31)
    Work.objects.filter(pk__in=[old_draft.pk, old_posted.pk]).update(created_at=long_ago)

    call_command("delete_old_drafts")

    remaining = set(Work.objects.values_list("title", flat=True))
    assert remaining == {"New draft", "Old posted work"}
    assert "Deleted 1 draft older than 30 days." in capsys.readouterr().out
    assert new_draft.pk
