"""Kudos: once per member, once per guest address, never by the creators or blocked users."""

from __future__ import annotations

from ficarchive.accounts import muting
from ficarchive.community.models import Kudos
from ficarchive.community.services import blocking
from ficarchive.works.models import Work
from tests.community.conftest import page_text
from tests.conftest import client_for, make_user, make_work


def kudos(client, work, address="203.0.113.5"):
    return client.post(f"/works/{work.pk}/kudos/", REMOTE_ADDR=address, follow=True)


def count(work) -> int:
    return Work.objects.get(pk=work.pk).kudos_count


def test_a_reader_leaves_kudos_and_is_listed_on_the_work(alice, bob):
    work = make_work(alice)
    response = kudos(client_for(bob), work)
    assert "Thank you for leaving kudos!" in page_text(response)
    assert "bob left kudos on this work!" in page_text(response)
    assert count(work) == 1


def test_a_second_kudos_from_the_same_reader_is_refused(alice, bob):
    work = make_work(alice)
    kudos(client_for(bob), work)
    response = kudos(client_for(bob), work)
    assert "You have already left kudos here. :)" in page_text(response)
    assert count(work) == 1


def test_guests_leave_one_kudos_per_address_and_are_counted_as_guests(alice, bob, carol):
    work = make_work(alice)
    kudos(client_for(None), work, "198.51.100.1")
    again = kudos(client_for(None), work, "198.51.100.1")
    assert "You have already left kudos here. :)" in page_text(again)
    kudos(client_for(None), work, "198.51.100.2")
    kudos(client_for(carol), work)
    response = kudos(client_for(bob), work)
    assert "bob, carol and 2 guests left kudos on this work!" in page_text(response)
    assert count(work) == 4


def test_guest_addresses_are_not_stored_in_the_clear(alice):
    work = make_work(alice)
    kudos(client_for(None), work, "198.51.100.7")
    stored = Kudos.objects.get(work=work).ip_hash
    assert stored and "198.51.100.7" not in stored


def test_creators_cannot_leave_kudos_on_their_own_work(alice):
    work = make_work(alice)
    response = kudos(client_for(alice), work)
    assert "You can't leave kudos on your own work." in page_text(response)
    assert count(work) == 0


def test_guests_are_sent_to_log_in_for_kudos_on_a_restricted_work(alice):
    work = make_work(alice, restricted=True)
    response = client_for(None).post(f"/works/{work.pk}/kudos/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert count(work) == 0


def test_nobody_else_can_leave_kudos_on_a_draft_or_a_hidden_work(alice, bob):
    draft = make_work(alice, "Unfinished", posted=False)
    hidden = make_work(alice, "Hidden", hidden=True)
    assert client_for(bob).post(f"/works/{draft.pk}/kudos/").status_code == 404
    assert client_for(bob).post(f"/works/{hidden.pk}/kudos/").status_code == 404
    assert Kudos.objects.count() == 0


def test_a_blocked_reader_is_told_politely_and_leaves_no_kudos(alice, bob):
    work = make_work(alice)
    blocking.block(alice, bob)
    response = kudos(client_for(bob), work)
    assert "Sorry, you have been blocked by one or more of this work's creators." in page_text(
        response
    )
    assert count(work) == 0


def test_the_kudos_button_is_not_offered_to_creators(alice, bob):
    work = make_work(alice)
    assert "Kudos ♥" not in page_text(client_for(alice).get(f"/works/{work.pk}/"))
    assert "Kudos ♥" in page_text(client_for(bob).get(f"/works/{work.pk}/"))


def test_readers_muted_by_the_viewer_are_not_named_among_the_kudos(alice, bob, carol):
    dave = make_user("dave")
    work = make_work(alice)
    client_for(bob).post(f"/works/{work.pk}/kudos/")
    client_for(dave).post(f"/works/{work.pk}/kudos/")
    muting.mute_user(carol, bob)
    text = page_text(client_for(carol).get(work.get_absolute_url()))
    assert "dave and 1 more user left kudos on this work!" in text


def test_behind_a_proxy_guests_cannot_make_up_addresses_for_more_kudos(alice, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    work = make_work(alice)
    for made_up in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        client_for(None).post(
            f"/works/{work.pk}/kudos/",
            HTTP_X_FORWARDED_FOR=f"{made_up}, 203.0.113.9",
            HTTP_X_FORWARDED_PROTO="https",
        )
    assert count(work) == 1
