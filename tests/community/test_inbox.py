"""The inbox: unread count in the header, mark read, delete, reply from there."""

from __future__ import annotations

from ficarchive.community.models import Comment, InboxItem
from ficarchive.community.services import comments
from ficarchive.community.services.comments import CommentInput
from tests.community.conftest import page_text
from tests.conftest import client_for, make_work


def comment_on(work, user, body="Lovely evening scene."):
    return comments.post_comment(work.chapters.first(), user, CommentInput(body=body))


def test_the_header_counts_unread_items_and_mark_read_clears_them(alice, bob):
    work = make_work(alice)
    comment_on(work, bob)
    client = client_for(alice)
    assert "Inbox (1 unread)" in page_text(client.get("/works/"))
    item = InboxItem.objects.get(user=alice)
    client.post("/account/inbox/", {"items": [item.pk], "read": "1"})
    assert "unread" not in page_text(client.get("/works/")).split("Inbox")[1][:20]
    assert InboxItem.objects.get(pk=item.pk).read


def test_delete_removes_only_the_users_own_items(alice, bob, carol):
    work = make_work(alice)
    comment_on(work, bob)
    mine = InboxItem.objects.get(user=alice)
    other_work = make_work(carol, "Carol's Harbour")
    comment_on(other_work, bob)
    theirs = InboxItem.objects.get(user=carol)
    client_for(alice).post("/account/inbox/", {"items": [mine.pk, theirs.pk], "delete": "1"})
    assert not InboxItem.objects.filter(pk=mine.pk).exists()
    assert InboxItem.objects.filter(pk=theirs.pk).exists()


def test_a_creator_replies_to_a_comment_from_the_inbox(alice, bob):
    work = make_work(alice)
    comment = comment_on(work, bob, "Will there be more?")
    inbox = client_for(alice).get("/account/inbox/")
    assert "Will there be more?" in page_text(inbox)
    response = client_for(alice).post(
        f"/comments/{comment.pk}/reply/",
        {"body": "Yes, next week!", "next": "/account/inbox/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/account/inbox/"
    reply = Comment.objects.get(parent=comment)
    assert reply.user == alice and "Yes, next week!" in reply.body
    assert InboxItem.objects.filter(user=bob, comment=reply).exists()


def test_comments_by_muted_users_leave_the_inbox(alice, bob):
    from ficarchive.accounts import muting

    work = make_work(alice)
    comment_on(work, bob, "Something unwelcome.")
    muting.mute_user(alice, bob)
    assert "Something unwelcome." not in page_text(client_for(alice).get("/account/inbox/"))


def test_the_inbox_needs_a_login(db):
    response = client_for(None).get("/account/inbox/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_a_reply_hidden_after_it_arrived_shows_as_hidden_in_the_inbox(alice, bob, carol):
    work = make_work(alice)
    question = comment_on(work, bob, "Bob asks.")
    reply = comments.post_comment(
        work.chapters.first(), carol, CommentInput(body="A reply the creator hid."), question
    )
    comments.set_hidden(reply, alice, True)
    text = page_text(client_for(bob).get("/account/inbox/"))
    assert "A reply the creator hid." not in text
    assert "(This comment has been hidden by the work's creator.)" in text


def test_news_of_a_muted_creators_work_leaves_the_inbox_and_the_digest(
    alice, bob, django_capture_on_commit_callbacks
):
    from django.core import mail

    from ficarchive.accounts import muting
    from ficarchive.community.models import Preferences
    from ficarchive.community.services import subscriptions

    Preferences.objects.create(user=bob, digest=True)
    subscriptions.subscribe(bob, alice)
    with django_capture_on_commit_callbacks(execute=True):
        make_work(alice, "Muted Creator's Work")
    assert "Muted Creator's Work" in page_text(client_for(bob).get("/account/inbox/"))
    muting.mute_user(bob, alice)
    assert "Muted Creator's Work" not in page_text(client_for(bob).get("/account/inbox/"))
    subscriptions.send_digests()
    assert mail.outbox == []


def test_a_member_with_several_pseuds_replies_from_the_inbox_as_their_default(alice, bob):
    from ficarchive.accounts.models import Pseud

    Pseud.objects.create(user=alice, name="AliceTwo")
    work = make_work(alice)
    comment = comment_on(work, bob, "Will there be more?")
    client_for(alice).post(
        f"/comments/{comment.pk}/reply/", {"body": "Yes, soon!", "next": "/account/inbox/"}
    )
    reply = Comment.objects.get(parent=comment)
    assert reply.pseud == alice.default_pseud
