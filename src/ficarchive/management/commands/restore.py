"""`ficarchive restore FILE`: put back a backup made by `ficarchive backup`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ficarchive.backup import BackupError, inspect_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the archive's database and media files with those in a backup made by "
        "`ficarchive backup`. The whole file is checked first (same database engine, "
        "nothing damaged); if it can't be used, nothing is changed. Stop the web server "
        "and worker first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The backup (.tar) to restore.")
        parser.add_argument(
            "--yes", action="store_true", help="Don't ask for confirmation before replacing."
        )

    def handle(self, *args, file: str, yes: bool, **options) -> None:
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        try:
            manifest = inspect_backup(source)
            if not yes and not self._confirmed(manifest.created):
                raise CommandError("Nothing was restored.")
            restore_backup(source)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was restored.") from None
        self.stdout.write(
            f"Restored the {manifest.engine} database and {len(manifest.files) - 1} media "
            f"file(s) from the backup made {manifest.created}."
        )

    def _confirmed(self, created: str) -> bool:
        answer = input(
            f"This replaces everything in the archive with the backup made {created}.\n"
            "Type 'yes' to continue: "
        )
        return answer.strip().lower() == "yes"
