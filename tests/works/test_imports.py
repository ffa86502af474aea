"""Importing works through the page and the command."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from ficarchive.works.models import Work
from tests.conftest import client_for

STORY = """# The Lighthouse Keeper

Chapter 1: Dusk

The keeper climbed the stairs at dusk.

Chapter 2: Dawn

At dawn the boats came home.
"""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_text_file_is_checked_then_posted(alice, media):
    client = client_for(alice)
    preview = client.post(
        "/works/import/",
        {"files": [upload("keeper.md", STORY)], "split_chapters": "on", "fandoms": "Lighthouses"},
    )
    page = preview.content.decode()
    assert "The Lighthouse Keeper" in page
    assert "Not Rated (the file has none)" in page
    assert Work.objects.count() == 0  # nothing is saved before confirming
    response = client.post("/works/import/", {"confirm": "post"})
    work = Work.objects.get()
    assert response["Location"] == f"/works/{work.pk}/"
    assert work.posted and work.chapter_count == 2
    assert work.rating.name == "Not Rated"
    assert [t.name for t in work.fandoms] == ["Lighthouses"]
    assert not list((media / "imports").iterdir())  # the uploads are cleaned up


def test_a_work_without_a_fandom_is_refused_with_a_reason_and_nothing_saved(alice, media):
    client = client_for(alice)
    page = client.post("/works/import/", {"files": [upload("keeper.md", STORY)]}).content.decode()
    assert "Please fill in at least one fandom: the file names none." in page
    response = client.post("/works/import/", {"confirm": "post"}, follow=True)
    assert Work.objects.count() == 0
    assert "Not imported: keeper.md" in response.content.decode()


def test_a_bad_file_is_reported_by_name_and_the_good_ones_still_import(alice, media):
    client = client_for(alice)
    files = [
        upload("keeper.md", STORY),
        upload("empty.txt", b"   "),
        upload("binary.txt", b"\x00\x01\x02binary"),
    ]
    page = client.post("/works/import/", {"files": files, "fandoms": "Lighthouses"})
    text = page.content.decode()
    assert "empty.txt" in text and "binary.txt" in text
    client.post("/works/import/", {"confirm": "draft"})
    assert list(Work.objects.values_list("title", "posted")) == [("The Lighthouse Keeper", False)]


def test_pasted_text_imports_too(alice, media):
    client = client_for(alice)
    client.post("/works/import/", {"text": STORY, "fandoms": "Lighthouses"})
    client.post("/works/import/", {"confirm": "post"})
    assert Work.objects.get().title == "The Lighthouse Keeper"


def test_the_import_page_needs_something_to_import(alice, media):
    page = client_for(alice).post("/works/import/", {}).content.decode()
    assert "Choose at least one file, or paste some text." in page


def test_guests_are_asked_to_log_in(guest_client):
    assert guest_client.get("/works/import/").status_code == 302


def test_the_command_dry_run_prints_json_and_saves_nothing(alice, tmp_path):
    path = tmp_path / "keeper.md"
    path.write_text(STORY)
    out = StringIO()
    call_command("import", str(path), "--dry-run", "--json", "--split-chapters", stdout=out)
    data = json.loads(out.getvalue())
    assert data[0]["title"] == "The Lighthouse Keeper"
    assert [c["title"] for c in data[0]["chapters"]] == ["Dusk", "Dawn"]
    for key in [
        "creators",
        "rating",
        "warnings",
        "categories",
        "fandoms",
        "relationships",
        "characters",
        "additional_tags",
        "language",
        "series",
        "summary",
        "notes",
        "end_notes",
        "published",
        "updated",
        "complete",
    ]:
        assert key in data[0]
    assert Work.objects.count() == 0


def test_the_command_imports_as_a_user_and_reports_each_file(alice, tmp_path):
    good = tmp_path / "keeper.md"
    good.write_text(STORY)
    bad = tmp_path / "nothing.txt"
    bad.write_bytes(b"")
    out = StringIO()
    with pytest.raises(CommandError, match="1 file could not be imported"):
        call_command(
            "import", str(good), str(bad), "--as", "alice", "--fandom", "Lighthouses", stdout=out
        )
    assert "imported as work" in out.getvalue()
    assert "nothing.txt: not imported:" in out.getvalue()
    assert Work.objects.get().creator_pseuds[0].user == alice


def test_the_command_needs_an_owner_unless_it_is_a_dry_run(tmp_path):
    with pytest.raises(CommandError, match="--as USER"):
        call_command("import", str(Path(tmp_path) / "x.txt"))
