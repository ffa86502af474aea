"""Muting: a reader's own blocklist of tags and creators, applied by Work.visible_to."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ficarchive.accounts.models import MUTE_LIMIT, MutedTag, MutedUser, User
from ficarchive.tags.models import Tag


@transaction.atomic
def mute_tags(user: User, tags: list[Tag]) -> int:
    new = [t for t in tags if not user.muted_tags.filter(tag=t).exists()]
    if user.muted_tags.count() + len(new) > MUTE_LIMIT:
        raise ValidationError(f"You can mute at most {MUTE_LIMIT:,} tags.")
    MutedTag.objects.bulk_create([MutedTag(user=user, tag=t) for t in new])
    user.forget_muted()
    return len(new)


@transaction.atomic
def mute_user(user: User, other: User) -> None:
    if other.pk == user.pk:
        raise ValidationError("You can't mute yourself.")
    if user.muted_users.filter(muted=other).exists():
        return
    if user.muted_users.count() >= MUTE_LIMIT:
        raise ValidationError(f"You can mute at most {MUTE_LIMIT:,} users.")
    MutedUser.objects.create(user=user, muted=other)
    user.forget_muted()


def unmute_tag(user: User, tag_id: int) -> None:
    user.muted_tags.filter(tag_id=tag_id).delete()
    user.forget_muted()


def unmute_user(user: User, other_id: int) -> None:
    user.muted_users.filter(muted_id=other_id).delete()
    user.forget_muted()
