"""Kudos and comments: what readers say to a work's creators."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ficarchive.works.models import Chapter, Work

COMMENT_MAX = 10_000
SHOWN_DEPTH = 5  # levels of a thread shown on one page; deeper replies get their own page


class Kudos(models.Model):
    """One per member per work, or one per work per (hashed) guest address."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="kudos")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kudos_given",
    )
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "kudos"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "work", "user", condition=Q(user__isnull=False), name="one_kudos_per_user"
            ),
            models.UniqueConstraint(
                "work", "ip_hash", condition=Q(user__isnull=True), name="one_kudos_per_guest"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(ip_hash=""), name="kudos_has_giver"
            ),
        ]

    def __str__(self) -> str:
        return f"Kudos on {self.work_id}"


class WorkSettings(models.Model):
    """Per-work community settings kept out of the works table: comment moderation."""

    work = models.OneToOneField(
        Work, on_delete=models.CASCADE, primary_key=True, related_name="community_settings"
    )
    moderate_comments = models.BooleanField(
        "New comments wait for my approval before they appear.", default=False
    )

    def __str__(self) -> str:
        return f"Settings of {self.work_id}"

    @classmethod
    def moderated(cls, work: Work) -> bool:
        return cls.objects.filter(work=work, moderate_comments=True).exists()


class CommentQuerySet(models.QuerySet):
    def on_works_visible_to(self, user) -> CommentQuerySet:
        """Comments on works `user` may see (Work.objects.visible_to decides)."""
        return self.filter(work__in=Work.objects.visible_to(user, muted=True))

    def published(self) -> CommentQuerySet:
        """Approved and not deleted: what the work's comment count counts."""
        return self.filter(approved=True, deleted=False)

    def without_muted(self, user) -> CommentQuerySet:
        """Comments by users `user` muted vanish for them (never their own)."""
        if user is None or not user.is_authenticated:
            return self
        _, muted = user.muted_ids()
        return self.exclude(user_id__in=muted) if muted else self


class Comment(models.Model):
    """A comment on a chapter, or a reply to another comment (a thread, any depth)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="comments")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    # The top comment of the thread (null on the top comment itself): one query loads a thread.
    thread = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    # SET_NULL: when an account is deleted, its answered comments stay as placeholders so
    # other people's replies survive (see CommunityConfig.ready).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    pseud = models.ForeignKey(
        "accounts.Pseud", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    guest_name = models.CharField(max_length=100, blank=True)
    guest_email = models.EmailField(blank=True)
    body = models.TextField(validators=[MaxLengthValidator(COMMENT_MAX)])
    approved = models.BooleanField(default=True)  # False while waiting for moderation
    hidden = models.BooleanField(default=False)  # hidden by the work's creator or staff
    frozen = models.BooleanField(default=False)  # no more replies, no edits
    deleted = models.BooleanField(default=False)  # kept as a placeholder while it has replies
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["chapter", "parent", "created_at"]),
            models.Index(fields=["thread", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.work_id}"

    def get_absolute_url(self) -> str:
        return reverse("comment", args=[self.pk])

    @property
    def thread_id_or_own(self) -> int:
        return self.thread_id or self.pk

    @property
    def author_name(self) -> str:
        if self.pseud_id:
            return self.pseud.byline
        if self.user_id:
            return self.user.username
        return self.guest_name

    @property
    def by_guest(self) -> bool:
        return self.user_id is None

    def is_author(self, user) -> bool:
        return user is not None and user.is_authenticated and self.user_id == user.pk


class HitDay(models.Model):
    """A work's hits on one day, written when buffered hits are flushed: the stats chart."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint("work", "day", name="one_hit_row_per_day")]
        indexes = [models.Index(fields=["day", "work"])]

    def __str__(self) -> str:
        return f"{self.hits} hits on {self.work_id} on {self.day}"
