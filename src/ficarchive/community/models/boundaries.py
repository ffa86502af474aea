"""Boundaries between people: blocking."""

from __future__ import annotations

from django.conf import settings
from django.db import models

BLOCK_LIMIT = 2000


class Block(models.Model):
    """The blocked user can no longer comment on or give kudos to the blocker's works,
    nor reply to the blocker's comments."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("blocker", "blocked", name="unique_block"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="no_self_block"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"

    @classmethod
    def between(cls, creator_ids, user) -> bool:
        """Whether any of `creator_ids` blocked `user`."""
        if user is None or not user.is_authenticated:
            return False
        return cls.objects.filter(blocker_id__in=list(creator_ids), blocked=user).exists()
