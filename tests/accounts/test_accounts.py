"""Accounts: signing up, logging in and out, passwords, pseuds, preferences and profiles."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.test import Client
from django.utils import timezone

from ficarchive.accounts.models import Pseud, User
from ficarchive.works.models import Series, Work
from tests.conftest import PASSWORD, client_for, fixed, make_work

NEW_PASSWORD = "another long password 2"


def field_errors(response, field: str) -> list[str]:
    """The messages shown in the error list that belongs to `field` (its id_<field>_error)."""
    html = response.content.decode()
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    if found is None:
        return []
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def work_ids_listed(response) -> list[int]:
    html = response.content.decode()
    return [int(n) for n in re.findall(r'<li class="blurb" id="work_(\d+)">', html)]


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def can_log_in(username: str, password: str) -> bool:
    client = Client()
    client.post("/account/login/", {"username": username, "password": password})
    return logged_in_user_id(client) is not None


# -- signing up -----------------------------------------------------------------------------


def signup(client=None, follow=False, **changes):
    data = {"username": "maren", "email": "maren@example.com", "password1": PASSWORD,
            "password2": PASSWORD, **changes}  # fmt: skip
    return (client or Client()).post("/account/signup/", data, follow=follow)


def test_signing_up_creates_the_account(db):
    response = signup()
    assert response.status_code == 302
    assert User.objects.get(username="maren").email == "maren@example.com"


def test_signing_up_logs_in_and_shows_the_dashboard(db):
    client = Client()
    response = signup(client, follow=True)
    assert response.redirect_chain == [("/account/", 302)]
    assert "<h1>Hi, maren!</h1>" in response.content.decode()
    assert client.get("/works/new/").status_code == 200


def test_signing_up_creates_a_default_pseud_named_after_the_login(db):
    signup()
    pseud = User.objects.get(username="maren").pseuds.get()
    assert (pseud.name, pseud.is_default) == ("maren", True)


def test_the_new_account_can_log_in_with_its_password(db):
    signup()
    assert can_log_in("maren", PASSWORD)


def test_a_user_name_taken_in_another_case_is_refused(alice):
    response = signup(username="ALICE")
    assert response.status_code == 200
    assert "That user name is already taken." in field_errors(response, "username")
    assert User.objects.count() == 1


def test_an_e_mail_address_already_used_is_refused(alice):
    response = signup(email="Alice@Example.COM")
    assert response.status_code == 200
    assert "An account with that e-mail address already exists." in field_errors(response, "email")
    assert User.objects.count() == 1


def test_a_user_name_shorter_than_3_characters_is_refused(db):
    response = signup(username="ma")
    assert response.status_code == 200
    assert any("at least 3 characters" in e for e in field_errors(response, "username"))
    assert not User.objects.exists()


def test_a_user_name_longer_than_40_characters_is_refused(db):
    response = signup(username="m" * 41)
    assert response.status_code == 200
    assert any("at most 40 characters" in e for e in field_errors(response, "username"))
    assert not User.objects.exists()


@pytest.mark.parametrize("username", ["mar en", "maren!", "_maren", "mar-en", "marén"])
def test_a_user_name_with_other_characters_is_refused(db, username):
    response = signup(username=username)
    assert response.status_code == 200
    assert (
        "User names must begin with a letter or number and contain only letters, numbers "
        "and underscores." in field_errors(response, "username")
    )
    assert not User.objects.exists()


def test_user_names_of_3_and_40_characters_are_accepted(db):
    assert signup(username="abc", email="a@example.com").status_code == 302
    assert signup(username="b" * 40, email="b@example.com").status_code == 302


def test_passwords_that_differ_are_refused(db):
    response = signup(password2="a different password")
    assert response.status_code == 200
    assert "The two password fields didn’t match." in field_errors(response, "password2")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("sh0rt!", "This password is too short. It must contain at least 8 characters."),
        ("password", "This password is too common."),
        ("90817263544", "This password is entirely numeric."),
        ("p" * 73, "Your password must be at most 72 characters long."),
        ("maren@example", "The password is too similar to the e-mail address."),
    ],
    ids=["short", "common", "numeric", "too-long", "like-the-address"],
)
def test_weak_passwords_are_refused(db, password, message):
    response = signup(password1=password, password2=password)
    assert response.status_code == 200
    assert message in field_errors(response, "password2")
    assert not User.objects.exists()


def test_a_password_of_72_characters_is_accepted(db):
    password = "correct horse battery staple " * 2 + "x" * 14
    assert len(password) == 72
    assert signup(password1=password, password2=password).status_code == 302


def test_passwords_are_hashed_with_argon2_in_the_real_settings():
    import ficarchive.settings as real_settings

    argon2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert real_settings.PASSWORD_HASHERS[0] == argon2
    assert Argon2PasswordHasher().encode("a password", "somesaltsalt").startswith("argon2$")


def test_a_new_account_stores_an_argon2_hash_under_the_real_settings(db, settings):
    import ficarchive.settings as real_settings

    settings.PASSWORD_HASHERS = real_settings.PASSWORD_HASHERS
    signup()
    assert User.objects.get(username="maren").password.startswith("argon2$")


def test_a_logged_in_user_is_sent_from_sign_up_to_the_dashboard(alice):
    response = client_for(alice).get("/account/signup/")
    assert response.status_code == 302
    assert response.url == "/account/"


# -- logging in and out ---------------------------------------------------------------------


def test_logging_in_with_the_right_password_works(alice):
    client = Client()
    response = client.post("/account/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(alice.pk)


def test_logging_in_ignores_the_case_of_the_user_name(alice):
    assert can_log_in("ALICE", PASSWORD)


def test_logging_in_with_a_wrong_password_says_so(alice):
    client = Client()
    response = client.post("/account/login/", {"username": "alice", "password": "wrong one!"})
    assert response.status_code == 200
    assert "Please enter a correct user name and password." in unescape(response.content.decode())
    assert logged_in_user_id(client) is None


def test_logging_in_returns_to_the_page_asked_for(alice):
    response = Client().post(
        "/account/login/?next=/works/new/",
        {"username": "alice", "password": PASSWORD, "next": "/works/new/"},
    )
    assert response.url == "/works/new/"


def test_logging_in_never_sends_to_another_site(alice):
    response = Client().post(
        "/account/login/",
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.url == "/"


def test_logging_out_needs_a_post(alice):
    client = client_for(alice)
    assert client.get("/account/logout/").status_code == 405
    assert logged_in_user_id(client) == str(alice.pk)


def test_logging_out_ends_the_session(alice):
    client = client_for(alice)
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert logged_in_user_id(client) is None
    assert client.get("/account/").status_code == 302


def test_every_page_offers_log_out_as_a_form(alice):
    page = client_for(alice).get("/works/").content.decode()
    assert '<form method="post" action="/account/logout/"' in page


# -- passwords ------------------------------------------------------------------------------


def test_changing_the_password(alice):
    response = client_for(alice).post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == "/account/password/done/"
    assert can_log_in("alice", NEW_PASSWORD)
    assert not can_log_in("alice", PASSWORD)


def test_changing_the_password_needs_the_old_one(alice):
    response = client_for(alice).post(
        "/account/password/",
        {"old_password": "not it at all", "new_password1": NEW_PASSWORD,
         "new_password2": NEW_PASSWORD},
    )  # fmt: skip
    assert response.status_code == 200
    assert field_errors(response, "old_password")
    assert can_log_in("alice", PASSWORD)


def test_a_new_password_must_pass_the_same_rules(alice):
    response = client_for(alice).post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "p" * 73, "new_password2": "p" * 73},
    )
    assert "Your password must be at most 72 characters long." in field_errors(
        response, "new_password2"
    )


def reset_link() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"https?://testserver(/account/reset/\S+/)", mail.outbox[0].body).group(1)


def test_a_password_reset_sends_a_link_to_the_account_address(alice):
    response = Client().post("/account/reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert response.url == "/account/reset/sent/"
    assert mail.outbox[0].to == ["alice@example.com"]
    assert reset_link()


def test_the_reset_link_lets_the_user_choose_a_new_password_and_log_in(alice):
    client = Client()
    client.post("/account/reset/", {"email": "alice@example.com"})
    response = client.get(reset_link(), follow=True)
    form_url = response.redirect_chain[-1][0]
    assert "Choose a new password" in response.content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == "/account/reset/done/"
    assert can_log_in("alice", NEW_PASSWORD)
    assert not can_log_in("alice", PASSWORD)


def test_a_reset_link_works_only_once(alice):
    client = Client()
    client.post("/account/reset/", {"email": "alice@example.com"})
    link = reset_link()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    page = Client().get(link, follow=True).content.decode()
    assert "This password reset link is no longer valid." in page


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(alice):
    response = Client().post("/account/reset/", {"email": "nobody@example.com"})
    assert response.url == "/account/reset/sent/"
    assert mail.outbox == []


# -- pseuds ---------------------------------------------------------------------------------


def add_pseud(user, name: str, description: str = ""):
    return client_for(user).post("/account/pseuds/new/", {"name": name, "description": description})


def test_adding_a_pseud(alice):
    response = add_pseud(alice, "Lantern Keeper", "Writes about harbours.")
    assert response.status_code == 302
    pseud = alice.pseuds.get(name="Lantern Keeper")
    assert not pseud.is_default
    assert pseud.description == "Writes about harbours."
    page = client_for(alice).get("/account/pseuds/").content.decode()
    assert "Lantern Keeper" in page


def test_renaming_a_pseud(alice):
    add_pseud(alice, "Lantern Keeper")
    pseud = alice.pseuds.get(name="Lantern Keeper")
    response = client_for(alice).post(
        f"/account/pseuds/{pseud.pk}/edit/", {"name": "Harbour Keeper", "description": ""}
    )
    assert response.status_code == 302
    pseud.refresh_from_db()
    assert pseud.name == "Harbour Keeper"
    assert Client().get("/users/alice/pseuds/Harbour Keeper/").status_code == 200


def test_a_pseud_name_is_required(alice):
    response = add_pseud(alice, "   ")
    assert "Please enter a name for the pseud." in field_errors(response, "name")
    assert alice.pseuds.count() == 1


def test_a_pseud_name_over_40_characters_is_refused(alice):
    response = add_pseud(alice, "p" * 41)
    assert "Pseud names must be at most 40 characters long." in field_errors(response, "name")
    assert alice.pseuds.count() == 1


def test_pseud_names_of_1_and_40_characters_are_accepted(alice):
    assert add_pseud(alice, "p").status_code == 302
    assert add_pseud(alice, "q" * 40).status_code == 302


@pytest.mark.parametrize("name", ["Maren!", "Maren.Holt", "a/b", "<b>", "Maren@home", "x,y"])
def test_a_pseud_name_with_other_characters_is_refused(alice, name):
    response = add_pseud(alice, name)
    assert response.status_code == 200
    assert (
        "Pseuds can contain letters, numbers, spaces, underscores and hyphens only."
        in field_errors(response, "name")
    )
    assert alice.pseuds.count() == 1


def test_pseud_names_may_use_letters_digits_underscores_spaces_and_hyphens(alice):
    assert add_pseud(alice, "Marén_Holt-2 the Third").status_code == 302


def test_a_user_cannot_have_two_pseuds_with_the_same_name(alice):
    add_pseud(alice, "Lantern Keeper")
    response = add_pseud(alice, "lantern  keeper")
    assert "You already have a pseud with that name." in field_errors(response, "name")
    assert alice.pseuds.count() == 2


def test_two_users_may_have_pseuds_with_the_same_name(alice, bob):
    add_pseud(alice, "Lantern Keeper")
    assert add_pseud(bob, "Lantern Keeper").status_code == 302


def test_a_pseud_description_over_500_characters_is_refused(alice):
    response = add_pseud(alice, "Lantern Keeper", "d" * 501)
    assert "The description must be at most 500 characters." in field_errors(
        response, "description"
    )


def test_someone_elses_pseud_cannot_be_edited_or_deleted(alice, bob):
    pseud = bob.default_pseud
    client = client_for(alice)
    assert client.post(f"/account/pseuds/{pseud.pk}/edit/", {"name": "Mine"}).status_code == 404
    assert client.post(f"/account/pseuds/{pseud.pk}/delete/").status_code == 404
    pseud.refresh_from_db()
    assert pseud.name == "bob"


def post_as(user, pseud: Pseud, title: str, **extra) -> Work:
    data = {
        "title": title, "creators": [pseud.pk], "rating": fixed("General Audiences").pk,
        "warnings": [fixed("No Archive Warnings Apply").pk], "fandoms": "Lanternwick Chronicles",
        "language": "en", "expected_chapters": "?", "comment_permission": "everyone",
        "published_on": timezone.localdate().isoformat(), "post": "1",
        "text": "The lamps were lit one by one along the harbour wall.", **extra,
    }  # fmt: skip
    response = client_for(user).post("/works/new/", data)
    assert response.status_code == 302
    return Work.objects.get(title=title)


def test_deleting_a_pseud_credits_its_works_to_the_default_pseud(alice, guest_client):
    add_pseud(alice, "Lantern Keeper")
    pseud = alice.pseuds.get(name="Lantern Keeper")
    work = post_as(alice, pseud, "Under Another Name", new_series_title="Pen Name Series")
    response = client_for(alice).post(f"/account/pseuds/{pseud.pk}/delete/")
    assert response.status_code == 302
    assert not Pseud.objects.filter(pk=pseud.pk).exists()
    assert [p.pk for p in Work.objects.get(pk=work.pk).creator_pseuds] == [alice.default_pseud.pk]
    assert list(Series.objects.get().creators.all()) == [alice.default_pseud]
    page = guest_client.get(f"/works/{work.pk}/").content.decode()
    assert '<a rel="author" href="/users/alice/pseuds/alice/">alice</a>' in page


def test_the_default_pseud_cannot_be_deleted(alice):
    pseud = alice.default_pseud
    response = client_for(alice).post(f"/account/pseuds/{pseud.pk}/delete/", follow=True)
    assert "You can&#x27;t delete your default pseud." in response.content.decode()
    assert Pseud.objects.filter(pk=pseud.pk).exists()


def test_a_work_under_a_pseud_shows_pseud_and_login_in_its_byline(alice, guest_client):
    add_pseud(alice, "Lantern Keeper")
    work = post_as(alice, alice.pseuds.get(name="Lantern Keeper"), "Pen Name Work")
    page = guest_client.get(f"/works/{work.pk}/").content.decode()
    assert ">Lantern Keeper (alice)</a>" in page


# -- preferences ----------------------------------------------------------------------------

GATE = "This work could have adult content."


def test_an_adult_work_asks_before_showing(alice, bob):
    work = make_work(bob, rating="Mature")
    page = client_for(alice).get(f"/works/{work.pk}/").content.decode()
    assert GATE in page
    assert "The boats came in at dawn" not in page


def test_the_skip_adult_gate_preference_shows_adult_works_at_once(alice, bob):
    work = make_work(bob, rating="Explicit")
    client = client_for(alice)
    response = client.post("/account/preferences/", {"skip_adult_gate": "on"})
    assert response.status_code == 302
    page = client.get(f"/works/{work.pk}/").content.decode()
    assert GATE not in page
    assert "The boats came in at dawn" in page


def test_the_view_full_works_preference_shows_every_chapter(alice, bob):
    chapters = ("First chapter here.", "Second chapter here.", "Third chapter here.")
    work = make_work(bob, chapters=chapters)
    client = client_for(alice)
    assert "Second chapter here." not in client.get(f"/works/{work.pk}/").content.decode()
    client.post("/account/preferences/", {"view_full_works": "on"})
    page = client.get(f"/works/{work.pk}/").content.decode()
    assert all(text in page for text in chapters)


def test_preferences_are_shown_as_saved(alice):
    client = client_for(alice)
    client.post("/account/preferences/", {"view_full_works": "on"})
    alice.refresh_from_db()
    assert (alice.view_full_works, alice.skip_adult_gate) == (True, False)
    page = client.get("/account/preferences/").content.decode()
    assert re.search(r'<input type="checkbox" name="view_full_works"[^>]* checked', page)


# -- profiles -------------------------------------------------------------------------------


def test_a_profile_lists_only_that_users_works(alice, bob, guest_client):
    mine = make_work(alice, "Alice's Work")
    theirs = make_work(bob, "Bob's Work")
    listed = work_ids_listed(guest_client.get("/users/alice/"))
    assert mine.pk in listed
    assert theirs.pk not in listed
    assert work_ids_listed(guest_client.get("/users/alice/works/")) == [mine.pk]


def test_a_profile_hides_drafts_from_other_people(alice, bob):
    posted = make_work(alice, "Posted")
    draft = make_work(alice, "Draft", posted=False)
    assert work_ids_listed(client_for(bob).get("/users/alice/works/")) == [posted.pk]
    assert set(work_ids_listed(client_for(alice).get("/users/alice/works/"))) == {
        posted.pk,
        draft.pk,
    }


def test_a_profile_hides_restricted_works_from_guests_and_counts_honestly(alice, guest_client):
    make_work(alice, "Open")
    make_work(alice, "Members Only", restricted=True)
    page = guest_client.get("/users/alice/").content.decode()
    assert "Members Only" not in page
    assert "Works (1)" in page


def test_a_pseud_page_lists_only_that_pseuds_works(alice, guest_client):
    add_pseud(alice, "Lantern Keeper", "Writes about harbours.")
    pseud = alice.pseuds.get(name="Lantern Keeper")
    under_pseud = post_as(alice, pseud, "Under the Pseud")
    under_login = make_work(alice, "Under the Login")
    response = guest_client.get("/users/alice/pseuds/Lantern Keeper/")
    assert work_ids_listed(response) == [under_pseud.pk]
    assert "Writes about harbours." in response.content.decode()
    assert work_ids_listed(guest_client.get("/users/alice/pseuds/alice/")) == [under_login.pk]


def test_a_profile_lists_the_users_series(alice, bob, guest_client):
    make_work(alice, series="Harbour Lights")
    make_work(bob, "Bob's", series="Bob's Series")
    page = guest_client.get("/users/alice/series/").content.decode()
    assert "Harbour Lights" in page
    assert "Bob&#x27;s Series" not in page


def test_an_unknown_user_has_no_profile(db, guest_client):
    assert guest_client.get("/users/nobody/").status_code == 404
    assert guest_client.get("/users/nobody/pseuds/nobody/").status_code == 404
