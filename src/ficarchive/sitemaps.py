"""The sitemap search engines read: public works, series and canonical tags.

Everything here goes through the guest rule (`visible_to(None)`), so a sitemap can never
name a draft, a restricted or hidden work, or a series or tag only such works fill.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from ficarchive.tags.models import Tag
from ficarchive.works.models import FilterTagging, Series, Work

# Smaller than the protocol's 50,000 so one page stays a light query on a big archive.
PAGE_SIZE = 10_000


class WorkSitemap(Sitemap):
    limit = PAGE_SIZE

    def items(self):
        return Work.objects.visible_to(None).only("pk", "revised_at").order_by("pk")

    def lastmod(self, work: Work):
        return work.revised_at


class SeriesSitemap(Sitemap):
    limit = PAGE_SIZE

    def items(self):
        return Series.objects.visible_to(None).only("pk", "updated_at").order_by("pk")

    def lastmod(self, series: Series):
        return series.updated_at


class TagSitemap(Sitemap):
    """Canonical tags with at least one public work in their filter set."""

    limit = PAGE_SIZE

    def items(self):
        public = FilterTagging.objects.filter(
            tag=OuterRef("pk"), work__in=Work.objects.visible_to(None)
        )
        return (
            Tag.objects.filter(canonical=True, merger__isnull=True)
            .filter(Exists(public))
            .only("pk", "name")
            .order_by("pk")
        )

    def location(self, tag: Tag) -> str:
        return reverse("tag_works", args=[tag.name])


SITEMAPS = {"works": WorkSitemap, "series": SeriesSitemap, "tags": TagSitemap}
