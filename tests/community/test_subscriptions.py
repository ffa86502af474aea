"""Subscriptions to works, series and creators, saved searches, digests, unsubscribing."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from ficarchive.accounts import muting
from ficarchive.community.models import InboxItem, Preferences, Subscription
from ficarchive.community.services import subscriptions
from ficarchive.search.models import SavedSearch
from ficarchive.tags.models import Tag
from ficarchive.works.models import Chapter, Work
from ficarchive.works.services import post_draft, save_chapter
from tests.community.conftest import page_text
from tests.conftest import client_for, make_work


@pytest.fixture
def deliveries(django_capture_on_commit_callbacks):
    """Run what the works services queue for after commit, as a real request would."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        yield callbacks


def texts(user) -> list[str]:
    return list(InboxItem.objects.filter(user=user).values_list("text", flat=True))


def test_a_new_chapter_reaches_the_works_subscribers(
    alice, bob, django_capture_on_commit_callbacks
):
    work = make_work(alice)
    client_for(bob).post(f"/works/{work.pk}/subscribe/")
    with django_capture_on_commit_callbacks(execute=True):
        save_chapter(Chapter(work=work, text="The fog lifted by noon on the second day."))
    assert texts(bob) == ["alice posted Chapter 2 of A Quiet Harbour."]
    assert texts(alice) == []
    header = page_text(client_for(bob).get("/works/"))
    assert "Inbox (1 unread)" in header


def test_subscribing_twice_unsubscribes(alice, bob):
    work = make_work(alice)
    client_for(bob).post(f"/works/{work.pk}/subscribe/")
    response = client_for(bob).post(f"/works/{work.pk}/subscribe/", follow=True)
    assert "You have unsubscribed from A Quiet Harbour." in page_text(response)
    assert not Subscription.objects.exists()


