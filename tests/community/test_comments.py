"""Comments: who may write them, threads five deep, edit, delete, freeze, hide, moderation,
and the creators' inbox and e-mail."""

from __future__ import annotations

import pytest
from django.core import mail

from ficarchive.accounts import muting
from ficarchive.community.models import Comment, InboxItem, Preferences, WorkSettings
from ficarchive.community.services import comments
from ficarchive.community.services.comments import CommentInput
from ficarchive.works.models import CommentPermission, Work
from tests.community.conftest import page_text
from tests.conftest import client_for, make_work

GUEST = {"guest_name": "Wren", "guest_email": "wren@example.com"}


def post(client, work, body="What a lovely chapter about the harbour.", **extra):
    chapter = work.chapters.first()
    return client.post(
        f"/works/{work.pk}/chapters/{chapter.pk}/comments/", {"body": body, **extra}, follow=True
    )


def write(work, user, body="A kind word.", parent=None) -> Comment:
    return comments.post_comment(work.chapters.first(), user, CommentInput(body=body), parent)


def count(work) -> int:
    return Work.objects.get(pk=work.pk).comments_count


def test_a_reader_comments_and_the_creator_hears_of_it(
    alice, bob, django_capture_on_commit_callbacks
):
    work = make_work(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client_for(bob), work)
    text = page_text(response)
    assert "Comment created!" in text
    assert "What a lovely chapter about the harbour." in text
    assert count(work) == 1
    item = InboxItem.objects.get(user=alice)
    assert item.text == "bob left a comment on A Quiet Harbour."
    [email] = mail.outbox
    assert email.to == ["alice@example.com"]
    assert "What a lovely chapter about the harbour." in email.body


def test_no_email_when_the_creator_turned_comment_emails_off(
    alice, bob, django_capture_on_commit_callbacks
):
    Preferences.objects.create(user=alice, comment_emails=False)
    work = make_work(alice)
    with django_capture_on_commit_callbacks(execute=True):
        post(client_for(bob), work)
    assert mail.outbox == []
    assert InboxItem.objects.filter(user=alice).count() == 1


def test_a_guest_comments_with_a_name_and_email(alice):
    work = make_work(alice)
    refused = post(client_for(None), work)
    assert refused.status_code == 400
    assert "Please enter your name." in page_text(refused)
    assert "Please enter your e-mail address." in page_text(refused)
    assert Comment.objects.count() == 0
    response = post(client_for(None), work, **GUEST)
    assert "Wren (Guest)" in page_text(response)
    assert count(work) == 1


def test_registered_only_works_turn_guests_away(alice, bob):
    work = make_work(alice)
    Work.objects.filter(pk=work.pk).update(comment_permission=CommentPermission.REGISTERED)
    page = client_for(None).get(f"/works/{work.pk}/")
    assert "only allows comments from users who are logged in" in page_text(page)
    refused = post(client_for(None), work, **GUEST)
    assert refused.status_code == 400
    assert Comment.objects.count() == 0
    post(client_for(bob), work)
    assert Comment.objects.count() == 1


def test_works_closed_to_comments_refuse_everyone(alice, bob):
    work = make_work(alice)
    Work.objects.filter(pk=work.pk).update(comment_permission=CommentPermission.NOBODY)
    response = post(client_for(bob), work)
    assert "Sorry, this work doesn't allow comments." in page_text(response)
    assert Comment.objects.count() == 0


def test_an_over_long_comment_is_refused_and_nothing_is_saved(alice, bob):
    work = make_work(alice)
    response = post(client_for(bob), work, body="x" * 10_001)
    assert response.status_code == 400
    assert "Comments can be at most 10,000 characters long; yours has 10,001." in page_text(
        response
    )
    assert Comment.objects.count() == 0 and count(work) == 0


def test_comments_are_sanitised_like_notes(alice, bob):
    work = make_work(alice)
    post(client_for(bob), work, body="<em>Lovely</em><script>alert(1)</script>")
    body = Comment.objects.get().body
    assert "<em>Lovely</em>" in body and "script" not in body


def test_threads_show_five_levels_and_continue_on_their_own_page(alice, bob, carol):
    work = make_work(alice)
    parent = None
    chain = []
    for level in range(7):
        parent = write(work, [bob, carol][level % 2], f"Reply at level {level}.", parent)
        chain.append(parent)
    page = page_text(client_for(None).get(f"/works/{work.pk}/"))
    for level in range(5):
        assert f"Reply at level {level}." in page
    assert "Reply at level 5." not in page
    assert "Continue this thread →" in page
    deeper = page_text(client_for(None).get(f"/comments/{chain[4].pk}/"))
    assert "Reply at level 5." in deeper and "Reply at level 6." in deeper


