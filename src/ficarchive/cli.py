"""The `ficarchive` command: Django's management commands with our settings preset."""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficarchive.settings")
    from django.core.management import execute_from_command_line

    args = list(argv if argv is not None else sys.argv[1:])
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")  # `ficarchive import-efiction` = import_efiction
    try:
        execute_from_command_line(["ficarchive", *args])
    except ImproperlyConfigured as error:
        # A bad setting: say which, without a traceback the operator has to read through.
        sys.exit(f"ficarchive: configuration problem: {error}")
