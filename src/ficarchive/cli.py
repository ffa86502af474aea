"""The `ficarchive` command: Django's management commands with our settings preset."""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficarchive.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["ficarchive", *(argv if argv is not None else sys.argv[1:])])
    except ImproperlyConfigured as error:
        # A bad setting: say which, without a traceback the operator has to read through.
        sys.exit(f"ficarchive: configuration problem: {error}")