def test_replies_reach_the_person_replied_to(alice, bob, carol, django_capture_on_commit_callbacks):
    work = make_work(alice)
    first = write(work, bob, "First thoughts.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(carol).post(
            f"/comments/{first.pk}/reply/", {"body": "I agree with you."}, follow=True
        )
    assert "I agree with you." in page_text(response)
    reply = Comment.objects.get(parent=first)
    assert reply.thread_id == first.pk and reply.depth == 1
    assert InboxItem.objects.filter(user=bob, comment=reply).exists()
    assert {tuple(m.to) for m in mail.outbox} == {("alice@example.com",), ("bob@example.com",)}


def test_only_the_writer_edits_a_comment_and_it_is_marked_last_edited(alice, bob, carol):
    work = make_work(alice)
    comment = write(work, bob, "Fisrt thoughts.")
    client_for(carol).post(f"/comments/{comment.pk}/edit/", {"body": "Hijacked."})
    assert Comment.objects.get(pk=comment.pk).body == "<p>Fisrt thoughts.</p>"
    response = client_for(bob).post(
        f"/comments/{comment.pk}/edit/", {"body": "First thoughts."}, follow=True
    )
    text = page_text(response)
    assert "First thoughts." in text and "Last edited" in text


def test_deleting_a_comment_with_replies_keeps_the_thread(alice, bob, carol):
    work = make_work(alice)
    first = write(work, bob, "First thoughts.")
    write(work, carol, "A reply that stays.", first)
    assert count(work) == 2
    client_for(bob).post(f"/comments/{first.pk}/delete/")
    page = page_text(client_for(None).get(f"/works/{work.pk}/"))
    assert "(Previous comment deleted.)" in page
    assert "A reply that stays." in page and "First thoughts." not in page
    assert count(work) == 1


def test_deleting_a_comment_without_replies_removes_it(alice, bob):
    work = make_work(alice)
    comment = write(work, bob, "Gone soon.")
    client_for(alice).post(f"/comments/{comment.pk}/delete/")
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert count(work) == 0


def test_other_readers_cannot_delete_a_comment(alice, bob, carol):
    work = make_work(alice)
    comment = write(work, bob, "Staying put.")
    client_for(carol).post(f"/comments/{comment.pk}/delete/")
    assert Comment.objects.filter(pk=comment.pk, deleted=False).exists()


def test_a_frozen_thread_takes_no_replies_or_edits(alice, bob, carol):
    work = make_work(alice)
    first = write(work, bob, "First thoughts.")
    reply = write(work, carol, "Second thoughts.", first)
    client_for(alice).post(f"/comments/{first.pk}/freeze/")
    assert Comment.objects.get(pk=reply.pk).frozen
    response = client_for(carol).post(
        f"/comments/{reply.pk}/reply/", {"body": "Third thoughts."}, follow=True
    )
    assert "Sorry, this thread is frozen" in page_text(response)
    assert Comment.objects.count() == 2
    client_for(bob).post(f"/comments/{first.pk}/edit/", {"body": "Changed."})
    assert "Changed" not in Comment.objects.get(pk=first.pk).body


def test_readers_cannot_freeze_or_hide(alice, bob, carol):
    work = make_work(alice)
    comment = write(work, bob, "First thoughts.")
    client_for(carol).post(f"/comments/{comment.pk}/freeze/")
    client_for(carol).post(f"/comments/{comment.pk}/hide/")
    comment.refresh_from_db()
    assert not comment.frozen and not comment.hidden


def test_hidden_comments_show_only_to_their_writer_the_creators_and_staff(alice, bob, carol, staff):
    work = make_work(alice)
    comment = write(work, bob, "Off-topic musings.")
    client_for(alice).post(f"/comments/{comment.pk}/hide/")
    for viewer, sees in [(None, False), (carol, False), (bob, True), (alice, True), (staff, True)]:
        page = page_text(client_for(viewer).get(f"/works/{work.pk}/"))
        assert ("Off-topic musings." in page) is sees
    assert "hidden by the work's creator" in page_text(client_for(carol).get(f"/works/{work.pk}/"))


