"""`ficarchive backup FILE`: the database and media files, in one .tar."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ficarchive.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the archive while it runs: the database (SQLite's online backup, or "
        "pg_dump for PostgreSQL) and the media files, into one .tar file with a manifest. "
        "Restore it with `ficarchive restore FILE`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            help="Where to write the backup (default: ficarchive-backup-DATE-TIME.tar here).",
        )

    def handle(self, *args, file: str | None, **options) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        destination = Path(file or f"ficarchive-backup-{stamp}.tar").resolve()
        if destination.is_dir():
            raise CommandError(f"{destination} is a directory: give a file name.")
        if not destination.parent.is_dir():
            raise CommandError(f"{destination.parent} does not exist.")
        try:
            manifest = create_backup(destination)
        except BackupError as error:
            raise CommandError(str(error)) from None
        media = len(manifest.files) - 1
        self.stdout.write(
            f"Backed up the {manifest.engine} database and {media} media file(s) to {destination}."
        )
