"""`ficarchive demo`: fill an empty archive with invented works to look at and try out."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ficarchive.works.demo import DEMO_PASSWORD, DEMO_USERS, build_demo, reset_demo
from ficarchive.works.models import Work


class Command(BaseCommand):
    help = (
        "Migrate the database, then fill the archive with a deterministic demo corpus: "
        "invented fandoms, tags, users, works, chapters and series. Does nothing when the "
        "archive already has works, so it is safe to run on every start; --reset replaces "
        f"them. All demo users log in with the password {DEMO_PASSWORD!r}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--works", type=int, default=300, help="How many works to create (default 300)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="Random seed; the same seed builds the same archive (default 2026).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete ALL works, series and fandom/relationship/character/additional "
            "tags, and the demo users who are not staff, then build afresh.",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="With --reset, do not ask for confirmation.",
        )

    def handle(self, *args, **options) -> None:
        if options["works"] < 1:
            raise CommandError("--works must be at least 1.")
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            self._reset(options["interactive"])
        elif Work.objects.exists():
            self.stdout.write(
                f"Demo data present: the archive already has {Work.objects.count()} works. "
                "Nothing to do (use --reset to rebuild it)."
            )
            return
        self._build(options["works"], options["seed"])

    def _reset(self, interactive: bool) -> None:
        works = Work.objects.count()
        if interactive and works:
            answer = input(
                f"This deletes all {works} works, every series and every free tag in the "
                "archive. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Reset cancelled; nothing was deleted.")
        gone = reset_demo()
        self.stdout.write(
            f"Deleted {gone['works']} works, {gone['series']} series, {gone['users']} demo "
            f"users and {gone['free_tags']} free tags."
        )

    def _build(self, works: int, seed: int) -> None:
        self.stdout.write(f"Building a demo archive of {works} works (seed {seed})…")
        started = time.monotonic()
        step = max(1, works // 10)

        def progress(done: int, total: int) -> None:
            if done % step == 0 or done == total:
                self.stdout.write(f"  {done}/{total} works")

        counts = build_demo(works=works, seed=seed, progress=progress)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo archive built in {seconds:.1f}s: {counts['works']} works "
                f"({counts['posted']} posted, {counts['drafts']} drafts, "
                f"{counts['restricted']} restricted), {counts['chapters']} chapters, "
                f"{counts['words']:,} words, {counts['series']} series, {counts['fandoms']} "
                f"fandoms, {counts['free_tags']} free tags, {counts['users']} users with "
                f"{counts['pseuds']} pseuds."
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        staff = [user.login for user in DEMO_USERS if user.staff]
        writers = [user.login for user in DEMO_USERS if not user.staff]
        self.stdout.write(f"Log in as any of: {', '.join(writers)}")
        self.stdout.write(f"Staff (admin pages at /admin/): {', '.join(staff)}")
        self.stdout.write(f"Password for all demo users: {DEMO_PASSWORD}")
        self.stdout.write("Users that already existed before the demo keep their own passwords.")
