"""Downloads: formats, file names, content types, caching, and who may download what."""

from __future__ import annotations

import pytest

from ficarchive.works import downloads
from ficarchive.works.models import Work
from tests.conftest import client_for, make_work

FORMATS = {
    "html": ("text/html", b"<html"),
    "epub": ("application/epub+zip", b"PK"),
    "txt": ("text/plain", b"Harbour"),
    "pdf": ("application/pdf", b"%PDF"),
}


@pytest.fixture
def work(alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_work(
        alice,
        "Harbour Lights: Tales",
        chapters=("The boats came in at dawn.", "The lamps were lit at dusk."),
    )


@pytest.mark.parametrize("key", list(FORMATS))
def test_each_format_downloads_with_its_type_and_a_file_name_from_the_title(work, key):
    content_type, start = FORMATS[key]
    response = client_for(None).get(f"/downloads/{work.pk}/{key}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "Harbour_Lights" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert start in body[:2000]


def test_the_html_download_has_the_chapters_and_the_archive_layout(work):
    response = client_for(None).get(f"/downloads/{work.pk}/html/")
    html = b"".join(response.streaming_content).decode()
    assert "The boats came in at dawn." in html and "The lamps were lit at dusk." in html
    assert "Posted originally on the" in html


def test_files_are_built_once_per_revision_and_rebuilt_after_an_edit(work):
    client = client_for(None)
    client.get(f"/downloads/{work.pk}/txt/")
    first = downloads.cache_path(work, "txt")
    assert first.exists()
    client.get(f"/downloads/{work.pk}/txt/")
    assert list(first.parent.iterdir()) == [first]
    chapter = work.chapters.first()
    chapter.text = "<p>Rewritten opening line.</p>"
    chapter.save()
    work.refresh_from_db()
    response = client.get(f"/downloads/{work.pk}/txt/")
    assert b"Rewritten opening line." in b"".join(response.streaming_content)
    assert not first.exists()


def test_work_pages_and_listings_link_to_downloads(work):
    for url in [f"/works/{work.pk}/", "/works/"]:
        assert f"/downloads/{work.pk}/epub/" in client_for(None).get(url).content.decode()


def test_drafts_and_hidden_works_cannot_be_downloaded_even_by_their_creators(alice, work):
    draft = make_work(alice, "Unfinished", posted=False)
    Work.objects.filter(pk=work.pk).update(hidden_by_admin=True)
    for target in [draft, work]:
        assert client_for(alice).get(f"/downloads/{target.pk}/epub/").status_code == 404


def test_restricted_works_need_a_login(alice, bob, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    work = make_work(alice, "Members Only", restricted=True)
    response = client_for(None).get(f"/downloads/{work.pk}/epub/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert client_for(bob).get(f"/downloads/{work.pk}/epub/").status_code == 200


def test_unknown_or_unavailable_formats_are_not_found(work, monkeypatch):
    assert client_for(None).get(f"/downloads/{work.pk}/doc/").status_code == 404
    # Without calibre (a server with no ebook-convert on its PATH) MOBI is neither offered
    # nor served.
    monkeypatch.setenv("PATH", "/nonexistent")
    assert client_for(None).get(f"/downloads/{work.pk}/mobi/").status_code == 404
    assert "/mobi/" not in client_for(None).get(f"/works/{work.pk}/").content.decode()


def test_a_queued_build_answers_202_until_the_worker_has_made_the_file(work, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = client_for(None).get(f"/downloads/{work.pk}/epub/")
    assert response.status_code == 202
    assert response["Retry-After"] == "5"
