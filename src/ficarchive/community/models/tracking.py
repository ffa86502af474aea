"""What readers keep: bookmarks, subscriptions, reading history, the inbox, preferences."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from ficarchive.works.models import NOTES_MAX, Chapter, Series, Work

USER = settings.AUTH_USER_MODEL


class Preferences(models.Model):
    """The community preferences of one user; absent means the defaults."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, primary_key=True, related_name="community_preferences"
    )
    comment_emails = models.BooleanField(
        "E-mail me when someone comments on my works or replies to my comments.", default=True
    )
    keep_history = models.BooleanField("Keep my reading history.", default=True)
    digest = models.BooleanField(
        "Send me a daily e-mail digest of new chapters and works I subscribed to.", default=False
    )

    def __str__(self) -> str:
        return f"Preferences of {self.user_id}"

    @classmethod
    def of(cls, user) -> Preferences:
        """The saved preferences, or unsaved defaults (no row is written just to read)."""
        return cls.objects.filter(user=user).first() or cls(user=user)


class BookmarkQuerySet(models.QuerySet):
    def visible_to(self, user, *, muted: bool = False) -> BookmarkQuerySet:
        """Bookmarks of works or series `user` may see; private ones only to their owner;
        none by users `user` muted. `muted=True` keeps bookmarks of works the user muted,
        for the bookmarks page of a work opened by its address."""
        shown = Q(work__in=Work.objects.visible_to(user, muted=muted)) | Q(
            series__in=Series.objects.visible_to(user)
        )
        if user is not None and user.is_authenticated:
            _, muted = user.muted_ids()
            mine = Q(user=user)
            return self.filter(shown & (Q(private=False) | mine)).exclude(user_id__in=muted)
        return self.filter(shown, private=False)


class Bookmark(models.Model):
    """A reader's note on a work or a series, with their own tags; public unless private."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="bookmarks")
    pseud = models.ForeignKey(
        "accounts.Pseud", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="bookmarks"
    )
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, blank=True, related_name="bookmarks"
    )
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX)])
    private = models.BooleanField(default=False)
    rec = models.BooleanField("Rec", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookmarkQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "user", "work", condition=Q(work__isnull=False), name="one_bookmark_per_work"
            ),
            models.UniqueConstraint(
                "user", "series", condition=Q(series__isnull=False), name="one_bookmark_per_series"
            ),
            models.CheckConstraint(
                condition=Q(work__isnull=False, series__isnull=True)
                | Q(work__isnull=True, series__isnull=False),
                name="bookmark_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Bookmark of {self.target}"

    @property
    def target(self) -> Work | Series:
        return self.work if self.work_id else self.series

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags.all()]


class BookmarkTag(models.Model):
    """A bookmarker's own tag: plain text, never wrangled, so it can't disturb the tag tree."""

    bookmark = models.ForeignKey(Bookmark, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=150)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """Follow a work (new chapters), a series (new works) or a creator (new works)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="subscriptions")
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    creator = models.ForeignKey(
        USER, on_delete=models.CASCADE, null=True, blank=True, related_name="subscribers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

        constraints = [
            models.UniqueConstraint(
                "user", "work", condition=Q(work__isnull=False), name="one_work_subscription"
            ),
            models.UniqueConstraint(
                "user", "series", condition=Q(series__isnull=False), name="one_series_subscription"
            ),
            models.UniqueConstraint(
                "user",
                "creator",
                condition=Q(creator__isnull=False),
                name="one_creator_subscription",
            ),
            models.CheckConstraint(
                condition=Q(work__isnull=False, series__isnull=True, creator__isnull=True)
                | Q(work__isnull=True, series__isnull=False, creator__isnull=True)
                | Q(work__isnull=True, series__isnull=True, creator__isnull=False),
                name="subscription_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.target}"

    @property
    def target(self):
        return self.work or self.series or self.creator


class Reading(models.Model):
    """A reader's history with one work: when and where they last read it, and how often."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="readings")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    chapter = models.ForeignKey(
        Chapter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_read_at = models.DateTimeField()
    times = models.PositiveIntegerField(default=1)
    later = models.BooleanField(default=False)  # "mark for later"

    class Meta:
        ordering = ["-last_read_at", "-id"]
        constraints = [models.UniqueConstraint("user", "work", name="one_reading_per_work")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.work_id}"


class InboxKind(models.TextChoices):
    COMMENT = "comment", "Comment"
    REPLY = "reply", "Reply"
    CHAPTER = "chapter", "New chapter"
    WORK = "work", "New work"
    SEARCH = "search", "Saved search"
    NOTICE = "notice", "Notice from staff"


NEWS_KINDS = [InboxKind.CHAPTER, InboxKind.WORK, InboxKind.SEARCH]


class InboxQuerySet(models.QuerySet):
    def visible_to(self, user) -> InboxQuerySet:
        """`user`'s items whose work they may still see (a work hidden or restricted since
        the item arrived drops out), minus comments by users they muted. News of works
        (chapters, works, saved searches) also honours muted creators and tags, as listings
        do; comments and replies are the user's own conversations, so they stay."""
        _, muted = user.muted_ids()
        news = Q(kind__in=NEWS_KINDS)
        items = self.filter(user=user).filter(
            Q(work__isnull=True)
            | (news & Q(work__in=Work.objects.visible_to(user)))
            | (~news & Q(work__in=Work.objects.visible_to(user, muted=True)))
        )
        return items.exclude(comment__user_id__in=muted) if muted else items

    def unread(self) -> InboxQuerySet:
        return self.filter(read=False)

    def bulk_create(self, objs, *args, **kwargs):
        for item in objs:
            item.fit_text()
        return super().bulk_create(objs, *args, **kwargs)


class InboxItem(models.Model):
    """Something to tell a user: a comment, a reply, a new chapter or work they follow."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="inbox")
    kind = models.CharField(max_length=10, choices=InboxKind.choices)
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "community.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500)
    read = models.BooleanField(default=False)
    digested = models.BooleanField(default=False)  # sent in a daily digest already
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InboxQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read"])]

    def __str__(self) -> str:
        return self.text

    def fit_text(self) -> None:
        """Shorten the text to its column: it quotes titles and names people typed (a work
        title and a chapter title can be 255 characters each), and PostgreSQL refuses a
        longer value, which used to fail the comment that caused the message."""
        limit = self._meta.get_field("text").max_length
        if len(self.text) > limit:
            self.text = self.text[: limit - 1] + "…"

    def save(self, *args, **kwargs) -> None:
        self.fit_text()
        super().save(*args, **kwargs)


class SavedSearchDelivery(models.Model):
    """How far a subscribed saved search has been delivered (search's own table stays as is)."""

    search = models.OneToOneField(
        "search.SavedSearch", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    delivered_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.search_id} delivered until {self.delivered_until}"
