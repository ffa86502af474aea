"""The sitemap: what a search engine may list is exactly what a guest may see."""

from __future__ import annotations

import pytest
from django.utils import timezone
from lxml import etree

from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag
from ficarchive.works.models import Series, Work
from tests.conftest import client_for, make_work

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return [loc.text for loc in etree.fromstring(response.content).iterfind(".//sm:loc", NS)]


def section(client, name: str) -> list[str]:
    """The paths listed on every page of one section, as the index links them."""
    pages = [url for url in locations(client, "/sitemap.xml") if f"/sitemap-{name}.xml" in url]
    assert pages, f"the index links no {name} section"
    return [
        url.removeprefix("http://testserver") for page in pages for url in locations(client, page)
    ]


def canonical(name: str) -> Tag:
    tag = Tag.objects.get(name=name)
    wrangling.set_canonical(tag, True)
    return tag


@pytest.fixture
def shelves(alice):
    """One public work in a series and a canonical fandom; every other kind of work in
    series and fandoms of its own, so a leak would show a name the guest may not see."""
    works = {
        "public": make_work(alice, "Open Harbour", series="Open Tales", fandoms=("Open Sea",)),
        "restricted": make_work(
            alice, "Members Lighthouse", restricted=True, series="Members Tales",
            fandoms=("Members Sea",),
        ),
        "draft": make_work(
            alice, "Unfinished Tide", posted=False, series="Draft Tales", fandoms=("Draft Sea",)
        ),
        "hidden": make_work(
            alice, "Hidden Reef", hidden=True, series="Hidden Tales", fandoms=("Hidden Sea",)
        ),
    }  # fmt: skip
    for name in ["Open Sea", "Members Sea", "Draft Sea", "Hidden Sea"]:
        canonical(name)
    return works


@pytest.mark.parametrize("viewer", [None, "staff"], ids=["guest", "staff"])
def test_the_sitemap_lists_public_works_only_whoever_asks(request, shelves, viewer):
    client = client_for(viewer and request.getfixturevalue(viewer))

    listed = section(client, "works")

    assert listed == [f"/works/{shelves['public'].pk}/"]


def test_the_sitemap_lists_series_with_a_public_work_only(guest_client, shelves):
    listed = section(guest_client, "series")

    assert listed == [f"/series/{Series.objects.get(title='Open Tales').pk}/"]


def test_the_sitemap_lists_canonical_tags_with_public_works_only(guest_client, alice, shelves):
    make_work(alice, "Loose Moorings", fandoms=("Unfiled Sea",))  # not canonical

    listed = section(guest_client, "tags")

    assert "/tags/Open%20Sea/works/" in listed
    for hidden in ["Members", "Draft", "Hidden", "Unfiled"]:
        assert not [url for url in listed if hidden in url], listed


def test_a_work_restricted_later_leaves_the_sitemap(guest_client, shelves):
    Work.objects.filter(pk=shelves["public"].pk).update(restricted=True)

    assert section(guest_client, "works") == []
    assert section(guest_client, "series") == []


def test_the_sitemap_gives_each_work_its_last_change(guest_client, shelves):
    response = guest_client.get("/sitemap-works.xml")

    revised = timezone.localdate(shelves["public"].revised_at).isoformat()
    assert f"<lastmod>{revised}</lastmod>".encode() in response.content
