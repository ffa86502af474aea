"""The project's own app: hooks every database connection into the page cache."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _watch_writes(sender, connection, **kwargs) -> None:
    from ficarchive.page_cache import note_writes

    if note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(note_writes)


class FicarchiveConfig(AppConfig):
    name = "ficarchive"

    def ready(self) -> None:
        # Every write, however it is made, starts a new page-cache generation.
        connection_created.connect(_watch_writes, dispatch_uid="ficarchive-page-cache")
