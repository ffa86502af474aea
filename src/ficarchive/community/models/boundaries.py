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


class SanctionKind(models.TextChoices):
    WARNING = "warning", "Warning"
    SUSPENSION = "suspension", "Suspension"
    BAN = "ban", "Ban"


class SanctionQuerySet(models.QuerySet):
    def in_force(self) -> SanctionQuerySet:
        """Suspensions not yet over, and bans."""
        from django.utils import timezone

        return self.filter(
            models.Q(kind=SanctionKind.BAN)
            | models.Q(kind=SanctionKind.SUSPENSION, until__gt=timezone.now())
        )


class Sanction(models.Model):
    """What staff did to an account: a warning, a suspension until a date, or a ban."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(max_length=12, choices=SanctionKind.choices)
    reason = models.TextField(max_length=2000)
    until = models.DateTimeField(null=True, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user_id}"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Report(models.Model):
    """A member tells staff about a work, a comment or a user."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    work = models.ForeignKey(
        "works.Work", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "community.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default="open")
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Report {self.pk}"

    @property
    def subject(self) -> str:
        if self.comment_id:
            return "a comment"
        if self.work_id:
            return f"the work “{self.work.title}”"
        if self.reported_user_id:
            return f"the user {self.reported_user.username}"
        return "something since deleted"
