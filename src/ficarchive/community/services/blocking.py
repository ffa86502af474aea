"""Blocking: a creator stops someone commenting on or giving kudos to their works."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ficarchive.community.models import BLOCK_LIMIT, Block


@transaction.atomic
def block(user, other) -> None:
    if other.pk == user.pk:
        raise ValidationError("You can't block yourself.")
    if Block.objects.filter(blocker=user, blocked=other).exists():
        return
    if Block.objects.filter(blocker=user).count() >= BLOCK_LIMIT:
        raise ValidationError(f"You can block at most {BLOCK_LIMIT:,} users.")
    Block.objects.create(blocker=user, blocked=other)


def unblock(user, other_id: int) -> None:
    Block.objects.filter(blocker=user, blocked_id=other_id).delete()
