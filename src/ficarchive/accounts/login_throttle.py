"""Login throttling: a few wrong passwords per account and per address, then a short
wait. Counting both stops guessing one account from many addresses and many accounts
from one address, while a locked-out owner only waits seconds."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ficarchive.throttle import Limit, client_address, in_words, record, wait_seconds


def _limit() -> Limit:
    return Limit("login", settings.LOGIN_ATTEMPTS, settings.LOGIN_ATTEMPTS_SECONDS)


def _keys(request: HttpRequest | None, username: str) -> list[str]:
    keys = [f"account:{username.strip().casefold()}"]
    if request is not None:
        keys.append(f"address:{client_address(request)}")
    return keys


def check_login_allowed(request: HttpRequest | None, username: str) -> None:
    """Refuse, with how long to wait, while the account or the address has used up its tries."""
    wait = max(wait_seconds(_limit(), key) for key in _keys(request, username))
    if wait:
        raise ValidationError(
            "Too many failed log-in attempts for this account or from your address. "
            f"Please wait {in_words(wait)} and try again.",
            code="throttled",
        )


def record_failed_login(request: HttpRequest | None, username: str) -> None:
    for key in _keys(request, username):
        record(_limit(), key)
