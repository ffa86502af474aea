from __future__ import annotations

from django import template
from django.urls import reverse

from ficarchive.api.feeds import saved_search_token

register = template.Library()


@register.simple_tag
def saved_search_feed(search) -> str:
    """The (signed) address of a saved search's Atom feed."""
    return reverse("saved_search_feed", args=[saved_search_token(search)])
