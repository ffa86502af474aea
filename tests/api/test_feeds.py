"""Atom feeds of a tag, a creator, a series and a saved search: what a guest sees."""

from __future__ import annotations

import pytest
from lxml import etree

from ficarchive.api.feeds import saved_search_token
from ficarchive.search.models import SavedSearch
from tests.conftest import client_for, make_work

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[str]:
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    for required in ["id", "title", "updated"]:
        assert feed.find(ATOM + required) is not None
    return [entry.findtext(ATOM + "title") for entry in feed.iter(ATOM + "entry")]


def test_a_tags_feed_has_its_public_works_only(guest_client, archive, alice, bob):
    make_work(alice, "Other Fandom Work", fandoms=("Glass Orchard",))
    url = "/tags/Lanternwick Chronicles/works/feed.atom"
    assert entries(guest_client.get(url)) == ["Open Harbour"]
    # Feeds are the same for everyone: a signed-in reader's feed reader shares its results.
    assert entries(client_for(bob).get(url)) == ["Open Harbour"]


def test_a_creators_feed(guest_client, archive):
    assert entries(guest_client.get("/users/alice/works/feed.atom")) == ["Open Harbour"]


def test_a_series_feed(guest_client, archive, alice):
    series = archive["public"].series_memberships.get().series
    make_work(alice, "Sequel In Members Only", series=series, restricted=True)
    assert entries(guest_client.get(f"/series/{series.pk}/feed.atom")) == ["Open Harbour"]


def test_a_saved_search_feed_needs_its_signed_address(guest_client, archive, alice):
    make_work(alice, "Glass Lantern", fandoms=("Glass Orchard",))
    saved = SavedSearch.objects.create(
        user=alice, name="Glass", path="/works/", query="include=Glass+Orchard"
    )
    url = f"/searches/{saved_search_token(saved)}/feed.atom"
    assert entries(guest_client.get(url)) == ["Glass Lantern"]
    assert guest_client.get(f"/searches/{saved.pk}/feed.atom").status_code == 404


def test_pages_link_to_their_feeds(guest_client, archive, alice):
    series = archive["public"].series_memberships.get().series
    SavedSearch.objects.create(user=alice, name="Mine", path="/works/", query="sort=title")
    pages = {
        "/tags/Lanternwick Chronicles/works/": "/tags/Lanternwick%20Chronicles/works/feed.atom",
        "/users/alice/works/": "/users/alice/works/feed.atom",
        f"/series/{series.pk}/": f"/series/{series.pk}/feed.atom",
    }
    for page, feed in pages.items():
        html = guest_client.get(page).content.decode()
        assert 'rel="alternate" type="application/atom+xml"' in html, page
        assert feed in html, page
    saved_page = client_for(alice).get("/account/searches/").content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in saved_page


@pytest.mark.parametrize("kind", ["restricted", "draft", "hidden"])
def test_no_feed_shows_a_secret_work(guest_client, archive, kind):
    title = archive[kind].title
    for url in ["/tags/Lanternwick Chronicles/works/feed.atom", "/users/alice/works/feed.atom"]:
        assert title not in guest_client.get(url).content.decode()
