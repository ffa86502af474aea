"""`ficarchive send_invitations N`: invite the next N addresses in the queue (for cron)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ficarchive.accounts import registration


class Command(BaseCommand):
    help = (
        "E-mail sign-up invitations to the next N addresses waiting in the invitation queue, "
        "first come first. Needs FICARCHIVE_REGISTRATION=invite. Run it from cron to let "
        "people in at a steady pace, e.g. 20 a day."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("count", type=int, help="How many addresses to invite (1-500).")

    def handle(self, *args, count: int, **options) -> None:
        if registration.mode() != registration.INVITE:
            raise CommandError(
                f"Registration is {registration.mode()!r}, so there is no queue to invite "
                "from; set FICARCHIVE_REGISTRATION=invite."
            )
        try:
            sent = registration.send_invitations(count)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        waiting = registration.waiting().count()
        self.stdout.write(f"Sent {len(sent)} invitation(s); {waiting} still waiting.")
