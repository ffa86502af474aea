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


def kudos_summary(work: Work) -> dict:
    """Who left kudos, newest first, and how many guests: "alice, bob and 3 guests"."""
    members = Kudos.objects.filter(work=work, user__isnull=False).select_related("user")
    names = [k.user.username for k in members.order_by("-created_at", "-id")[:NAMES_SHOWN]]
    member_count = members.count()
    return {
        "names": names,
        "more": max(member_count - len(names), 0),
        "guests": Kudos.objects.filter(work=work, user__isnull=True).count(),
    }
