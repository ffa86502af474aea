"""Creators' pages: statistics with a chart, and orphaning a work."""

from __future__ import annotations

from django.core import mail

from ficarchive.community.services import hits, orphaning
from ficarchive.works.models import Work
from tests.community.conftest import page_text
from tests.conftest import client_for, make_work


def test_stats_list_each_work_with_totals_and_a_chart(alice, bob, carol):
    quiet = make_work(alice, "Quiet Harbour")
    make_work(alice, "Loud Harbour")
    make_work(alice, "Unposted", posted=False)
    for reader in (bob, carol):
        client_for(reader).get(f"/works/{quiet.pk}/")
        client_for(reader).post(f"/works/{quiet.pk}/kudos/")
    chapter = quiet.chapters.first()
    client_for(bob).post(
        f"/works/{quiet.pk}/chapters/{chapter.pk}/comments/", {"body": "Lovely harbour."}
    )
    client_for(bob).post(f"/works/{quiet.pk}/subscribe/")
    client_for(carol).post("/users/alice/subscribe/")
    hits.flush()
    response = client_for(alice).get("/users/alice/stats/?sort=kudos")
    text = page_text(response)
    assert "Quiet Harbour" in text and "Loud Harbour" in text and "Unposted" not in text
    rows = [work.title for work in response.context["works"]]
    assert rows == ["Quiet Harbour", "Loud Harbour"]
    totals = response.context["totals"]
    assert totals["hits"] == 2 and totals["kudos"] == 2 and totals["threads"] == 1
    assert totals["subscriptions"] == 1 and totals["user_subscribers"] == 1
    assert "2 hits" in response.content.decode()  # today's bar in the chart


def test_stats_are_private_to_the_creator_and_staff(alice, bob, staff):
    make_work(alice)
    assert client_for(bob).get("/users/alice/stats/").status_code == 403
    assert client_for(None).get("/users/alice/stats/").status_code == 302
    assert client_for(staff).get("/users/alice/stats/").status_code == 200


def test_orphaning_needs_a_confirmation(alice):
    work = make_work(alice)
    response = client_for(alice).post(f"/works/{work.pk}/orphan/", {"pseud": "keep"})
    assert "Please confirm that you understand this can't be undone." in page_text(response)
    assert work.is_creator(alice)


def test_orphaning_keeps_the_pseud_name_but_not_the_account(alice, bob):
    work = make_work(alice)
    confirm = page_text(client_for(alice).get(f"/works/{work.pk}/orphan/"))
    assert "Orphaning cannot be undone." in confirm
    client_for(alice).post(f"/works/{work.pk}/orphan/", {"pseud": "keep", "confirm": "yes"})
    work = Work.objects.get(pk=work.pk)
    assert not work.is_creator(alice)
    [pseud] = work.creator_pseuds
    assert pseud.user.username == orphaning.ORPHAN_LOGIN and pseud.name == "alice"
    assert client_for(alice).get(f"/works/{work.pk}/edit/").status_code == 403
    assert "A Quiet Harbour" not in page_text(client_for(bob).get("/users/alice/works/"))


def test_orphaning_without_the_pseud_shows_orphan_account(alice):
    work = make_work(alice)
    client_for(alice).post(f"/works/{work.pk}/orphan/", {"pseud": "drop", "confirm": "yes"})
    [pseud] = Work.objects.get(pk=work.pk).creator_pseuds
    assert pseud.name == "orphan_account"


def test_other_readers_cannot_orphan_a_work(alice, bob):
    work = make_work(alice)
    response = client_for(bob).post(
        f"/works/{work.pk}/orphan/", {"pseud": "drop", "confirm": "yes"}
    )
    assert response.status_code == 403
    assert work.is_creator(alice)


def test_drafts_cannot_be_orphaned(alice):
    draft = make_work(alice, posted=False)
    response = client_for(alice).post(
        f"/works/{draft.pk}/orphan/", {"pseud": "drop", "confirm": "yes"}, follow=True
    )
    assert "Drafts can't be orphaned" in page_text(response)
    assert draft.is_creator(alice)


def test_comments_on_orphaned_works_email_nobody(alice, bob, django_capture_on_commit_callbacks):
    work = make_work(alice)
    orphaning.orphan_work(work, alice, keep_pseud=False)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(bob).post(
            f"/works/{work.pk}/chapters/{work.chapters.first().pk}/comments/", {"body": "Hello?"}
        )
    assert mail.outbox == []


def test_the_orphan_page_says_the_series_stays_linked(alice):
    work = make_work(alice, series="Harbour Tales")
    confirm = page_text(client_for(alice).get(f"/works/{work.pk}/orphan/"))
    assert "the work stays in its series (Harbour Tales)" in confirm
    assert "its series stay linked to your account" in confirm
