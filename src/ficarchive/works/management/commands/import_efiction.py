"""`ficarchive import_efiction (--dsn DSN | --dump FILE)`: migrate an eFiction 3.x archive.

docs/efiction.md walks through a migration; this prints what was imported and what was
skipped, and why.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from ficarchive.formats.efiction import EFictionError, read_archive
from ficarchive.works.efiction import SKIPPED, clean_base_url, import_archive, write_accounts_csv

BAR = 30


class Command(BaseCommand):
    help = (
        "Import an eFiction 3.x archive: members become accounts (keeping their passwords), "
        "stories become works with their chapters, tags and series, reviews become "
        "comments, favourites bookmarks and subscriptions. Read it from its "
        "MySQL/MariaDB database (--dsn) or from a mysqldump file (--dump). Each story is "
        "imported whole or not at all; running the command again skips what is already "
        "here. See docs/efiction.md."
    )

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--dsn",
            help="The eFiction database: mysql://USER:PASSWORD@HOST:3306/DATABASE "
            "(add ?prefix=… when its tables don't start with fanfiction_).",
        )
        source.add_argument("--dump", help="A mysqldump (or phpMyAdmin SQL) file of it.")
        parser.add_argument(
            "--stories-dir",
            help="eFiction's stories folder, for archives that keep chapter texts in files "
            "(stories/<uid>/<chapid>.txt).",
        )
        parser.add_argument(
            "--prefix",
            help="The table prefix, e.g. site1_fanfiction_ (found by itself "
            "when there is only one archive).",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="The old site's address (http://example.org/efiction): each work links to "
            "its old page viewstory.php?sid=N.",
        )
        parser.add_argument(
            "--authors-only",
            action="store_true",
            help="Only give accounts to members with stories or series (skip readers).",
        )
        parser.add_argument(
            "--accounts-csv",
            metavar="FILE",
            help="Write the accounts (pen name, user name, e-mail) to this CSV file.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only; save nothing.")

    def handle(self, *args, dsn, dump, stories_dir, prefix, base_url, authors_only,
               accounts_csv, dry_run, verbosity, **options) -> None:  # fmt: skip
        show_bar = verbosity > 0 and _is_terminal(self.stderr)
        try:
            base_url = clean_base_url(base_url)  # before the (maybe long) read
            with read_archive(
                dsn=dsn, dump=dump, stories_dir=stories_dir, prefix=prefix
            ) as archive:
                report = import_archive(
                    archive,
                    dry_run=dry_run,
                    progress=self._bar if show_bar else None,
                    base_url=base_url,
                    authors_only=authors_only,
                )
        except EFictionError as error:
            raise CommandError(str(error)) from error
        finally:
            if show_bar:
                self.stderr.write("", style_func=str)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        for item in report.items:
            if item.status == SKIPPED or verbosity > 1:
                self.stdout.write(item.line(dry_run))
                for note in item.notes if verbosity > 1 else ():
                    self.stdout.write(f"    {note}")
        for note in report.notes:
            self.stdout.write(note)
        for line in report.summary():
            self.stdout.write(self.style.SUCCESS(line) if not dry_run else line)
        if accounts_csv:
            try:
                write_accounts_csv(report, accounts_csv)
            except OSError as error:
                raise CommandError(f"Can't write {accounts_csv}: {error.strerror}.") from error
            self.stdout.write(f"Accounts listed in {accounts_csv}.")

    def _bar(self, done: int, total: int, what: str) -> None:
        filled = BAR * done // total if total else BAR
        line = f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} {what}"
        self.stderr.write(line.ljust(60), style_func=str, ending="")
        self.stderr.flush()


def _is_terminal(stream) -> bool:
    target = getattr(stream, "_out", stream)
    try:
        return target.isatty()
    except (AttributeError, ValueError):
        return target is sys.stderr and sys.stderr.isatty()
