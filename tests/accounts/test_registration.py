"""Registration modes: open (anyone signs up), invite (a queue, and sign-up links that staff
send from it) and closed (no sign-ups; staff still make accounts in /admin/)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from ficarchive.accounts import registration
from ficarchive.accounts.forms import SignupForm
from ficarchive.accounts.models import Invitation, InvitationRequest, User
from tests.community.conftest import page_text
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def sign_up(client=None, url="/account/signup/", **changes):
    data = {"username": "maren", "email": "maren@example.com", "password1": PASSWORD,
            "password2": PASSWORD, **changes}  # fmt: skip
    return (client or Client()).post(url, data)


def join(email: str, client=None, **extra):
    return (client or Client()).post("/join/", {"email": email, **extra}, follow=True)


def link_in(email) -> str:
    """The sign-up link in an invitation e-mail, as a path on this site."""
    [url] = re.findall(r"https?://\S+", email.body)
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def invite_mode(settings):
    settings.REGISTRATION = "invite"
    settings.SITE_URL = "https://archive.example.org"


@pytest.fixture
def closed_mode(settings):
    settings.REGISTRATION = "closed"


# -- open ------------------------------------------------------------------------------------


def test_open_is_the_default_and_the_header_offers_sign_up(settings, db):
    assert settings.REGISTRATION == "open"
    page = Client().get("/").content.decode()
    assert 'href="/account/signup/">Sign up</a>' in page
    assert "Get an invitation" not in page


def test_open_mode_signs_up_as_before(db):
    response = sign_up()
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert User.objects.filter(username="maren").exists()


def test_open_mode_has_no_queue_and_sends_old_invitation_links_to_sign_up(db):
    assert Client().get("/join/")["Location"] == "/account/signup/"
    assert Client().get("/account/signup/some-old-token/")["Location"] == "/account/signup/"


# -- closed ----------------------------------------------------------------------------------


def test_closed_mode_says_sign_ups_are_closed(closed_mode):
    response = Client().get("/account/signup/")
    assert response.status_code == 403
    assert "Sign-ups are closed" in page_text(response)
    assert 'name="password1"' not in response.content.decode()


def test_closed_mode_refuses_a_posted_sign_up(closed_mode):
    response = sign_up()
    assert response.status_code == 403
    assert not User.objects.exists()


def test_closed_mode_refuses_invitation_links_and_the_queue(closed_mode):
    assert sign_up(url="/account/signup/any-token/").status_code == 403
    assert join("maren@example.com").status_code == 403
    assert not User.objects.exists() and not InvitationRequest.objects.exists()


def test_closed_mode_shows_no_sign_up_links(closed_mode):
    for url in ["/", "/account/login/"]:
        page = Client().get(url).content.decode()
        assert "/account/signup/" not in page and "/join/" not in page


def test_closed_mode_still_lets_members_log_in(closed_mode, alice):
    response = Client().post("/account/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_closed_mode_still_lets_staff_add_accounts_in_admin(closed_mode):
    admin = User.objects.create_superuser("keeper", "keeper@example.com", PASSWORD)
    response = client_for(admin).post(
        "/admin/accounts/user/add/",
        {"username": "newcomer", "email": "newcomer@example.com", "usable_password": "true",
         "password1": PASSWORD, "password2": PASSWORD,
         "pseuds-TOTAL_FORMS": "0", "pseuds-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302, page_text(response)
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.email == "newcomer@example.com"
    assert newcomer.default_pseud.name == "newcomer"


# -- invite: the queue ------------------------------------------------------------------------


def test_invite_mode_links_to_the_queue_instead_of_sign_up(invite_mode):
    for url in ["/", "/account/login/"]:
        page = Client().get(url).content.decode()
        assert 'href="/join/">Get an invitation</a>' in page
        assert ">Sign up<" not in page


def test_invite_mode_sign_up_needs_an_invitation(invite_mode):
    page = Client().get("/account/signup/")
    assert page.status_code == 403
    assert "New accounts on Ficarchive need an invitation." in page_text(page)
    assert sign_up().status_code == 403
    assert not User.objects.exists()


def test_joining_the_queue_shows_your_place(invite_mode):
    join("first@example.com")
    response = join("second@example.com")
    text = page_text(response)
    assert "You've joined the queue at position 2." in text
    assert "second@example.com is at position 2 in the queue." in text
    assert list(InvitationRequest.objects.values_list("email", flat=True)) == [
        "first@example.com",
        "second@example.com",
    ]


def test_joining_twice_says_where_you_already_are(invite_mode):
    join("first@example.com")
    join("second@example.com")
    response = join("SECOND@example.com")
    assert "That e-mail address is already in the queue, at position 2." in page_text(response)
    assert InvitationRequest.objects.count() == 2


def test_a_member_address_cannot_join_the_queue(invite_mode, alice):
    response = join("Alice@example.com")
    assert "An account with that e-mail address already exists." in page_text(response)
    assert not InvitationRequest.objects.exists()


def test_an_invalid_address_is_refused(invite_mode):
    response = join("not an address")
    assert "Please enter a valid e-mail address." in page_text(response)
    assert not InvitationRequest.objects.exists()


def test_checking_your_place_by_address(invite_mode):
    join("first@example.com")
    join("second@example.com")
    status = Client().get("/join/status/", {"email": "second@example.com"})
    assert "second@example.com is at position 2 in the queue." in page_text(status)
    registration.send_invitations(1)
    status = Client().get("/join/status/", {"email": "second@example.com"})
    assert "is at position 1 in the queue." in page_text(status)
    invited = Client().get("/join/status/", {"email": "first@example.com"})
    assert "An invitation was sent to first@example.com on" in page_text(invited)
    unknown = Client().get("/join/status/", {"email": "nobody@example.com"})
    assert "nobody@example.com isn't in the queue." in page_text(unknown)


# -- invite: invitations ----------------------------------------------------------------------


def test_the_queue_from_request_to_account(invite_mode, staff, django_capture_on_commit_callbacks):
    join("maren@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client_for(staff).post(
            "/staff/invitations/", {"send": "1", "count": "5"}, follow=True
        )
    assert "Sent 1 invitation." in page_text(sent)
    [email] = mail.outbox
    assert email.to == ["maren@example.com"]
    assert email.subject == "Your invitation to Ficarchive"
    assert "https://archive.example.org/account/signup/" in email.body
    link = link_in(email)

    form = Client().get(link)
    assert form.status_code == 200
    assert 'value="maren@example.com"' in form.content.decode()
    client = Client()
    response = sign_up(client, url=link)
    assert response.status_code == 302 and response["Location"] == "/account/"
    maren = User.objects.get(username="maren")
    assert client.session["_auth_user_id"] == str(maren.pk)
    invitation = Invitation.objects.get()
    assert invitation.used_by == maren and invitation.used_at is not None

    again = sign_up(url=link, username="maren2", email="maren2@example.com")
    assert again.status_code == 403
    assert "This invitation has already been used" in page_text(again)
    assert not User.objects.filter(username="maren2").exists()


def test_staff_send_the_next_n_in_queue_order(invite_mode, django_capture_on_commit_callbacks):
    for name in ["one", "two", "three"]:
        join(f"{name}@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        registration.send_invitations(2)
    assert [m.to for m in mail.outbox] == [["one@example.com"], ["two@example.com"]]
    assert [e.email for e in registration.waiting()] == ["three@example.com"]


def test_each_invitation_has_its_own_link(invite_mode, django_capture_on_commit_callbacks):
    join("one@example.com")
    join("two@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        registration.send_invitations(2)
    assert link_in(mail.outbox[0]) != link_in(mail.outbox[1])


def test_sending_with_an_empty_queue_says_so(invite_mode, staff):
    response = client_for(staff).post(
        "/staff/invitations/", {"send": "1", "count": "3"}, follow=True
    )
    assert "Nobody is waiting in the queue, so no invitations were sent." in page_text(response)
    assert mail.outbox == []


def test_staff_may_send_only_a_sensible_number(invite_mode, staff):
    join("one@example.com")
    response = client_for(staff).post("/staff/invitations/", {"send": "1", "count": "0"})
    assert "Send at least 1 invitation." in page_text(response)
    assert not Invitation.objects.exists()


def test_staff_invite_an_address_directly(invite_mode, staff, django_capture_on_commit_callbacks):
    join("waiting@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(
            "/staff/invitations/", {"invite": "1", "email": "waiting@example.com"}, follow=True
        )
    assert "Invitation sent to waiting@example.com." in page_text(response)
    assert [m.to for m in mail.outbox] == [["waiting@example.com"]]
    assert Invitation.objects.get().invited_by == staff
    assert not registration.waiting().exists()  # it left the queue


def test_staff_cannot_invite_a_member(invite_mode, staff, alice):
    response = client_for(staff).post(
        "/staff/invitations/", {"invite": "1", "email": "alice@example.com"}
    )
    assert "An account with that e-mail address already exists." in page_text(response)
    assert not Invitation.objects.exists()


def test_only_staff_see_the_invitations_page(invite_mode, bob):
    response = client_for(bob).get("/staff/invitations/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_command_sends_invitations_for_cron(invite_mode, django_capture_on_commit_callbacks):
    for name in ["one", "two", "three"]:
        join(f"{name}@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_invitations", "2", stdout=(out := io.StringIO()))
    assert len(mail.outbox) == 2
    assert "Sent 2 invitation(s); 1 still waiting." in out.getvalue()


def test_the_command_refuses_outside_invite_mode(db):
    with pytest.raises(CommandError, match="Registration is 'open'"):
        call_command("send_invitations", "2")


def test_an_expired_invitation_is_refused(invite_mode, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration.invite("maren@example.com")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = sign_up(url=link_in(mail.outbox[0]))
    assert response.status_code == 403
    assert "This invitation has expired. Please ask for a new one." in page_text(response)
    assert not User.objects.exists()


def test_after_an_invitation_expires_the_address_may_queue_again(invite_mode):
    join("first@example.com")
    join("second@example.com")
    registration.send_invitations(1)
    assert "An invitation was already sent" in page_text(join("first@example.com"))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = join("first@example.com")
    assert "You've joined the queue at position 2." in page_text(response)
    assert [e.email for e in registration.waiting()] == ["second@example.com", "first@example.com"]


def test_a_made_up_link_is_refused(invite_mode):
    response = sign_up(url="/account/signup/made-up-token/")
    assert response.status_code == 403
    assert "This invitation link isn't valid." in page_text(response)
    assert not User.objects.exists()


def test_two_sign_ups_racing_for_one_invitation_make_one_account(invite_mode):
    registration.invite("maren@example.com")
    invitation = Invitation.objects.get()  # both requests checked it while it was unused
    first = SignupForm({"username": "maren", "email": "maren@example.com",
                        "password1": PASSWORD, "password2": PASSWORD})  # fmt: skip
    second = SignupForm({"username": "marenx", "email": "marenx@example.com",
                         "password1": PASSWORD, "password2": PASSWORD})  # fmt: skip
    assert first.is_valid() and second.is_valid()
    registration.sign_up(first, invitation)
    with pytest.raises(Exception, match="already been used"):
        registration.sign_up(second, invitation)
    assert list(User.objects.values_list("username", flat=True)) == ["maren"]
