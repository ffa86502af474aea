"""Template helpers for work blurbs."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def series_parts(context, work) -> list[dict]:
    """[{series, part}] for the work, numbering parts among the works this reader may see,
    so a blurb never reveals a part the reader can't open. One query per series per page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    cache = context.render_context.setdefault("series_visible_ids", {})
    parts = []
    for membership in work.series_memberships.all():
        series = membership.series
        if series.pk not in cache:
            cache[series.pk] = series.visible_work_ids(user)
        ids = cache[series.pk]
        if work.pk in ids:
            parts.append({"series": series, "part": ids.index(work.pk) + 1})
    return parts
