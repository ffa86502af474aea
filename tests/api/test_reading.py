"""Reading the API: works, chapters, series, tags and people, as the site shows them."""

from __future__ import annotations

import pytest

from ficarchive.tags import wrangling
from ficarchive.tags.models import Tag
from tests.api.conftest import bearer
from tests.conftest import client_for, make_work

pytestmark = pytest.mark.django_db

SECRET_TITLES = {"Members Lighthouse", "Unfinished Draft Tide", "Hidden Reef Story"}


def titles(response) -> set[str]:
    return {work["title"] for work in response.json()["results"]}


def test_a_guest_lists_only_public_works(api, archive):
    response = api.get("/api/v1/works")
    assert response.status_code == 200
    assert titles(response) == {"Open Harbour"}
    assert response.json()["count"] == 1


def test_a_token_shows_restricted_works_but_never_someone_elses_drafts_or_hidden(api, archive, bob):
    response = api.get("/api/v1/works", headers=bearer(bob))
    assert titles(response) == {"Open Harbour", "Members Lighthouse"}


def test_the_creator_sees_their_own_drafts_and_hidden_works(api, archive, alice):
    response = api.get("/api/v1/works", headers=bearer(alice))
    assert titles(response) == {"Open Harbour", "Members Lighthouse", "Unfinished Draft Tide",
                                "Hidden Reef Story"}  # fmt: skip


def test_session_auth_works_for_the_sites_own_pages(archive, bob):
    response = client_for(bob).get("/api/v1/works")
    assert "Members Lighthouse" in titles(response)


def test_filters_sorts_and_text_search_are_the_sites(api, alice, archive):
    make_work(alice, "Lantern Festival", fandoms=("Glass Orchard",), chapters=("word " * 50,))
    only = api.get("/api/v1/works", {"include": "Glass Orchard"})
    assert titles(only) == {"Lantern Festival"}
    excluded = api.get("/api/v1/works", {"exclude": "Glass Orchard"})
    assert titles(excluded) == {"Open Harbour"}
    by_title = api.get("/api/v1/works", {"sort": "title"}).json()["results"]
    assert [w["title"] for w in by_title] == ["Lantern Festival", "Open Harbour"]
    assert titles(api.get("/api/v1/works", {"q": "lantern"})) == {"Lantern Festival"}
    assert titles(api.get("/api/v1/works", {"q": "words>40"})) == {"Lantern Festival"}


def test_cursors_walk_every_page_once(api, alice):
    for n in range(5):
        make_work(alice, f"Tide Pool {n}")
    seen, url = [], "/api/v1/works?limit=2&sort=title"
    while url:
        page = api.get(url).json()
        seen += [work["title"] for work in page["results"]]
        url = page["next"]
    assert seen == [f"Tide Pool {n}" for n in range(5)]


def test_bad_input_is_a_json_error_with_field_errors(api, archive):
    response = api.get("/api/v1/works", {"include": "No Such Tag Anywhere"})
    assert response.status_code == 400
    assert "include" in response.json()["errors"]
    assert api.get("/api/v1/works", {"sort": "sideways"}).json()["errors"]["sort"]
    assert api.get("/api/v1/works", {"words_from": "many"}).status_code == 400
    bad_cursor = api.get("/api/v1/works", {"cursor": "forged"})
    assert bad_cursor.status_code == 400 and "cursor" in bad_cursor.json()["errors"]


