"""Pages for kudos, comments, bookmarks, subscriptions, history, inbox and blocking.

Views parse the request and render; the rules are in community/services/.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back(request: HttpRequest, fallback):
    """Redirect to the `next` address when it is on this site, else to `fallback`."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def ids(values: list[str]) -> list[int]:
    """The whole numbers among submitted ids; anything else is ignored, never an error page."""
    return [int(value) for value in values if value.isdigit()]
