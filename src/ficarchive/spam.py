"""Simple spam defences for the forms anyone can fill in: sign-up, the invitation queue and
comments. A honeypot field catches bots that fill in every box; rate limits slow down
the ones that don't. Both refuse before anything is saved."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ficarchive.throttle import Limit, client_address, in_words, take

HONEYPOT = "website"  # a name bots like to fill in
HONEYPOT_REFUSAL = (
    "This form was not sent: the “Leave this empty” box had something in it. "
    "If you are a person, please clear it and try again."
)


class HoneypotForm(forms.Form):
    """Mix into a form to add the hidden honeypot box. People never see it (the site
    stylesheet moves it off screen; screen readers announce "Leave this empty"); a bot that
    fills it in gets a plain refusal and nothing is saved."""

    website = forms.CharField(
        label="Leave this empty",
        label_suffix="",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    website.honeypot = True  # _form.html wraps it in the class that hides it

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get(HONEYPOT, "").strip():
            raise ValidationError(HONEYPOT_REFUSAL, code="honeypot")
        return data


class RateLimitedError(ValidationError):
    """A refusal that forms show as a message and the API answers with 429 and Retry-After."""

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message, code="rate_limited")
        self.wait = wait


def _limit(name: str) -> Limit | None:
    attempts = getattr(settings, f"{name.upper()}_RATE_LIMIT")
    if attempts <= 0:
        return None
    return Limit(name, attempts, getattr(settings, f"{name.upper()}_RATE_LIMIT_SECONDS"))


def take_slot(name: str, key: str) -> int:
    """Count one `name` ("comment", "signup", "invite_request") for `key`: 0 if it is
    allowed, otherwise the seconds to wait. Off (always 0) when its setting is 0."""
    limit = _limit(name)
    return take(limit, key) if limit else 0


def _comment_key(request: HttpRequest) -> str:
    """Members count as themselves wherever they comment from; guests by address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"address:{client_address(request)}"


def too_many(what: str, wait: int) -> str:
    """The refusal people see, with how long to wait."""
    return f"You have {what} too often. Please wait {in_words(wait)} and try again."


def check_comment_rate(request: HttpRequest) -> None:
    """Count a comment (on the site or through the API), refusing it over the limit."""
    wait = take_slot("comment", _comment_key(request))
    if wait:
        raise RateLimitedError(too_many("commented", wait), wait)


def check_signup_rate(request: HttpRequest) -> None:
    """Count a sign-up from this address, refusing it over the limit."""
    wait = take_slot("signup", f"address:{client_address(request)}")
    if wait:
        raise RateLimitedError(too_many("tried to sign up", wait), wait)


def check_invite_request_rate(request: HttpRequest) -> None:
    """Count a request to join the invitation queue from this address."""
    wait = take_slot("invite_request", f"address:{client_address(request)}")
    if wait:
        raise RateLimitedError(too_many("asked for invitations", wait), wait)
