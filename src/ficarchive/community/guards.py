"""A guard for the works pages: suspended users can read, but not post or edit."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect

from ficarchive.community.services.moderation import posting_refusal


def not_suspended(view):
    """Send a suspended user back to their account page with the reason, before any form."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        refusal = posting_refusal(request.user)
        if refusal:
            messages.error(request, refusal)
            return redirect("dashboard")
        return view(request, *args, **kwargs)

    return wrapped
