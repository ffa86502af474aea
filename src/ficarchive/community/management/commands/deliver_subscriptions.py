"""`ficarchive deliver_subscriptions`: saved-search matches to inboxes, then digests."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ficarchive.community.services import subscriptions


class Command(BaseCommand):
    help = (
        "Put works that newly match subscribed saved searches into their owners' inboxes; "
        "with --digest, also e-mail the daily digest to users who asked for one. Run it "
        "hourly, and once a day with --digest (see docs/hosting.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--digest", action="store_true", help="Also send daily digests.")

    def handle(self, *args, digest: bool, **options) -> None:
        found = subscriptions.deliver_saved_searches()
        self.stdout.write(f"{found} saved-search matches delivered.")
        if digest:
            self.stdout.write(f"{subscriptions.send_digests()} digests sent.")
