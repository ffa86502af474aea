"""Backups: a backed-up archive comes back row for row and file for file, and a backup
that doesn't fit (another engine, damaged) is refused without changing anything."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, RequestFactory

from ficarchive.backup import MANIFEST
from ficarchive.community.services.bookmarks import BookmarkInput, save_bookmark
from ficarchive.community.services.comments import CommentInput, post_comment
from ficarchive.community.services.kudos import give_kudos
from ficarchive.works.models import Work
from tests.conftest import make_user, make_work
from tests.test_settings import run_ficarchive

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    downloads = settings.MEDIA_ROOT / "downloads"
    downloads.mkdir(parents=True)
    (downloads / "a-quiet-harbour.txt").write_text("The boats came in at dawn.")
    return settings.MEDIA_ROOT


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def fill_archive() -> None:
    alice, bob = make_user("alice"), make_user("bob")
    work = make_work(alice, chapters=("The tide turned.", "The lamps were lit."))
    make_work(alice, "Salt and Lanterns", posted=False)
    request = RequestFactory().post("/")
    request.user = bob
    give_kudos(request, work)
    chapter = work.chapters.first()
    first = post_comment(chapter, bob, CommentInput(body="I loved the harbour."))
    post_comment(chapter, alice, CommentInput(body="Thank you!"), parent=first)
    save_bookmark(bob, work, BookmarkInput(notes="To read again.", tags=["cosy"]))


def wipe(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()


def test_a_restored_archive_has_every_row_and_file_back(tmp_path, media):
    fill_archive()
    before = every_row()
    backup = tmp_path / "backup.tar"
    call_command("backup", str(backup), stdout=io.StringIO())
    wipe(media)
    assert not Work.objects.exists()

    out = io.StringIO()
    call_command("restore", str(backup), "--yes", stdout=out)

    assert "Restored" in out.getvalue()
    assert every_row() == before
    assert (media / "downloads" / "a-quiet-harbour.txt").read_text() == "The boats came in at dawn."


def test_guests_see_the_restored_archive_at_once(tmp_path, media, settings):
    settings.PAGE_CACHE_SECONDS = 300
    fill_archive()
    backup = tmp_path / "backup.tar"
    call_command("backup", str(backup), stdout=io.StringIO())
    wipe(media)
    assert "No works yet." in Client().get("/works/").content.decode()  # now a stored copy

    call_command("restore", str(backup), "--yes", stdout=io.StringIO())

    assert "A Quiet Harbour" in Client().get("/works/").content.decode()


def test_the_manifest_names_engine_version_and_time(tmp_path):
    backup = tmp_path / "backup.tar"
    call_command("backup", str(backup), stdout=io.StringIO())
    with tarfile.open(backup) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
    assert manifest["format_version"] == 1
    assert manifest["engine"] == ("sqlite" if connection.vendor == "sqlite" else "postgresql")
    assert manifest["created"] and manifest["ficarchive_version"]


def rewrite(backup: Path, change) -> Path:
    """A copy of the backup with one member's bytes changed by `change(name, data)`."""
    copy = backup.with_name("changed.tar")
    with tarfile.open(backup) as source, tarfile.open(copy, "w") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return copy


def backup_then_change_the_archive(tmp_path, media) -> tuple[Path, dict]:
    backup = tmp_path / "backup.tar"
    call_command("backup", str(backup), stdout=io.StringIO())
    make_work(make_user("carol"), "Posted After the Backup")
    (media / "downloads" / "new.txt").write_text("new")
    return backup, every_row()


def assert_refused(backup: Path, message: str, before: dict, media: Path) -> None:
    with pytest.raises(CommandError, match=message) as error:
        call_command("restore", str(backup), "--yes", stdout=io.StringIO())
    assert "Nothing was restored" in str(error.value)
    assert every_row() == before
    assert (media / "downloads" / "new.txt").exists()


def test_a_backup_of_the_other_engine_is_refused(tmp_path, media):
    backup, before = backup_then_change_the_archive(tmp_path, media)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def other_engine(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["engine"] = other
        return json.dumps(manifest).encode()

    assert_refused(rewrite(backup, other_engine), f"made from a {other} archive", before, media)


def test_a_damaged_database_dump_is_refused(tmp_path, media):
    backup, before = backup_then_change_the_archive(tmp_path, media)

    def damage(name: str, data: bytes) -> bytes:
        return data[: len(data) // 2] if name.startswith("database") else data

    assert_refused(rewrite(backup, damage), "damaged", before, media)


def test_a_file_that_is_not_a_backup_is_refused(tmp_path, media):
    _, before = backup_then_change_the_archive(tmp_path, media)
    garbage = tmp_path / "notes.tar"
    garbage.write_bytes(b"these are not the files you are looking for" * 100)
    assert_refused(garbage, "not a readable backup|not a Ficarchive backup", before, media)


def test_a_truncated_backup_is_refused(tmp_path, media):
    backup, before = backup_then_change_the_archive(tmp_path, media)
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(backup.read_bytes()[:2000])
    assert_refused(truncated, "damaged, incomplete", before, media)


def test_restore_asks_first_and_stops_without_a_yes(tmp_path, media, monkeypatch):
    backup, before = backup_then_change_the_archive(tmp_path, media)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(backup), stdout=io.StringIO())
    assert every_row() == before


BACKUP_COUNTS = "from ficarchive.accounts.models import User; print(User.objects.count())"


def test_the_commands_round_trip_a_sqlite_file_while_it_is_in_wal_mode(tmp_path):
    """The commands themselves, on a database file (the tests' own database is in memory)."""

    def run(*args: str) -> str:
        result = run_ficarchive(tmp_path, *args)  # with tmp_path as the var directory
        assert result.returncode == 0, result.stderr
        return result.stdout

    run("migrate", "-v", "0")
    add = "from ficarchive.accounts.models import User; "
    add += "User.objects.create_user('{0}', '{0}@example.com')"
    run("shell", "-v", "0", "-c", add.format("alice"))
    run("backup", str(tmp_path / "backup.tar"))
    run("shell", "-v", "0", "-c", add.format("bob"))
    assert run("shell", "-v", "0", "-c", BACKUP_COUNTS).split() == ["2"]
    assert "Restored the sqlite database" in run("restore", str(tmp_path / "backup.tar"), "--yes")
    assert run("shell", "-v", "0", "-c", BACKUP_COUNTS).split() == ["1"]
