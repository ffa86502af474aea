"""`ficarchive wrangler NAME [--remove]`: let a user wrangle tags, or stop them."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from ficarchive.accounts.models import WRANGLERS_GROUP, User


class Command(BaseCommand):
    help = "Add a user to the Wranglers group (or take them out with --remove); --list shows it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", nargs="?", help="The user's login.")
        parser.add_argument("--remove", action="store_true", help="Take the user out instead.")
        parser.add_argument("--list", action="store_true", help="List the wranglers.")

    def handle(self, *args, username: str | None, remove: bool, list: bool, **options) -> None:
        group, _ = Group.objects.get_or_create(name=WRANGLERS_GROUP)
        if list:
            for name in group.user_set.order_by("username").values_list("username", flat=True):
                self.stdout.write(name)
            return
        if not username:
            raise CommandError("Name a user, or use --list.")
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"There is no user named {username!r}.")
        if remove:
            user.groups.remove(group)
            self.stdout.write(f"{user.username} is no longer a wrangler.")
        else:
            user.groups.add(group)
            self.stdout.write(f"{user.username} is now a wrangler.")