def test_moderated_comments_wait_for_approval(alice, bob, carol):
    work = make_work(alice)
    client_for(alice).post(f"/works/{work.pk}/moderation/", {"moderate": "on"})
    response = post(client_for(bob), work, body="Waiting patiently.")
    assert "it will appear once the work's creator approves it" in page_text(response)
    assert count(work) == 0
    assert "Waiting patiently." not in page_text(client_for(carol).get(f"/works/{work.pk}/"))
    assert "Waiting patiently." in page_text(client_for(bob).get(f"/works/{work.pk}/"))
    assert "waiting for your approval" in InboxItem.objects.get(user=alice).text
    comment = Comment.objects.get()
    client_for(carol).post(f"/comments/{comment.pk}/approve/")
    assert count(work) == 0
    client_for(alice).post(f"/comments/{comment.pk}/approve/")
    assert "Waiting patiently." in page_text(client_for(carol).get(f"/works/{work.pk}/"))
    assert count(work) == 1


def test_creators_comments_skip_moderation(alice):
    work = make_work(alice)
    client_for(alice).post(f"/works/{work.pk}/moderation/", {"moderate": "on"})
    post(client_for(alice), work, body="Thanks, everyone.")
    assert Comment.objects.get().approved


@pytest.mark.parametrize("state", ["restricted", "hidden", "draft"])
def test_comments_follow_their_work_visibility(alice, bob, state):
    work = make_work(alice, restricted=state == "restricted")
    comment = write(work, bob, "A thought.")
    if state == "hidden":
        Work.objects.filter(pk=work.pk).update(hidden_by_admin=True)
    if state == "draft":
        Work.objects.filter(pk=work.pk).update(posted=False)
    guest = client_for(None).get(f"/comments/{comment.pk}/")
    assert guest.status_code in (302, 404)
    assert "A thought." not in guest.content.decode()
    member = client_for(bob).get(f"/comments/{comment.pk}/")
    assert member.status_code == (200 if state == "restricted" else 404)


def test_comments_edited_by_staff_in_the_admin_are_sanitised(alice, bob, staff):
    staff.is_superuser = True
    staff.save()
    work = make_work(alice)
    comment = write(work, bob, "Fine words.")
    client_for(staff).post(
        f"/admin/community/comment/{comment.pk}/change/",
        {
            "work": work.pk,
            "chapter": comment.chapter_id,
            "depth": 0,
            "user": bob.pk,
            "body": "<em>Fine</em><script>alert(1)</script>",
            "approved": "on",
        },
    )
    body = Comment.objects.get(pk=comment.pk).body
    assert "<em>Fine</em>" in body and "script" not in body


def test_deleting_a_chapter_takes_its_comments_out_of_the_count(alice, bob):
    work = make_work(alice, chapters=("The first evening on the quay.", "The second evening."))
    second = work.chapters.get(position=2)
    comments.post_comment(work.chapters.first(), bob, CommentInput(body="On the first."))
    comments.post_comment(second, bob, CommentInput(body="On the second."))
    assert count(work) == 2
    client_for(alice).post(f"/works/{work.pk}/chapters/{second.pk}/delete/")
    assert count(work) == 1


def test_deleting_an_account_keeps_the_figures_true(alice, bob, carol):
    from django.test import RequestFactory

    from ficarchive.community.services import bookmarks, kudos
    from ficarchive.community.services.bookmarks import BookmarkInput

    work = make_work(alice)
    request = RequestFactory().post("/")
    for reader in (bob, carol):
        request.user = reader
        kudos.give_kudos(request, work)
        write(work, reader, "Lovely.")
        bookmarks.save_bookmark(reader, work, BookmarkInput())
    bob.delete()
    work = Work.objects.get(pk=work.pk)
    assert (work.kudos_count, work.comments_count, work.bookmarks_count) == (1, 1, 1)


def test_moderation_is_a_setting_on_the_work_form(alice, bob):
    from django.utils import timezone

    from ficarchive.community.models import WorkSettings
    from tests.conftest import fixed

    assert "Enable comment moderation" in page_text(client_for(alice).get("/works/new/"))
    data = {
        "title": "Moderated Harbour", "creators": [alice.default_pseud.pk],
        "rating": fixed("General Audiences").pk,
        "warnings": [fixed("No Archive Warnings Apply").pk], "fandoms": "Lanternwick Chronicles",
        "language": "en", "expected_chapters": "?",
        "published_on": timezone.localdate().isoformat(), "comment_permission": "everyone",
        "text": "The boats came in at dawn, one after another.", "moderate_comments": "on",
        "post": "1",
    }  # fmt: skip
    response = client_for(alice).post("/works/new/", data)
    assert response.status_code == 302, page_text(response)[:2000]
    work = Work.objects.get(title="Moderated Harbour")
    assert WorkSettings.moderated(work)
    post(client_for(bob), work, body="Waiting for approval.")
    assert not Comment.objects.get().approved


