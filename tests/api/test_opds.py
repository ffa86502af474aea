"""The OPDS catalogue, walked the way an e-reader app walks it."""

from __future__ import annotations

import base64

import pytest
from lxml import etree

from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag
from tests.api.conftest import bearer
from tests.conftest import make_work

pytestmark = pytest.mark.django_db

NS = {"atom": "http://www.w3.org/2005/Atom", "os": "http://a9.com/-/spec/opensearch/1.1/"}
ACQUIRE = "http://opds-spec.org/acquisition"


def feed(client, url: str, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    assert "profile=opds-catalog" in response["Content-Type"]
    root = etree.fromstring(response.content)
    for required in ["atom:id", "atom:title", "atom:updated"]:
        assert root.find(required, NS) is not None
    return root


def link(element, rel: str) -> str:
    return element.find(f"atom:link[@rel='{rel}']", NS).get("href")


def entry_titled(root, title: str):
    for entry in root.findall("atom:entry", NS):
        if entry.findtext("atom:title", namespaces=NS) == title:
            return entry
    raise AssertionError(f"no entry {title!r}")


@pytest.fixture
def canonical_fandom(archive):
    tag = Tag.objects.get(name="Lanternwick Chronicles")
    wrangling.set_canonical(tag, True)
    return tag


def test_walk_from_the_root_to_an_epub(api, archive, canonical_fandom):
    root = feed(api, "/opds/")
    fandoms = feed(api, link(entry_titled(root, "Fandoms"), "subsection"))
    works = feed(api, link(entry_titled(fandoms, "Lanternwick Chronicles"), "subsection"))
    epub = entry_titled(works, "Open Harbour").find(
        f"atom:link[@rel='{ACQUIRE}'][@type='application/epub+zip']", NS
    )
    download = api.get(epub.get("href"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/epub+zip"
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_search_through_the_opensearch_description(api, archive):
    root = feed(api, "/opds/")
    description = etree.fromstring(api.get(link(root, "search")).content)
    template = description.find("os:Url", NS).get("template")
    results = feed(api, template.replace("{searchTerms}", "harbour"))
    assert [e.findtext("atom:title", namespaces=NS) for e in results.findall("atom:entry", NS)] == [
        "Open Harbour"
    ]


def test_new_works_are_paginated(api, alice):
    for n in range(23):
        make_work(alice, f"Shoreline {n}")
    first = feed(api, "/opds/new/")
    assert len(first.findall("atom:entry", NS)) == 20
    second = feed(api, link(first, "next"))
    assert len(second.findall("atom:entry", NS)) == 3
    assert second.find("atom:link[@rel='next']", NS) is None
    assert link(second, "previous")


def basic(secret: str) -> str:
    return "Basic " + base64.b64encode(f"reader:{secret}".encode()).decode()


def test_restricted_works_need_basic_auth_with_a_token(api, archive, bob):
    guest = feed(api, "/opds/new/")
    assert "Members Lighthouse" not in etree.tostring(guest).decode()
    url = f"/opds/works/{archive['restricted'].pk}/epub/"
    challenge = api.get(url)
    assert challenge.status_code == 401
    assert challenge["WWW-Authenticate"].startswith("Basic")
    secret = bearer(bob)["Authorization"].removeprefix("Bearer ")
    member = feed(api, "/opds/new/", Authorization=basic(secret))
    assert entry_titled(member, "Members Lighthouse") is not None
    assert api.get(url, headers={"Authorization": basic(secret)}).status_code == 200
    assert api.get(url, headers={"Authorization": basic("fa_wrong")}).status_code == 401


@pytest.mark.parametrize("kind", ["restricted", "draft", "hidden"])
def test_no_opds_feed_or_download_gives_a_guest_a_secret_work(api, archive, kind):
    work = archive[kind]
    series = archive["public"].series_memberships.get().series
    for url in ["/opds/new/", "/opds/search/?q=reef", "/opds/search/?q=draft",
                f"/opds/series/{series.pk}/"]:  # fmt: skip
        assert work.title not in api.get(url).content.decode(), url
    assert api.get(f"/opds/works/{work.pk}/epub/").status_code in (401, 404)


def test_series_and_popular_tags_are_browsable(api, alice, archive):
    make_work(alice, "Tagged Work", additional=("Found Family",))
    wrangling.set_canonical(Tag.objects.get(name="Found Family"), True)
    tags = feed(api, "/opds/tags/")
    assert entry_titled(tags, "Found Family") is not None
    series = feed(api, "/opds/series/")
    works = feed(api, link(entry_titled(series, "Harbour Tales"), "subsection"))
    assert entry_titled(works, "Open Harbour") is not None
