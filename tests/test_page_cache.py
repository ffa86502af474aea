"""Guests get stored copies of the works index, tag pages and work pages, in local memory or
in Redis; every kind of change shows at once; logged-in readers never get a guest's copy."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from ficarchive.community.models import Comment, Kudos
from ficarchive.community.services import comments
from ficarchive.community.services.comments import CommentInput
from ficarchive.community.services.orphaning import orphan_work
from ficarchive.page_cache import changes_guest_pages, generation
from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag
from ficarchive.works.models import Work
from tests.conftest import PASSWORD, client_for, make_work, use_redis_settings
from tests.works.test_access import work_form

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(params=["memory", "redis"])
def page_cache(request, settings):
    """The page cache on, in this process's memory or in Redis (database 5)."""
    settings.PAGE_CACHE_SECONDS = 300
    if request.param == "redis":
        use_redis_settings(settings, request.getfixturevalue("redis_server") + "/5")
    cache.clear()
    yield request.param
    cache.clear()


def guest() -> Client:
    return Client(enforce_csrf_checks=True)


def read_twice(path: str):
    """A first guest fills the cache; a second guest's copy is returned."""
    first = guest().get(path)
    assert first.status_code == 200
    return guest().get(path)


@pytest.fixture
def work(alice) -> Work:
    return make_work(
        alice, "A Quiet Harbour", chapters=("The boats came in at dawn.", "The tide went out.")
    )


# -- caching happens, safely ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/works/", "/tags/Lanternwick Chronicles/", "work", "chapter"])
@pytest.mark.django_db
def test_a_second_guest_is_served_without_touching_the_database(
    page_cache, work, path, django_assert_num_queries
):
    path = {
        "work": f"/works/{work.pk}/",
        "chapter": f"/works/{work.pk}/chapters/{work.chapters.last().pk}/",
    }.get(path, path)
    first = guest().get(path)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = guest().get(path)
    assert second["X-Page-Cache"] == "hit"
    assert second.content.decode().count("A Quiet Harbour") >= 1
    assert second.content.count(b"csrfmiddlewaretoken") == first.content.count(
        b"csrfmiddlewaretoken"
    )


@pytest.mark.django_db
def test_the_tag_works_page_and_each_query_string_have_their_own_copy(page_cache, alice):
    make_work(alice, "A Quiet Harbour")
    make_work(alice, "Lanterns at Low Tide", fandoms=("Saltmarsh Stories",))
    guest().get("/works/")
    assertNotContains(read_twice("/works/?include=Saltmarsh Stories"), "A Quiet Harbour")
    listing = read_twice("/tags/Saltmarsh Stories/works/")
    assertContains(listing, "Lanterns at Low Tide")
    assertNotContains(listing, "A Quiet Harbour")


@pytest.mark.django_db
def test_guest_kudos_and_comments_work_from_a_cached_page(page_cache, work):
    path = f"/works/{work.pk}/"
    first_visitor = guest()
    first_token = TOKEN.search(first_visitor.get(path).content.decode()).group(1)

    reader = guest()
    page = reader.get(path, REMOTE_ADDR="198.51.100.20")
    assert page["X-Page-Cache"] == "hit"
    tokens = set(TOKEN.findall(page.content.decode()))
    assert len(tokens) == 1 and first_token not in tokens  # this visitor's own token
    token = tokens.pop()

    kudos = reader.post(
        f"/works/{work.pk}/kudos/", {"csrfmiddlewaretoken": token}, REMOTE_ADDR="198.51.100.20"
    )
    assert kudos.status_code == 302
    chapter = work.chapters.first()
    comment = reader.post(
        f"/works/{work.pk}/chapters/{chapter.pk}/comments/",
        {
            "csrfmiddlewaretoken": token,
            "body": "The dawn boats were lovely.",
            "guest_name": "Wren",
            "guest_email": "wren@example.com",
        },
        REMOTE_ADDR="198.51.100.20",
    )
    assert comment.status_code == 302
    assert Kudos.objects.filter(work=work, user__isnull=True).count() == 1
    assert Comment.objects.filter(work=work, guest_name="Wren").exists()
    # …and the next guest sees both at once.
    fresh = guest().get(path)
    assertContains(fresh, "1 guest")
    assertContains(fresh, "The dawn boats were lovely.")


@pytest.mark.django_db
def test_a_cached_work_page_still_counts_the_hit(page_cache, work, settings, monkeypatch):
    from ficarchive.community.services import hits

    settings.REDIS_URL = ""
    monkeypatch.setattr(hits, "_buffer", None)  # a fresh buffer, not earlier tests' visitors
    path = f"/works/{work.pk}/"
    guest().get(path, REMOTE_ADDR="198.51.100.1")
    assert guest().get(path, REMOTE_ADDR="198.51.100.2")["X-Page-Cache"] == "hit"
    hits.flush()
    work.refresh_from_db()
    assert work.hits == 2


