"""Reports to staff and the queue's actions: hide, delete, warn, suspend, ban."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from ficarchive.community.models import Bookmark, Comment, InboxItem, Kudos, Report, Sanction
from ficarchive.community.services import comments, moderation
from ficarchive.community.services.comments import CommentInput
from ficarchive.works.models import Work
from tests.community.conftest import page_text
from tests.conftest import client_for, make_work


def resolve(staff, report, action, **extra):
    return client_for(staff).post(
        f"/staff/reports/{report.pk}/", {"action": action, "note": "", **extra}, follow=True
    )


def test_a_member_reports_a_work_and_staff_hide_it(alice, bob, staff):
    work = make_work(alice)
    response = client_for(bob).post(
        f"/report/works/{work.pk}/", {"reason": "It copies another story."}, follow=True
    )
    assert "your report was sent to the archive's staff" in page_text(response)
    queue = page_text(client_for(staff).get("/staff/reports/"))
    assert "Report about the work “A Quiet Harbour” by bob" in queue
    report = Report.objects.get()
    done = resolve(staff, report, "hide")
    assert "Report resolved: Hide the work." in page_text(done)
    assert Work.objects.get(pk=work.pk).hidden_by_admin
    assert client_for(bob).get(f"/works/{work.pk}/").status_code == 404


def test_an_empty_report_is_refused(alice, bob):
    work = make_work(alice)
    response = client_for(bob).post(f"/report/works/{work.pk}/", {"reason": "  "})
    assert "Please tell us what the problem is." in page_text(response)
    assert not Report.objects.exists()


def test_readers_cannot_see_the_queue(bob):
    assert client_for(bob).get("/staff/reports/").status_code == 302
    assert client_for(None).get("/staff/reports/").status_code == 302


def test_staff_delete_a_reported_comment(alice, bob, carol, staff):
    work = make_work(alice)
    comment = comments.post_comment(work.chapters.first(), bob, CommentInput(body="Rude words."))
    client_for(carol).post(f"/report/comments/{comment.pk}/", {"reason": "Rude."})
    resolve(staff, Report.objects.get(), "delete")
    assert not Comment.objects.exists()
    assert Work.objects.get(pk=work.pk).comments_count == 0
    assert Report.objects.get().status == "resolved"


def test_a_warning_reaches_the_inbox_and_email(alice, bob, staff):
    client_for(alice).post("/report/users/bob/", {"reason": "Spam in comments."})
    resolve(staff, Report.objects.get(), "warn", note="Please stop posting links.")
    assert "Please stop posting links." in InboxItem.objects.get(user=bob).text
    assert mail.outbox[0].to == ["bob@example.com"]


def test_a_suspended_user_reads_but_cannot_post_comment_or_give_kudos(alice, bob, staff):
    work = make_work(alice)
    client_for(alice).post("/report/users/bob/", {"reason": "Harassment."})
    refused = resolve(staff, Report.objects.get(), "suspend")
    assert "Please say for how many days." in page_text(refused)
    resolve(staff, Report.objects.get(), "suspend", days=7)
    client = client_for(bob)
    assert client.get(f"/works/{work.pk}/").status_code == 200
    kudos = client.post(f"/works/{work.pk}/kudos/", follow=True)
    assert "Your account is suspended until" in page_text(kudos)
    assert not Kudos.objects.exists()
    chapter = work.chapters.first()
    client.post(f"/works/{work.pk}/chapters/{chapter.pk}/comments/", {"body": "Hello."})
    assert not Comment.objects.exists()
    new_work = client.get("/works/new/", follow=True)
    assert "you can read, but not post, comment or leave kudos" in page_text(new_work)


def test_a_suspension_ends_on_its_date(alice, bob, staff):
    work = make_work(alice)
    moderation.sanction(bob, staff, "suspension", "Cooling off.", days=1)
    Sanction.objects.update(until=timezone.now() - timedelta(minutes=1))
    client_for(bob).post(f"/works/{work.pk}/kudos/")
    assert Kudos.objects.filter(user=bob).exists()


def test_a_ban_logs_the_account_out_for_good(alice, bob, staff):
    client = client_for(bob)
    client_for(alice).post("/report/users/bob/", {"reason": "Ban evasion."})
    resolve(staff, Report.objects.get(), "ban")
    bob.refresh_from_db()
    assert not bob.is_active
    assert client.get("/account/").status_code == 302  # the session no longer counts


def test_a_suspended_user_cannot_edit_comments_or_bookmark(alice, bob, staff):
    work = make_work(alice)
    comment = comments.post_comment(work.chapters.first(), bob, CommentInput(body="Kind words."))
    moderation.sanction(bob, staff, "suspension", "Spam.", 7)
    client = client_for(bob)
    edit = client.post(f"/comments/{comment.pk}/edit/", {"body": "Spam while suspended."})
    assert "Your account is suspended until" in page_text(edit)
    assert "Spam while suspended." not in Comment.objects.get(pk=comment.pk).body
    bookmark = client.post(f"/works/{work.pk}/bookmark/", {"notes": "Spam bookmark."})
    assert "Your account is suspended until" in page_text(bookmark)
    assert not Bookmark.objects.exists()


def test_sanctions_over_an_orphaned_work_spare_orphan_account(alice, bob, staff):
    from ficarchive.community.services import orphaning

    work = make_work(alice)
    orphaning.orphan_work(work, alice, keep_pseud=False)
    client_for(bob).post(f"/report/works/{work.pk}/", {"reason": "It copies another story."})
    refused = resolve(staff, Report.objects.get(), "ban")
    assert "There is no account behind this report to act on." in page_text(refused)
    assert not Sanction.objects.exists()
