"""Kudos: a reader's one-click thanks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from ficarchive.community.models import Kudos
from ficarchive.community.services.hits import hashed, visitor_address
from ficarchive.community.services.rules import check_kudos
from ficarchive.works.models import Work

ALREADY = "You have already left kudos here. :)"
NAMES_SHOWN = 100


def give_kudos(request: HttpRequest, work: Work) -> Kudos:
    """Leave kudos as the visitor: a member once per work, a guest once per work per address."""
    user = request.user
    check_kudos(work, user)
    if user.is_authenticated:
        kudos = Kudos(work=work, user=user)
    else:
        kudos = Kudos(work=work, ip_hash=hashed(visitor_address(request)))
    try:
        with transaction.atomic():
            kudos.save()
            Work.objects.filter(pk=work.pk).update(kudos_count=F("kudos_count") + 1)
    except IntegrityError:
        raise ValidationError(ALREADY) from None
    return kudos


def kudos_summary(work: Work, viewer=None) -> list[dict]:
    """Who left kudos, newest first, then the rest counted: "bob, carol and 2 guests".
    Users the viewer muted are not named; their kudos still count among the "more"."""
    members = Kudos.objects.filter(work=work, user__isnull=False).select_related("user")
    named = members
    if viewer is not None and viewer.is_authenticated:
        _, muted = viewer.muted_ids()
        named = members.exclude(user_id__in=muted) if muted else members
    users = [k.user for k in named.order_by("-created_at", "-id")[:NAMES_SHOWN]]
    parts = [{"text": user.username, "url": user.get_absolute_url()} for user in users]
    more = members.count() - len(users)
    if more > 0:
        parts.append({"text": f"{more} more user{'s' if more != 1 else ''}"})
    guests = Kudos.objects.filter(work=work, user__isnull=True).count()
    if guests:
        parts.append({"text": f"{guests} guest{'s' if guests != 1 else ''}"})
    return parts
