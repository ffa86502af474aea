"""Importing works through the page and the command."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ficarchive.formats.importers import LIMIT_BYTES
from ficarchive.works.import_batches import MAX_WAITING
from ficarchive.works.models import ImportBatch, ImportFile, Work
from tests.conftest import client_for

STORY = """# The Lighthouse Keeper

Chapter 1: Dusk

The keeper climbed the stairs at dusk.

Chapter 2: Dawn

At dawn the boats came home.
"""


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def check(client, files=(), **fields):
    """Upload on the import page and follow to the page that shows what was found."""
    return client.post("/works/import/", {"files": list(files), **fields}, follow=True)


def test_a_text_file_is_read_checked_then_posted(alice):
    client = client_for(alice)
    preview = check(
        client, [upload("keeper.md", STORY)], split_chapters="on", fandoms="Lighthouses"
    )
    page = preview.content.decode()
    assert "The Lighthouse Keeper" in page
    assert "Not Rated (the file has none)" in page
    assert Work.objects.count() == 0  # nothing is saved before confirming
    response = client.post(preview.request["PATH_INFO"], {"confirm": "post"})
    work = Work.objects.get()
    assert response["Location"] == f"/works/{work.pk}/"
    assert work.posted and work.chapter_count == 2
    assert work.rating.name == "Not Rated"
    assert [t.name for t in work.fandoms] == ["Lighthouses"]
    assert not ImportBatch.objects.exists()  # the upload is forgotten once posted


def test_what_was_found_is_kept_so_confirming_does_not_read_the_file_again(alice):
    client = client_for(alice)
    preview = check(client, [upload("keeper.md", STORY)], fandoms="Lighthouses")
    stored = ImportFile.objects.get()
    assert stored.status == "parsed" and stored.result["title"] == "The Lighthouse Keeper"
    assert bytes(stored.data) == b""  # only the result is kept
    client.post(preview.request["PATH_INFO"], {"confirm": "post"})
    assert Work.objects.get().title == "The Lighthouse Keeper"


def test_confirming_twice_posts_once(alice):
    client = client_for(alice)
    preview = check(client, [upload("keeper.md", STORY)], fandoms="Lighthouses")
    client.post(preview.request["PATH_INFO"], {"confirm": "post"})
    again = client.post(preview.request["PATH_INFO"], {"confirm": "post"})
    assert again.status_code == 404
    assert Work.objects.count() == 1


def test_a_work_without_a_fandom_is_refused_with_a_reason_and_nothing_saved(alice):
    client = client_for(alice)
    preview = check(client, [upload("keeper.md", STORY)])
    assert "Please fill in at least one fandom: the file names none." in preview.content.decode()
    response = client.post(preview.request["PATH_INFO"], {"confirm": "post"}, follow=True)
    assert Work.objects.count() == 0
    assert "Not imported: keeper.md" in response.content.decode()


def test_a_bad_file_is_reported_by_name_and_the_good_ones_still_import(alice):
    client = client_for(alice)
    files = [
        upload("keeper.md", STORY),
        upload("empty.txt", b"   "),
        upload("binary.txt", b"\x00\x01\x02binary"),
    ]
    preview = check(client, files, fandoms="Lighthouses")
    text = preview.content.decode()
    assert "empty.txt is empty." in text
    assert "binary.txt looks like a binary file" in text
    response = client.post(preview.request["PATH_INFO"], {"confirm": "draft"}, follow=True)
    assert list(Work.objects.values_list("title", "posted")) == [("The Lighthouse Keeper", False)]
    assert "Not imported: empty.txt is empty." in response.content.decode()


def test_when_no_file_can_be_read_there_is_nothing_to_post(alice):
    page = check(client_for(alice), [upload("empty.txt", b"  ")]).content.decode()
    assert "empty.txt is empty." in page
    assert "Post these works" not in page
    assert "Discard this import" in page


def test_fifty_files_and_pasted_text_can_be_imported_in_one_go(alice):
    files = [upload(f"keeper-{n:02d}.md", STORY) for n in range(50)]
    preview = check(client_for(alice), files, text=STORY, fandoms="Lighthouses")
    page = preview.content.decode()
    assert "keeper-49.md" in page and "pasted.txt" in page
    assert page.count("The Lighthouse Keeper") == 51


def test_pasted_text_imports_too(alice):
    client = client_for(alice)
    preview = check(client, text=STORY, fandoms="Lighthouses")
    client.post(preview.request["PATH_INFO"], {"confirm": "post"})
    assert Work.objects.get().title == "The Lighthouse Keeper"


def test_an_import_can_be_discarded(alice):
    client = client_for(alice)
    preview = check(client, [upload("keeper.md", STORY)], fandoms="Lighthouses")
    response = client.post(preview.request["PATH_INFO"], {"confirm": "discard"}, follow=True)
    assert "Import discarded; nothing was posted." in response.content.decode()
    assert not ImportBatch.objects.exists() and not Work.objects.exists()


def test_an_unfinished_import_waits_on_the_import_page(alice):
    client = client_for(alice)
    preview = check(client, [upload("keeper.md", STORY)], fandoms="Lighthouses")
    page = client.get("/works/import/").content.decode()
    assert "Imports waiting for you" in page
    assert f'href="{preview.request["PATH_INFO"]}"' in page


def test_someone_elses_import_is_not_found(alice, bob):
    preview = check(client_for(alice), [upload("keeper.md", STORY)], fandoms="Lighthouses")
    address = preview.request["PATH_INFO"]
    assert client_for(bob).get(address).status_code == 404
    assert client_for(bob).post(address, {"confirm": "post"}).status_code == 404
    assert Work.objects.count() == 0 and ImportBatch.objects.count() == 1


def test_the_import_page_needs_something_to_import(alice):
    page = client_for(alice).post("/works/import/", {}).content.decode()
    assert "Choose at least one file, or paste some text." in page


def test_a_file_over_the_limit_is_refused_by_name_and_nothing_is_stored(alice):
    big = upload("huge.txt", b"a" * (LIMIT_BYTES + 1))
    page = client_for(alice).post("/works/import/", {"files": [big]}).content.decode()
    assert "huge.txt is 21.0 MB; files can be at most 20 MB." in page
    assert not ImportBatch.objects.exists()


def test_only_a_few_imports_can_wait_at_once(alice):
    client = client_for(alice)
    for _ in range(MAX_WAITING):
        check(client, [upload("keeper.md", STORY)])
    page = client.post("/works/import/", {"files": [upload("keeper.md", STORY)]}).content.decode()
    assert f"You have {MAX_WAITING} imports waiting to be posted or discarded" in page
    assert ImportBatch.objects.count() == MAX_WAITING


def test_unfinished_imports_older_than_a_day_are_deleted(alice, capsys):
    check(client_for(alice), [upload("old.md", STORY)])
    ImportBatch.objects.update(created_at=timezone.now() - timedelta(hours=25))
    check(client_for(alice), [upload("new.md", STORY)])
    call_command("delete_old_drafts")
    assert list(ImportFile.objects.values_list("name", flat=True)) == ["new.md"]
    assert "Deleted 1 unfinished import older than 24 hours." in capsys.readouterr().out


def test_guests_are_asked_to_log_in(guest_client):
    assert guest_client.get("/works/import/").status_code == 302


# -- with a worker (FICARCHIVE_TASKS=database) -------------------------------------------------


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The worker closes its database connections when it stops; see tests/tags/test_worker.py.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_files_wait_for_the_worker_on_a_page_that_reloads_itself(alice, queued_tasks):
    client = client_for(alice)
    waiting = check(client, [upload("keeper.md", STORY)], fandoms="Lighthouses")
    page = waiting.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "keeper.md: Waiting to be read" in page
    address = waiting.request["PATH_INFO"]
    early = client.post(address, {"confirm": "post"}, follow=True)
    assert "Some files are still being read" in early.content.decode()
    assert Work.objects.count() == 0

    call_command("worker", batch=True)

    preview = client.get(address).content.decode()
    assert "The Lighthouse Keeper" in preview and "http-equiv" not in preview
    client.post(address, {"confirm": "post"})
    assert Work.objects.get().title == "The Lighthouse Keeper"


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


def test_a_user_suspended_after_uploading_cannot_post_the_import(alice, staff):
    from ficarchive.community.models import Sanction, SanctionKind

    client = client_for(alice)
    preview = check(client, [upload("keeper.md", STORY)], fandoms="Lighthouses")
    Sanction.objects.create(
        user=alice,
        kind=SanctionKind.SUSPENSION,
        reason="Spam",
        until=timezone.now() + timedelta(days=3),
        staff=staff,
    )
    response = client.post(preview.request["PATH_INFO"], {"confirm": "post"}, follow=True)
    assert "Your account is suspended until" in response.content.decode()
    assert not Work.objects.exists()
    assert ImportBatch.objects.exists()  # kept: nothing is lost


# -- an upload cut off by a crash (bench/crash.py) ---------------------------------------------


def test_files_an_interrupted_upload_left_unread_are_read_when_the_import_is_opened(alice):
    """With tasks run in the request, the upload stores its files, commits, then reads
    them: a server killed in between leaves files nothing else would ever read."""
    from ficarchive.works.import_batches import _store

    batch, _ = _store(alice, [("keeper.md", STORY.encode())], True, ["Lighthouses"])
    client = client_for(alice)
    fresh = client.get(f"/works/import/{batch.pk}/").content.decode()
    assert "keeper.md: Waiting to be read" in fresh  # an upload may still be reading it
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    preview = client.get(f"/works/import/{batch.pk}/").content.decode()
    assert "The Lighthouse Keeper" in preview and "http-equiv" not in preview
    client.post(f"/works/import/{batch.pk}/", {"confirm": "post"})
    assert Work.objects.get().chapter_count == 2


def test_with_a_worker_the_files_and_their_tasks_are_stored_together(alice, queued_tasks):
    """The tasks are rows written in the files' transaction: both are there, or neither."""
    from django.core.exceptions import ValidationError
    from django_tasks_db.models import DBTaskResult

    from ficarchive.works.import_batches import _store

    _store(alice, [("keeper.md", STORY.encode())], False, ["Harbours"])
    assert DBTaskResult.objects.count() == ImportFile.objects.count() == 1
    too_big = ("huge.txt", b"x" * (LIMIT_BYTES + 1))
    with pytest.raises(ValidationError):
        _store(alice, [("third.md", STORY.encode()), too_big], False, ["Harbours"])
    assert DBTaskResult.objects.count() == ImportFile.objects.count() == 1
