"""`ficarchive serve`: bring the database up to date and serve the archive."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Apply any pending database migrations, then serve the archive at ADDRPORT "
        "(default 127.0.0.1:8000) with Django's development server."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-migrate", action="store_true", help="Serve without applying migrations first."
        )

    def handle(self, *args, addrport: str, no_migrate: bool, **options) -> None:
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=1)
        call_command("runserver", addrport, use_reloader=False)
