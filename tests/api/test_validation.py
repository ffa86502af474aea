"""Feeds and catalogue pages validated with jing against RELAX NG schemas: RFC 4287's for
Atom, and OPDS 1.2's rules (tests/api/schemas/opds.rnc) for the catalogue."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from ficarchive.api.feeds import saved_search_token
from ficarchive.search.models import SavedSearch
from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag
from tests.conftest import make_work

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("jing"), reason="jing (scripts/install-system-deps)"),
]

SCHEMAS = Path(__file__).parent / "schemas"
NS = {"atom": "http://www.w3.org/2005/Atom"}
ACQUIRE = "http://opds-spec.org/acquisition"


def valid(documents: dict[str, bytes], schema: str, tmp_path: Path) -> dict[str, etree._Element]:
    """Validate every document in one run of jing (a JVM start is most of its cost)."""
    paths = []
    for n, content in enumerate(documents.values()):
        paths.append(tmp_path / f"document-{n}.xml")
        paths[-1].write_bytes(content)
    result = subprocess.run(
        ["jing", "-c", str(SCHEMAS / schema), *map(str, paths)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    roots = {url: etree.fromstring(content) for url, content in documents.items()}
    for root in roots.values():
        entries = root.findall("atom:entry", NS)
        # RFC 4287's Schematron rules, which RELAX NG cannot express:
        if root.find("atom:author", NS) is None:
            assert all(e.find("atom:author", NS) is not None for e in entries)
        for entry in entries:
            alternate = entry.find("atom:link[@rel='alternate']", NS) is not None
            assert alternate or entry.find("atom:content", NS) is not None
    return roots


@pytest.fixture
def catalogue(archive, alice):
    make_work(alice, "Glass & <Lantern>", fandoms=("Glass Orchard",), summary="<p>A &amp; B</p>",
              relationships=("Ada/Bea",), additional=("Found Family",))  # fmt: skip
    for name in ["Lanternwick Chronicles", "Glass Orchard", "Found Family"]:
        wrangling.set_canonical(Tag.objects.get(name=name), True)
    return archive


def test_every_atom_feed_is_valid_atom(guest_client, catalogue, alice, tmp_path):
    series = catalogue["public"].series_memberships.get().series
    saved = SavedSearch.objects.create(user=alice, name="All", path="/works/", query="")
    urls = [
        "/tags/Glass Orchard/works/feed.atom",
        "/users/alice/works/feed.atom",
        f"/series/{series.pk}/feed.atom",
        f"/searches/{saved_search_token(saved)}/feed.atom",
    ]
    roots = valid({url: guest_client.get(url).content for url in urls}, "atom.rnc", tmp_path)
    for url, root in roots.items():
        assert root.findall("atom:entry", NS), url


def test_every_opds_feed_is_valid_opds(guest_client, catalogue, tmp_path):
    series = catalogue["public"].series_memberships.get().series
    fandom = Tag.objects.get(name="Glass Orchard")
    navigation = ["/opds/", "/opds/fandoms/", "/opds/tags/", "/opds/series/"]
    acquisition = ["/opds/new/", f"/opds/tags/{fandom.pk}/", f"/opds/series/{series.pk}/",
                   "/opds/search/?q=glass"]  # fmt: skip
    urls = navigation + acquisition
    roots = valid({url: guest_client.get(url).content for url in urls}, "opds.rnc", tmp_path)
    for url, root in roots.items():
        entries = root.findall("atom:entry", NS)
        assert entries, url
        for entry in entries:
            if url in acquisition:
                assert entry.find(f"atom:link[@rel='{ACQUIRE}']", NS) is not None, url
            else:
                links = entry.findall("atom:link", NS)
                assert any("profile=opds-catalog" in link.get("type") for link in links), url