def test_new_works_reach_creator_subscribers_who_may_see_them(
    alice, bob, django_capture_on_commit_callbacks
):
    client_for(bob).post("/users/alice/subscribe/")
    muting.mute_tags(bob, [Tag.objects.create(name="Seasickness", type="additional")])
    with django_capture_on_commit_callbacks(execute=True):
        make_work(alice, "Open Water")
        make_work(alice, "For Members", restricted=True)
        make_work(alice, "Rough Crossing", additional=("Seasickness",))
        draft = make_work(alice, "Still Drafting", posted=False)
    assert sorted(texts(bob)) == [
        "alice posted a new work: For Members.",
        "alice posted a new work: Open Water.",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        post_draft(draft)
    assert "alice posted a new work: Still Drafting." in texts(bob)


def test_hidden_works_never_reach_an_inbox(alice, bob, django_capture_on_commit_callbacks):
    client_for(bob).post("/users/alice/subscribe/")
    with django_capture_on_commit_callbacks(execute=True):
        work = make_work(alice, "Soon Hidden")
    Work.objects.filter(pk=work.pk).update(hidden_by_admin=True)
    assert "Soon Hidden" not in page_text(client_for(bob).get("/account/inbox/"))


def test_new_works_in_a_series_reach_its_subscribers(
    alice, bob, django_capture_on_commit_callbacks
):
    first = make_work(alice, "Part One", series="Harbour Tales")
    series = first.series_memberships.get().series
    client_for(bob).post(f"/series/{series.pk}/subscribe/")
    with django_capture_on_commit_callbacks(execute=True):
        make_work(alice, "Part Two", series=series)
    assert texts(bob) == ["alice posted a new work: Part Two."]


def test_nobody_subscribes_to_themselves(alice):
    response = client_for(alice).post("/users/alice/subscribe/", follow=True)
    assert "You can't subscribe to yourself." in page_text(response)
    assert not Subscription.objects.exists()


def test_unsubscribe_in_one_click_from_the_list(alice, bob):
    work = make_work(alice)
    subscription = subscriptions.subscribe(bob, work)
    response = client_for(bob).post(
        "/account/subscriptions/", {"unsubscribe": subscription.pk}, follow=True
    )
    assert "Unsubscribed." in page_text(response)
    assert not Subscription.objects.exists()


def test_the_emailed_unsubscribe_link_needs_no_login(alice, bob):
    work = make_work(alice)
    token = subscriptions.unsubscribe_token(subscriptions.subscribe(bob, work))
    guest = client_for(None)
    assert "Unsubscribe from A Quiet Harbour?" in page_text(guest.get(f"/unsubscribe/{token}/"))
    assert Subscription.objects.exists()
    assert "You are unsubscribed" in page_text(guest.post(f"/unsubscribe/{token}/"))
    assert not Subscription.objects.exists()
    assert "no longer valid" in page_text(guest.get("/unsubscribe/forged-token/"))


def test_the_daily_digest_lists_new_deliveries_once(alice, bob, django_capture_on_commit_callbacks):
    Preferences.objects.create(user=bob, digest=True)
    client_for(bob).post("/users/alice/subscribe/")
    with django_capture_on_commit_callbacks(execute=True):
        make_work(alice, "Open Water")
    out = StringIO()
    call_command("deliver_subscriptions", "--digest", stdout=out)
    assert "1 digests sent." in out.getvalue()
    [email] = mail.outbox
    assert email.to == ["bob@example.com"]
    assert "alice posted a new work: Open Water." in email.body
    assert "/account/subscriptions/" in email.body
    link = re.search(r"Unsubscribe in one click: \S+?(/unsubscribe/\S+/)", email.body)[1]
    client_for(None).post(link)
    assert not Subscription.objects.exists()
    assert subscriptions.send_digests() == 0


def test_no_digest_for_readers_who_did_not_ask(alice, bob, django_capture_on_commit_callbacks):
    client_for(bob).post("/users/alice/subscribe/")
    with django_capture_on_commit_callbacks(execute=True):
        make_work(alice, "Open Water")
    assert subscriptions.send_digests() == 0 and mail.outbox == []


def test_subscribed_saved_searches_deliver_new_matches_once(alice, bob):
    saved = SavedSearch.objects.create(
        user=bob, name="Lighthouses", path="/works/", query="q=lighthouse", subscribed=True
    )
    SavedSearch.objects.create(user=bob, name="Unfollowed", path="/works/", query="q=lighthouse")
    make_work(alice, "The Lighthouse Keeper", chapters=("She climbed the lighthouse stairs.",))
    make_work(alice, "Inland", chapters=("Fields of wheat as far as the eye could see.",))
    make_work(alice, "Members Lighthouse", restricted=True)
    assert subscriptions.deliver_saved_searches() == 2
    assert sorted(texts(bob)) == [
        "New in your saved search “Lighthouses”: Members Lighthouse.",
        "New in your saved search “Lighthouses”: The Lighthouse Keeper.",
    ]
    assert subscriptions.deliver_saved_searches() == 0
    saved.delete()


def test_buttons_show_whether_the_reader_is_subscribed(alice, bob):
    first = make_work(alice, "Part One", series="Harbour Tales")
    series = first.series_memberships.get().series
    client = client_for(bob)
    assert "Subscribe" in page_text(client.get("/users/alice/"))
    client.post("/users/alice/subscribe/")
    client.post(f"/series/{series.pk}/subscribe/")
    assert "Unsubscribe" in page_text(client.get("/users/alice/"))
    assert "Unsubscribe" in page_text(client.get(f"/series/{series.pk}/"))


def test_junk_ids_change_nothing_and_break_nothing(alice, bob):
    subscription = subscriptions.subscribe(bob, make_work(alice))
    response = client_for(bob).post("/account/subscriptions/", {"unsubscribe": "x; DROP"})
    assert response.status_code == 302
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    inbox = client_for(bob).post("/account/inbox/", {"items": ["abc"], "delete": "1"})
    assert inbox.status_code == 302


def test_subscriptions_to_works_since_hidden_keep_their_title_to_themselves(alice, bob):
    work = make_work(alice, "Since Hidden")
    subscription = subscriptions.subscribe(bob, work)
    Work.objects.filter(pk=work.pk).update(hidden_by_admin=True)
    listing = page_text(client_for(bob).get("/account/subscriptions/"))
    assert "Since Hidden" not in listing and "a work you can no longer see" in listing
    token = subscriptions.unsubscribe_token(subscription)
    guest = client_for(None)
    page = page_text(guest.get(f"/unsubscribe/{token}/"))
    assert "Since Hidden" not in page and "a work you can no longer see" in page
    assert "You are unsubscribed" in page_text(guest.post(f"/unsubscribe/{token}/"))
    assert not Subscription.objects.exists()


def test_the_unsubscribe_link_keeps_a_restricted_title_from_visitors(alice, bob):
    work = make_work(alice, "Members Only", restricted=True)
    token = subscriptions.unsubscribe_token(subscriptions.subscribe(bob, work))
    page = page_text(client_for(None).get(f"/unsubscribe/{token}/"))
    assert "Members Only" not in page and "a work you can no longer see" in page
    assert "Unsubscribe from Members Only?" in page_text(
        client_for(bob).get(f"/unsubscribe/{token}/")
    )
