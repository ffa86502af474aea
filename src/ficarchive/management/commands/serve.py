"""`ficarchive serve`: bring the database up to date and serve the archive.

Without options it runs Django's development server (one process, for trying the archive
out). With --production it collects the static files (whitenoise serves them compressed,
with far-future cache headers on their hashed names) and hands over to gunicorn with
several worker processes; docs/hosting.md explains where it fits behind nginx. The workers
share their metrics through files in var/metrics/ (emptied here, ficarchive/metrics.py) and,
with FICARCHIVE_LOG_FORMAT=json, gunicorn's own log lines are JSON too.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def default_workers() -> int:
    """Gunicorn's usual rule of thumb: two per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = (
        "Apply any pending database migrations, then serve the archive at ADDRPORT "
        "(default 127.0.0.1:8000): with Django's development server, or with --production "
        "with gunicorn's worker processes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-migrate", action="store_true", help="Serve without applying migrations first."
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="With --production, serve the static files already collected (an upgrade "
            "runs `ficarchive collectstatic` once for every server).",
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="Collect static files and serve with gunicorn (needs FICARCHIVE_DEBUG=0).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Gunicorn worker processes with --production (default: 2 per core + 1).",
        )

    def handle(self, *args, addrport: str, no_migrate: bool, production: bool, **options):
        if production and settings.DEBUG:
            raise CommandError("--production needs FICARCHIVE_DEBUG=0 (debug pages leak data).")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=1)
        if not production:
            call_command("runserver", addrport, use_reloader=False)
            return
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        arguments = [
            sys.executable,
            "-m",
            "gunicorn",
            "ficarchive.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--graceful-timeout",
            "20",
        ]
        if settings.LOG_FORMAT == "json":
            arguments += ["--log-config-json", str(_json_log_config())]
        else:
            arguments += ["--access-logfile", "-"]
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_empty_metrics_dir())
        self.stdout.write(f"Serving with gunicorn at http://{bind}/ ({options['workers']} workers)")
        self.stdout.flush()
        os.execv(sys.executable, arguments)  # gunicorn takes over this process (signals too)


def _empty_metrics_dir() -> Path:
    """Counts from a previous run would be added to this one's: start from nothing."""
    directory = Path(settings.VAR_DIR) / "metrics"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def _json_log_config() -> Path:
    """Gunicorn's own lines (start-up, worker restarts) in the same JSON as the archive's;
    requests are logged by the archive (ficarchive/logs.py), so no access log."""
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "ficarchive.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}
        },
    }
    path = Path(settings.VAR_DIR) / "gunicorn-logging.json"
    path.write_text(json.dumps(config))
    return path