@pytest.mark.parametrize(
    "path, field", [("/api/v1/tags", "q"), ("/api/v1/works", "q"), ("/api/v1/works", "include")]
)
def test_a_nul_character_in_a_query_is_a_clear_error(api, archive, path, field):
    """PostgreSQL refuses NUL in text: found by Schemathesis as a 500 on /tags."""
    response = api.get(path, {field: "ab\x00c"})
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_bad_token_is_refused_rather_than_treated_as_a_guest(api, archive):
    response = api.get("/api/v1/works", headers={"Authorization": "Bearer fa_nonsense"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["message"]


def test_work_detail_has_chapters_and_download_links(api, alice, archive):
    work = make_work(alice, "Two Tides", chapters=("First tide text here.", "Second tide text."))
    data = api.get(f"/api/v1/works/{work.pk}").json()
    assert [c["position"] for c in data["chapters"]] == [1, 2]
    assert {d["format"] for d in data["downloads"]} >= {"epub", "html"}
    assert data["downloads"][0]["url"].startswith("http://testserver/downloads/")
    chapter = api.get(f"/api/v1/works/{work.pk}/chapters/{data['chapters'][1]['id']}").json()
    assert "Second tide text." in chapter["text"]


def test_a_guest_asking_for_a_restricted_work_is_asked_to_authenticate(api, archive, bob):
    work = archive["restricted"]
    assert api.get(f"/api/v1/works/{work.pk}").status_code == 401
    assert api.get(f"/api/v1/works/{work.pk}", headers=bearer(bob)).status_code == 200


@pytest.mark.parametrize("kind", ["draft", "hidden"])
def test_drafts_and_hidden_works_are_not_found_for_others(api, archive, bob, kind):
    work = archive[kind]
    chapter = work.chapters.first()
    for headers in [{}, bearer(bob)]:
        assert api.get(f"/api/v1/works/{work.pk}", headers=headers).status_code == 404
        url = f"/api/v1/works/{work.pk}/chapters/{chapter.pk}"
        assert api.get(url, headers=headers).status_code == 404


def test_muted_tags_are_filtered_for_the_caller(api, alice, bob, archive):
    make_work(alice, "Glassworks", fandoms=("Glass Orchard",))
    bob.muted_tags.create(tag=Tag.objects.get(name="Glass Orchard"))
    bob.forget_muted()
    assert "Glassworks" not in titles(api.get("/api/v1/works", headers=bearer(bob)))
    assert "Glassworks" in titles(api.get("/api/v1/works"))


def test_series_lists_only_the_works_the_caller_may_see(api, alice, archive, bob):
    series = archive["public"].series_memberships.get().series
    make_work(alice, "Members Sequel", series=series, restricted=True)
    guest = api.get(f"/api/v1/series/{series.pk}").json()
    assert [w["title"] for w in guest["works"]] == ["Open Harbour"]
    member = api.get(f"/api/v1/series/{series.pk}", headers=bearer(bob)).json()
    assert [w["title"] for w in member["works"]] == ["Open Harbour", "Members Sequel"]


def test_tags_show_their_wrangling(api, archive):
    canonical = Tag.objects.get(name="Lanternwick Chronicles")
    wrangling.set_canonical(canonical, True)
    synonym = Tag.objects.create(name="LC", type=canonical.type)
    wrangling.set_synonym(synonym, canonical)
    data = api.get(f"/api/v1/tags/{canonical.pk}").json()
    assert data["synonyms"] == [{"id": synonym.pk, "name": "LC", "type": canonical.type}]
    assert api.get(f"/api/v1/tags/{synonym.pk}").json()["synonym_of"]["id"] == canonical.pk
    listed = api.get("/api/v1/tags", {"type": "fandom"}).json()["results"]
    assert "Lanternwick Chronicles" in [t["name"] for t in listed]


def test_users_and_their_works(api, alice, archive):
    data = api.get("/api/v1/users/alice").json()
    assert data["pseuds"][0]["name"] == "alice"
    assert data["works_count"] == 1
    works = api.get("/api/v1/users/alice/works").json()
    assert {w["title"] for w in works["results"]} == {"Open Harbour"}
    assert api.get("/api/v1/users/nobody-here").status_code == 404


def test_no_endpoint_leaks_secret_works_to_a_guest(api, alice, archive):
    series = archive["public"].series_memberships.get().series
    for kind in ["restricted", "draft", "hidden"]:
        make_work(alice, f"Secret {kind} sequel", series=series, posted=kind != "draft",
                  restricted=kind == "restricted", hidden=kind == "hidden")  # fmt: skip
    urls = ["/api/v1/works", "/api/v1/works?q=secret", "/api/v1/users/alice/works",
            f"/api/v1/series/{series.pk}", "/api/v1/users/alice"]  # fmt: skip
    for url in urls:
        body = api.get(url).content.decode()
        assert not any(title in body for title in SECRET_TITLES), url
        assert "Secret" not in body, url