def test_the_work_page_costs_the_same_queries_for_many_comments(
    alice, bob, carol, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work = make_work(alice, chapters=("The first evening on the quay.", "The second evening."))
    write(work, bob, "One.")
    client = client_for(carol)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/works/{work.pk}/?view_full_work=true")
    for n in range(10):
        parent = write(work, bob, f"Thread {n}.")
        write(work, carol, f"Reply {n}.", parent)
    with django_assert_max_num_queries(len(few)):
        client.get(f"/works/{work.pk}/?view_full_work=true")


def test_deleting_an_account_keeps_other_peoples_replies(alice, bob, carol):
    work = make_work(alice)
    first = write(work, bob, "Bob's thought.")
    write(work, carol, "Carol's reply stays.", first)
    write(work, bob, "A lone comment.")
    bob.delete()
    page = page_text(client_for(None).get(f"/works/{work.pk}/"))
    assert "(Previous comment deleted.)" in page and "Carol's reply stays." in page
    assert "Bob's thought." not in page and "A lone comment." not in page
    assert count(work) == 1


def test_the_reply_page_shows_a_placeholder_for_a_hidden_comment(alice, bob, carol, guest_client):
    work = make_work(alice)
    hidden = write(work, bob, "Something the creator hid.")
    comments.set_hidden(hidden, alice, True)
    for client in (guest_client, client_for(carol)):
        text = page_text(client.get(f"/comments/{hidden.pk}/reply/"))
        assert "Something the creator hid." not in text
        assert "(This comment has been hidden by the work's creator.)" in text
    assert "Something the creator hid." in page_text(
        client_for(bob).get(f"/comments/{hidden.pk}/reply/")
    )


def emailed(user) -> list[str]:
    """The bodies of the e-mails `user` got."""
    return [m.body for m in mail.outbox if m.to == [user.email]]


def test_no_email_about_a_comment_by_someone_the_creator_muted(
    alice, bob, django_capture_on_commit_callbacks
):
    work = make_work(alice)
    muting.mute_user(alice, bob)
    with django_capture_on_commit_callbacks(execute=True):
        write(work, bob, "A comment from a muted reader.")
    assert emailed(alice) == []


def test_no_email_about_a_reply_on_a_work_the_reader_can_no_longer_see(
    alice, bob, django_capture_on_commit_callbacks
):
    work = make_work(alice, "Since hidden")
    question = write(work, bob, "Bob asks.")
    Work.objects.filter(pk=work.pk).update(hidden_by_admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).post(f"/comments/{question.pk}/reply/", {"body": "Alice answers."})
    assert Comment.objects.filter(parent=question).exists()
    assert emailed(bob) == []


def test_no_email_about_a_comment_hidden_before_the_email_went(
    alice, bob, carol, django_capture_on_commit_callbacks
):
    work = make_work(alice)
    question = write(work, bob, "Bob asks.")
    with django_capture_on_commit_callbacks(execute=True):
        reply = write(work, carol, "A reply hidden before sending.", parent=question)
        comments.set_hidden(reply, alice, True)
    assert not [body for body in emailed(bob) if "hidden before sending" in body]


def test_creators_still_get_emails_about_comments_awaiting_approval(
    alice, bob, django_capture_on_commit_callbacks
):
    work = make_work(alice)
    WorkSettings.objects.create(work=work, moderate_comments=True)
    with django_capture_on_commit_callbacks(execute=True):
        write(work, bob, "Please approve me.")
    assert any("Please approve me." in body for body in emailed(alice))


def test_approving_twice_at_once_counts_the_comment_once(alice, bob):
    work = make_work(alice)
    WorkSettings.objects.create(work=work, moderate_comments=True)
    waiting = write(work, bob, "Waiting for approval.")
    first, second = Comment.objects.get(pk=waiting.pk), Comment.objects.get(pk=waiting.pk)
    comments.approve(first, alice)
    comments.approve(second, alice)
    assert count(work) == 1


def test_deleting_twice_at_once_uncounts_the_comment_once(alice, bob, carol):
    work = make_work(alice)
    write(work, carol, "Another comment that stays.")
    for replied in (False, True):
        doomed = write(work, bob, "Deleted twice.")
        if replied:
            write(work, alice, "A reply keeps the thread.", parent=doomed)
        before = count(work)
        first, second = Comment.objects.get(pk=doomed.pk), Comment.objects.get(pk=doomed.pk)
        comments.delete_comment(first, bob)
        comments.delete_comment(second, bob)
        assert count(work) == before - 1
