"""Saved searches: a named listing URL with its filters, to re-run or follow later."""

from __future__ import annotations

from django.conf import settings
from django.db import models

SAVED_SEARCH_LIMIT = 100


class SavedSearch(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=100)
    path = models.CharField(max_length=500)  # which listing: /works/, /tags/…/works/, /search/
    query = models.CharField(max_length=2000, blank=True)  # its filters, as a query string
    # Subscribers will be told about new matching works (inbox, with the community issue);
    # the query is stored now so nothing needs re-entering then.
    subscribed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint("user", "name", name="unique_saved_search_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path
