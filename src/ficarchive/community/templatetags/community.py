"""Template helpers for pages outside the community app (profiles, series)."""

from __future__ import annotations

from django import template

from ficarchive.community.models import Subscription

register = template.Library()


@register.simple_tag
def subscription_to(user, target, field: str) -> Subscription | None:
    """The user's subscription to `target` (`field` is "creator", "series" or "work")."""
    if not user.is_authenticated:
        return None
    return Subscription.objects.filter(user=user, **{field: target}).first()
