"""People: users (who log in) and pseuds (the names they write under)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from ficarchive.accounts.validators import PSEUD_NAME_MAX, validate_login, validate_pseud_name

WRANGLERS_GROUP = "Wranglers"


class User(AbstractUser):
    """An account. Its login is shown in bylines as "pseud (login)" when the two differ."""

    username = models.CharField(
        "user name",
        max_length=40,
        unique=True,
        validators=[MinLengthValidator(3), validate_login],
        error_messages={"unique": "That user name is already taken."},
    )
    email = models.EmailField("e-mail address", unique=True)
    skip_adult_gate = models.BooleanField("Show me adult content without checking.", default=False)
    view_full_works = models.BooleanField("Show the whole work by default.", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("username"), name="unique_login_ci")]

    def save(self, *args, **kwargs) -> None:
        """Every account gets a default pseud named after its login, however it was created."""
        creating = self._state.adding
        super().save(*args, **kwargs)
        if creating:
            Pseud.objects.get_or_create(
                user=self, is_default=True, defaults={"name": self.username}
            )

    def get_absolute_url(self) -> str:
        return reverse("user", args=[self.username])

    def muted_ids(self) -> tuple[list[int], list[int]]:
        """(muted tag ids, muted user ids), read once per request and kept on the object."""
        if not hasattr(self, "_muted"):
            self._muted = (
                list(self.muted_tags.values_list("tag_id", flat=True)),
                list(self.muted_users.values_list("muted_id", flat=True)),
            )
        return self._muted

    def forget_muted(self) -> None:
        self.__dict__.pop("_muted", None)

    @property
    def is_wrangler(self) -> bool:
        """Wranglers file tags: members of the "Wranglers" group, and superusers."""
        return self.is_superuser or self.groups.filter(name=WRANGLERS_GROUP).exists()

    @property
    def default_pseud(self) -> Pseud:
        return self.pseuds.get(is_default=True)


class Pseud(models.Model):
    """A name a user writes under. Works, series and (later) comments belong to pseuds."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pseuds")
    name = models.CharField(
        max_length=PSEUD_NAME_MAX, validators=[MinLengthValidator(1), validate_pseud_name]
    )
    description = models.TextField(max_length=500, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", Lower("name")]
        constraints = [
            models.UniqueConstraint("user", Lower("name"), name="unique_pseud_name_per_user"),
            models.UniqueConstraint(
                "user", condition=models.Q(is_default=True), name="one_default_pseud"
            ),
        ]

    def __str__(self) -> str:
        return self.byline

    @property
    def byline(self) -> str:
        """'name (login)' when they differ, as readers expect from bylines."""
        if self.name.lower() == self.user.username.lower():
            return self.name
        return f"{self.name} ({self.user.username})"

    def get_absolute_url(self) -> str:
        return reverse("pseud", args=[self.user.username, self.name])


MUTE_LIMIT = 2000


class MutedTag(models.Model):
    """A tag whose works a reader never wants to see in listings and searches."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muted_tags")
    tag = models.ForeignKey("tags.Tag", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("user", "tag", name="unique_muted_tag")]

    def __str__(self) -> str:
        return f"{self.user} mutes {self.tag}"


class MutedUser(models.Model):
    """A creator whose works a reader never wants to see in listings and searches."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muted_users")
    muted = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("user", "muted", name="unique_muted_user"),
            models.CheckConstraint(
                condition=~models.Q(user=models.F("muted")), name="no_self_mute"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} mutes {self.muted}"


class Invitation(models.Model):
    """A single-use sign-up link sent to one e-mail address (registration mode "invite").
    Only a digest of its token is kept: the link in the e-mail is the one copy."""

    email = models.EmailField("e-mail address")
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"


class InvitationRequest(models.Model):
    """A place in the invitation queue: first come, first invited."""

    email = models.EmailField("e-mail address")
    created_at = models.DateTimeField(auto_now_add=True)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )

    class Meta:
        ordering = ["id"]  # ids grow with time: the queue order
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unique_invitation_request_email")
        ]

    def __str__(self) -> str:
        return self.email