@pytest.mark.django_db
def test_logged_in_readers_never_get_a_guest_copy_and_their_pages_are_private(
    page_cache, work, bob
):
    path = f"/works/{work.pk}/"
    read_twice(path)
    response = client_for(bob).get(path)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assertContains(response, "Mark for Later")  # bob's own buttons, not a guest's page
    assert "private" in client_for(bob).get("/works/")["Cache-Control"]


@pytest.mark.django_db
def test_guest_pages_are_private_unless_public_seconds_are_set(page_cache, work, settings):
    listing = read_twice("/works/")
    assert listing["Cache-Control"] == "private"
    settings.PAGE_CACHE_PUBLIC_SECONDS = 60
    listing = read_twice("/works/")
    assert listing["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in listing["Vary"]
    # A page with a form carries this visitor's token and cookie: never shared.
    page = read_twice(f"/works/{work.pk}/")
    assert page["Cache-Control"] == "private"


@pytest.mark.django_db
def test_the_adult_gate_is_not_skipped_or_shown_from_a_cached_copy(page_cache, alice):
    work = make_work(alice, "Storm Season", rating="Mature")
    path = f"/works/{work.pk}/"
    assertContains(read_twice(path), "Yes, Continue")
    reader = guest()
    past_gate = reader.get(path + "?view_adult=true")
    assertNotContains(past_gate, "Yes, Continue")
    again = reader.get(path)  # their session remembers the answer: no guest copy for them
    assert "X-Page-Cache" not in again
    assertNotContains(again, "Yes, Continue")
    assertContains(guest().get(path), "Yes, Continue")


@pytest.mark.django_db
def test_a_guest_with_messages_waiting_gets_a_fresh_page(page_cache, work, settings):
    read_twice("/works/")
    visitor = guest()
    visitor.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in visitor.get("/works/")


@pytest.mark.django_db
def test_the_listing_rate_limit_counts_cached_pages(page_cache, settings):
    settings.LISTING_RATE_LIMIT = 3
    settings.LISTING_RATE_LIMIT_SECONDS = 60
    visitor = Client(REMOTE_ADDR="203.0.113.9")
    assert [visitor.get("/works/").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.django_db
def test_a_ttl_of_zero_turns_the_cache_off(page_cache, settings, work):
    settings.PAGE_CACHE_SECONDS = 0
    assert "X-Page-Cache" not in read_twice("/works/")


# -- every change shows at once -------------------------------------------------------------


def cached(path: str) -> None:
    assert read_twice(path)["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_an_edited_title_shows_at_once_everywhere(page_cache, work, alice):
    for path in [f"/works/{work.pk}/", "/works/", "/tags/Lanternwick Chronicles/works/"]:
        cached(path)
    response = client_for(alice).post(
        f"/works/{work.pk}/edit/", work_form(work, title="High Water")
    )
    assert response.status_code == 302
    for path in [f"/works/{work.pk}/", "/works/", "/tags/Lanternwick Chronicles/works/"]:
        page = guest().get(path)
        assertContains(page, "High Water")
        assertNotContains(page, "A Quiet Harbour")


@pytest.mark.django_db
def test_a_new_chapter_shows_at_once(page_cache, work, alice):
    cached(f"/works/{work.pk}/?view_full_work=true")
    client_for(alice).post(
        f"/works/{work.pk}/chapters/new/",
        {"title": "", "text": "The lighthouse keeper waved.", "published_on": ""},
    )
    assertContains(guest().get(f"/works/{work.pk}/?view_full_work=true"), "lighthouse keeper")


@pytest.mark.django_db
def test_comments_posted_hidden_and_deleted_show_at_once(page_cache, work, alice, bob):
    path = f"/works/{work.pk}/"
    cached(path)
    client_for(bob).post(
        f"/works/{work.pk}/chapters/{work.chapters.first().pk}/comments/",
        {"body": "Such a calm opening."},
    )
    assertContains(guest().get(path), "Such a calm opening.")
    comment = Comment.objects.get(body__contains="calm opening")
    comments.set_hidden(comment, alice, True)
    assertNotContains(guest().get(path), "Such a calm opening.")
    comments.set_hidden(comment, alice, False)
    assertContains(guest().get(path), "Such a calm opening.")
    comments.delete_comment(comment, bob)
    assertNotContains(guest().get(path), "Such a calm opening.")


@pytest.mark.django_db
def test_a_comment_approved_by_the_creator_shows_at_once(page_cache, work, alice, bob):
    comments.set_moderation(work, alice, True)
    comment = comments.post_comment(
        work.chapters.first(), bob, CommentInput(body="Waiting for a yes.")
    )
    cached(f"/works/{work.pk}/")
    comments.approve(comment, alice)
    assertContains(guest().get(f"/works/{work.pk}/"), "Waiting for a yes.")


@pytest.mark.django_db
def test_kudos_show_at_once(page_cache, work, bob):
    cached(f"/works/{work.pk}/")
    client_for(bob).post(f"/works/{work.pk}/kudos/")
    assertContains(guest().get(f"/works/{work.pk}/"), "bob")


@pytest.mark.django_db
def test_renamed_and_wrangled_tags_show_at_once(page_cache, alice, staff):
    work = make_work(alice, "A Quiet Harbour", characters=("Harbourmaster",))
    for path in [f"/works/{work.pk}/", "/tags/Harbourmaster/"]:
        cached(path)
    wrangling.rename(Tag.objects.get(name="Harbourmaster"), "The Harbourmaster", staff)
    assertContains(guest().get(f"/works/{work.pk}/"), "The Harbourmaster")
    canonical = Tag.objects.get(name="The Harbourmaster")
    wrangling.set_canonical(canonical, True, staff)
    cached("/tags/The Harbourmaster/works/")
    other = make_work(alice, "Foghorn Nights", characters=("Harbour Master",))
    assertNotContains(guest().get("/tags/The Harbourmaster/works/"), "Foghorn Nights")
    wrangling.set_synonym(Tag.objects.get(name="Harbour Master"), canonical, staff)
    assertContains(guest().get("/tags/The Harbourmaster/works/"), other.title)


@pytest.mark.django_db
def test_a_work_hidden_by_staff_in_the_admin_is_gone_for_guests_at_once(page_cache, work, staff):
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_work", "change_work"])
    )
    cached(f"/works/{work.pk}/")
    cached("/works/")
    client_for(staff).post(
        "/admin/works/work/", {"action": "hide", "_selected_action": [work.pk], "index": 0}
    )
    assert guest().get(f"/works/{work.pk}/").status_code == 404
    assertNotContains(guest().get("/works/"), "A Quiet Harbour")
    client_for(staff).post(
        "/admin/works/work/", {"action": "unhide", "_selected_action": [work.pk], "index": 0}
    )
    assert guest().get(f"/works/{work.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_deleted_work_is_gone_for_guests_at_once(page_cache, work, alice):
    cached(f"/works/{work.pk}/")
    cached("/works/")
    client_for(alice).post(f"/works/{work.pk}/delete/")
    assert guest().get(f"/works/{work.pk}/").status_code == 404
    assertNotContains(guest().get("/works/"), "A Quiet Harbour")


@pytest.mark.django_db
def test_a_work_made_restricted_sends_guests_to_log_in_at_once(page_cache, work, alice):
    cached(f"/works/{work.pk}/")
    client_for(alice).post(f"/works/{work.pk}/edit/", work_form(work, restricted="on"))
    assert Work.objects.get(pk=work.pk).restricted
    response = guest().get(f"/works/{work.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_an_orphaned_work_shows_its_new_creator_at_once(page_cache, work, alice):
    cached(f"/works/{work.pk}/")
    orphan_work(work, alice, keep_pseud=False)
    assertContains(guest().get(f"/works/{work.pk}/"), "orphan_account")


@pytest.mark.django_db
def test_a_bare_queryset_update_is_noticed_too(page_cache, work):
    cached("/works/")
    Work.objects.filter(pk=work.pk).update(title="Written Straight to the Table")
    assertContains(guest().get("/works/"), "Written Straight to the Table")


@pytest.mark.django_db
def test_logging_in_and_writing_out_hits_keep_the_cached_pages(
    page_cache, work, bob, settings, monkeypatch
):
    from ficarchive.community.services import hits

    settings.REDIS_URL = ""
    monkeypatch.setattr(hits, "_buffer", None)
    cached(f"/works/{work.pk}/")
    before = generation()
    login = Client().post("/account/login/", {"username": "bob", "password": PASSWORD})
    assert login.status_code == 302  # a session row and bob's last log-in time were written
    assert hits.flush() == 1  # the guests' hit reached the work's counter
    assert generation() == before
    assert guest().get(f"/works/{work.pk}/")["X-Page-Cache"] == "hit"


def test_which_statements_start_a_new_generation():
    assert changes_guest_pages('UPDATE "works_work" SET "title" = %s WHERE "id" = %s')
    assert changes_guest_pages("DELETE FROM works_filtertagging WHERE tag_id IN (%s)")
    assert changes_guest_pages('INSERT INTO "community_comment" ("body") VALUES (%s)')
    assert changes_guest_pages("WITH gone AS (DELETE FROM tags_tag) SELECT 1")
    assert not changes_guest_pages('SELECT * FROM "works_work"')
    assert not changes_guest_pages('UPDATE "django_session" SET "session_data" = %s')
    assert not changes_guest_pages('INSERT INTO "community_reading" ("times") VALUES (%s)')
    assert not changes_guest_pages(
        'UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s'
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transaction_starts_a_new_generation_again_once_it_commits(page_cache, alice):
    """A guest who read the old rows while the transaction was open cached them under the
    generation it started; the one after commit is new again."""
    work = make_work(alice)
    before = generation()
    with transaction.atomic():
        Work.objects.filter(pk=work.pk).update(title="One")
        Work.objects.filter(pk=work.pk).update(title="Two")
        assert generation() == before + 2
    assert generation() == before + 3
