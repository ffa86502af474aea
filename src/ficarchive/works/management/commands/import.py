"""`ficarchive import PATH…`: import works from files (AO3 pages and downloads, text,
Markdown, HTML, Word)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ficarchive.accounts.models import User
from ficarchive.formats.importers import parse
from ficarchive.formats.work import FormatError
from ficarchive.works.exchange import ImportChoices, create_from_parsed, import_problems


class Command(BaseCommand):
    help = (
        "Import works from files: AO3 work pages (text or HTML), AO3 downloads (HTML, EPUB), "
        "plain text, Markdown, HTML and Word (.docx). Each file becomes one work, imported "
        "whole or not at all; a summary says what happened to each file. With --dry-run "
        "nothing is saved; --json prints what was recovered."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", help="Files to import.")
        parser.add_argument("--as", dest="username", help="The user who will own the works.")
        parser.add_argument("--dry-run", action="store_true", help="Parse only; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print the parsed works as JSON.")
        parser.add_argument(
            "--split-chapters",
            action="store_true",
            help="In text, Markdown and HTML files, start a chapter at each 'Chapter N' line "
            "or heading.",
        )
        parser.add_argument(
            "--fandom", action="append", default=[], help="Fandom for files that name none."
        )
        parser.add_argument("--draft", action="store_true", help="Save as drafts, not posted.")

    def handle(
        self, *args, paths, username, dry_run, json: bool, split_chapters, fandom, draft, **options
    ) -> None:
        if not dry_run and not username:
            raise CommandError("Say whose works these are with --as USER (or use --dry-run).")
        user = None
        if username:
            user = User.objects.filter(username__iexact=username).first()
            if user is None:
                raise CommandError(f"There is no user named {username!r}.")
        results, parsed_all, failures = [], [], 0
        for raw in paths:
            path = Path(raw)
            try:
                data = path.read_bytes()
                parsed = parse(path.name, data, split_chapters=split_chapters)
            except (OSError, FormatError) as error:
                failures += 1
                results.append(f"{path}: not imported: {error}")
                continue
            parsed_all.append(parsed)
            if dry_run:
                choices = ImportChoices(pseud=user.default_pseud if user else None, fandoms=fandom)
                problems = import_problems(parsed, choices)
                note = "; ".join(problems) if problems else "would import"
                results.append(f"{path}: {parsed.title or '(no title)'}: {note}")
                continue
            try:
                work = create_from_parsed(
                    parsed, ImportChoices(pseud=user.default_pseud, post=not draft, fandoms=fandom)
                )
            except ValidationError as error:
                failures += 1
                results.append(f"{path}: not imported: {' '.join(error.messages)}")
            else:
                missing = (
                    f" (not in the file: {', '.join(parsed.missing)})" if parsed.missing else ""
                )
                results.append(f"{path}: imported as work {work.pk}, “{work.title}”{missing}")
        if json:
            self.stdout.write(_dumps([p.as_json() for p in parsed_all]))
            for line in results:
                if ": not imported: " in line:
                    self.stderr.write(line)
        else:
            for line in results:
                self.stdout.write(line)
            done = len(paths) - failures
            self.stdout.write(
                f"{done} of {len(paths)} file{'s' if len(paths) != 1 else ''} "
                f"{'parsed' if dry_run else 'imported'}."
            )
        if failures and not json:
            raise CommandError(
                f"{failures} file{'s' if failures != 1 else ''} could not be imported."
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
