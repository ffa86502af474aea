"""Works, their chapters, and series of works."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf, Substr
from django.urls import reverse
from django.utils import timezone

from ficarchive.accounts.models import Pseud
from ficarchive.tags.models import FIXED_TYPES, Tag, TagType
from ficarchive.works.languages import LANGUAGE_NAMES, LANGUAGES

TITLE_MAX = 255
SUMMARY_MAX = 1250
NOTES_MAX = 5000
CHAPTER_TEXT_MIN = 10
CHAPTER_TEXT_MAX = 510_000
# Columns listings sort by (besides revised_at, indexed on its own).
SORT_COLUMNS = [
    "creator_sort",
    "title",
    "published_on",
    "word_count",
    "hits",
    "kudos_count",
    "comments_count",
    "bookmarks_count",
]


class CommentPermission(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    REGISTERED = "registered", "Registered users only"
    NOBODY = "nobody", "Nobody"


def _is_member(user) -> bool:
    return user is not None and user.is_authenticated


class WorkQuerySet(models.QuerySet):
    """The visibility rule lives here, once; every page, listing and count goes through it."""

    def visible_to(self, user, *, muted: bool = False) -> WorkQuerySet:
        """Works `user` may see: drafts to their creators, hidden works to creators and staff,
        restricted works to logged-in users, everything else to everyone; minus what the
        user muted (tags or creators), except their own works. `muted=True` keeps muted
        works, for the one page where a reader asks for a work by its address."""
        if not _is_member(user):
            return self.public()
        shared = Q(posted=True) if user.is_staff else Q(posted=True, hidden_by_admin=False)
        works = self.filter(shared | Q(pk__in=self._created_by(user)))
        return works if muted else works.without_muted(user)

    def without_muted(self, user) -> WorkQuerySet:
        """Minus the works of tags and creators `user` muted, except the user's own works.

        Each mute is its own NOT EXISTS (NOT IN is planned by PostgreSQL as a rescan per
        work once it outgrows work_mem), ANDed so the database can run them as anti-joins.
        A canonical tag is checked in filter sets only (they hold its synonyms' and subtags'
        works); other tags as typed. The own-works exception is added only for a user with
        works, because the OR it needs stops PostgreSQL from using anti-joins.
        """
        tag_ids, user_ids = user.muted_ids()
        if not tag_ids and not user_ids:
            return self
        canonical = set(
            Tag.objects.filter(pk__in=tag_ids, canonical=True).values_list("pk", flat=True)
        )
        typed = [pk for pk in tag_ids if pk not in canonical]
        keep = Q()
        if canonical:
            keep &= ~Exists(FilterTagging.objects.filter(work=OuterRef("pk"), tag_id__in=canonical))
        if typed:
            keep &= ~Exists(Work.tags.through.objects.filter(work=OuterRef("pk"), tag_id__in=typed))
        if user_ids:
            keep &= ~Exists(
                Creatorship.objects.filter(
                    work=OuterRef("pk"), pseud__user_id__in=user_ids, approved=True
                )
            )
        own = Creatorship.objects.filter(pseud__user=user, approved=True)
        if user.pk and own.exists():
            keep |= Exists(own.filter(work=OuterRef("pk")))
        return self.filter(keep)

    def muted_for(self, user) -> bool:
        """Whether this (single-work) queryset's work is one the user muted."""
        if not _is_member(user):
            return False
        tag_ids, user_ids = user.muted_ids()
        return bool(tag_ids or user_ids) and not self.without_muted(user).exists()

    def public(self) -> WorkQuerySet:
        """What guests see (and what public counts count)."""
        return self.filter(posted=True, hidden_by_admin=False, restricted=False)

    def for_members(self) -> WorkQuerySet:
        """What any logged-in reader sees of other people's works."""
        return self.filter(posted=True, hidden_by_admin=False)

    def needs_login(self) -> WorkQuerySet:
        """Works a guest cannot see only because they are restricted: guests are asked to log in."""
        return self.filter(posted=True, hidden_by_admin=False, restricted=True)

    def by_user(self, user) -> WorkQuerySet:
        return self.filter(pk__in=self._created_by(user))

    def by_pseud(self, pseud: Pseud) -> WorkQuerySet:
        return self.filter(
            pk__in=Creatorship.objects.filter(pseud=pseud, approved=True).values("work_id")
        )

    def drafts(self) -> WorkQuerySet:
        return self.filter(posted=False)

    def for_listing(self) -> WorkQuerySet:
        """What a blurb needs, fetched in a fixed number of queries."""
        return self.prefetch_related(
            "tags",
            models.Prefetch(
                "creatorships",
                queryset=Creatorship.objects.filter(approved=True).select_related("pseud__user"),
                to_attr="approved_creatorships",
            ),
            models.Prefetch(
                "series_memberships",
                queryset=SeriesWork.objects.select_related("series"),
            ),
        )

    @staticmethod
    def _created_by(user):
        return Creatorship.objects.filter(pseud__user=user, approved=True).values("work_id")


class Work(models.Model):
    title = models.CharField(max_length=TITLE_MAX)
    summary = models.TextField(blank=True, validators=[MaxLengthValidator(SUMMARY_MAX)])
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX)])
    end_notes = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX)])
    tags = models.ManyToManyField(Tag, related_name="works", blank=True)
    # The work's filter set: canonical tags it carries directly, through synonyms or as
    # metatags. Listings filter on this, never on `tags`. Maintained by tags/wrangling.py.
    filters = models.ManyToManyField(
        Tag, related_name="filtered_works", through="FilterTagging", editable=False
    )
    language = models.CharField(max_length=10, choices=LANGUAGES, default="en")
    expected_chapters = models.PositiveIntegerField(null=True, blank=True)
    published_on = models.DateField(default=timezone.localdate)
    revised_at = models.DateTimeField(default=timezone.now, db_index=True)
    posted = models.BooleanField(default=False)
    restricted = models.BooleanField(default=False)
    hidden_by_admin = models.BooleanField(default=False)
    # Imported works: where they came from, and who wrote them when that person has no
    # account here (shown as the byline, with the importer credited as archivist).
    source_url = models.URLField(max_length=500, blank=True)
    imported_creators = models.CharField(max_length=500, blank=True)
    # What "sort by creator" orders on: the byline's first name, lowercased. Kept by
    # refresh_creator_sort whenever creatorships or pseud names change.
    creator_sort = models.CharField(max_length=100, blank=True, editable=False)
    comment_permission = models.CharField(
        max_length=12, choices=CommentPermission.choices, default=CommentPermission.EVERYONE
    )
    word_count = models.PositiveIntegerField(default=0)
    chapter_count = models.PositiveIntegerField(default=0)
    # Fandoms with no metatag in common among its canonical fandoms (see tags/wrangling.py).
    crossover = models.BooleanField(default=False)
    # Reader statistics, kept as counters so listings can filter and sort on them.
    hits = models.PositiveIntegerField(default=0)
    kudos_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)
    bookmarks_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkQuerySet.as_manager()

    class Meta:
        ordering = ["-revised_at", "-id"]
        indexes = [
            models.Index(fields=["posted", "hidden_by_admin", "restricted", "-revised_at"]),
            # One per sort, with the id tie-break, so a sorted listing reads its first page
            # off the index instead of sorting every match (docs/performance.md).
            *[
                models.Index(fields=[column, "id"], name=f"work_sort_{column}")
                for column in SORT_COLUMNS
            ],
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("work", args=[self.pk])

    # -- tags, read from the prefetched set so a listing costs no extra queries
    def tags_of(self, tag_type: str) -> list[Tag]:
        tags = [tag for tag in self.tags.all() if tag.type == tag_type]
        if tag_type in FIXED_TYPES:
            return sorted(tags, key=lambda tag: tag.sort_index)
        return sorted(tags, key=lambda tag: tag.name.casefold())

    @property
    def rating(self) -> Tag | None:
        ratings = self.tags_of(TagType.RATING)
        return ratings[0] if ratings else None

    @property
    def warnings(self) -> list[Tag]:
        return self.tags_of(TagType.WARNING)

    @property
    def categories(self) -> list[Tag]:
        return self.tags_of(TagType.CATEGORY)

    @property
    def fandoms(self) -> list[Tag]:
        return self.tags_of(TagType.FANDOM)

    @property
    def relationships(self) -> list[Tag]:
        return self.tags_of(TagType.RELATIONSHIP)

    @property
    def characters(self) -> list[Tag]:
        return self.tags_of(TagType.CHARACTER)

    @property
    def additional_tags(self) -> list[Tag]:
        return self.tags_of(TagType.ADDITIONAL)

    @property
    def is_adult(self) -> bool:
        """Adult-rated or unrated works are behind the adult-content gate."""
        rating = self.rating
        return rating is None or rating.is_adult_rating

    # -- creators
    @property
    def creator_pseuds(self) -> list[Pseud]:
        ships = getattr(self, "approved_creatorships", None)
        if ships is None:
            ships = self.creatorships.filter(approved=True).select_related("pseud__user")
        return [ship.pseud for ship in ships]

    def is_creator(self, user) -> bool:
        if not _is_member(user):
            return False
        return any(pseud.user_id == user.pk for pseud in self.creator_pseuds)

    # -- state shown to readers
    @property
    def complete(self) -> bool:
        return self.expected_chapters is not None and self.chapter_count >= self.expected_chapters

    @property
    def expected_label(self) -> str:
        return "?" if self.expected_chapters is None else str(self.expected_chapters)

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language)

    @property
    def revised_on(self):
        return timezone.localdate(self.revised_at)


class FilterTagging(models.Model):
    # No single-column indexes: the two composite ones below serve lookups by either side,
    # and every index slows the bulk rewrites wrangling does.
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+", db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint("work", "tag", name="unique_filter_tagging")]
        indexes = [models.Index(fields=["tag", "work"])]

    def __str__(self) -> str:
        return f"{self.tag} on {self.work}"


class Creatorship(models.Model):
    """A pseud credited on a work. Co-creators are invited and appear once they accept."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="creatorships")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="creatorships")
    approved = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint("work", "pseud", name="unique_creatorship")]

    def __str__(self) -> str:
        return f"{self.pseud} on {self.work}"


class Chapter(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX, blank=True)
    summary = models.TextField(blank=True, validators=[MaxLengthValidator(SUMMARY_MAX)])
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX)])
    end_notes = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX)])
    text = models.TextField(
        validators=[MinLengthValidator(CHAPTER_TEXT_MIN), MaxLengthValidator(CHAPTER_TEXT_MAX)]
    )
    word_count = models.PositiveIntegerField(default=0)
    published_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint("work", "position", name="unique_chapter_position")]

    def __str__(self) -> str:
        return self.heading

    @property
    def heading(self) -> str:
        return f"Chapter {self.position}" + (f": {self.title}" if self.title else "")

    def get_absolute_url(self) -> str:
        return reverse("chapter", args=[self.work_id, self.pk])


class SeriesQuerySet(models.QuerySet):
    def visible_to(self, user) -> SeriesQuerySet:
        """A series is seen by whoever may see one of its works, and always by its creators."""
        works = Work.objects.visible_to(user)
        shown = Q(pk__in=SeriesWork.objects.filter(work__in=works).values("series_id"))
        if _is_member(user):
            shown |= Q(
                pk__in=Series.creators.through.objects.filter(pseud__user=user).values("series_id")
            )
        return self.filter(shown)


class Series(models.Model):
    title = models.CharField(max_length=TITLE_MAX)
    summary = models.TextField(blank=True, validators=[MaxLengthValidator(SUMMARY_MAX)])
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(NOTES_MAX)])
    complete = models.BooleanField(default=False)
    creators = models.ManyToManyField(Pseud, related_name="series")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "series"
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("series", args=[self.pk])

    def works_visible_to(self, user) -> WorkQuerySet:
        return (
            Work.objects.visible_to(user)
            .filter(series_memberships__series=self)
            .order_by("series_memberships__position", "id")
        )

    def visible_work_ids(self, user) -> list[int]:
        """Ids of the works `user` may see, in series order: part N is index N-1."""
        return list(self.works_visible_to(user).values_list("pk", flat=True))

    def is_creator(self, user) -> bool:
        return _is_member(user) and self.creators.filter(user=user).exists()


class SeriesWork(models.Model):
    """A work's place in a series; readers see its position among the works they may see."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="memberships")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="series_memberships")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint("series", "work", name="unique_series_work")]

    def __str__(self) -> str:
        return f"Part {self.position} of {self.series}"


def refresh_creator_sort(work_ids=None) -> None:
    """Recompute Work.creator_sort for some works (all when `work_ids` is None).

    One UPDATE, so bulk paths can call it once at the end. The signals in works/signals.py
    call it for every creatorship saved or deleted and every pseud renamed; code that
    changes creatorships with queryset.update() must call it itself.
    """
    first = (
        Creatorship.objects.filter(work=OuterRef("pk"), approved=True)
        .annotate(key=Lower("pseud__name"))
        .order_by("key")
        .values("key")[:1]
    )
    imported = NullIf(Lower("imported_creators"), Value(""))
    key = Substr(Coalesce(imported, Subquery(first), Value("")), 1, 100)
    works = Work.objects.all() if work_ids is None else Work.objects.filter(pk__in=work_ids)
    works.update(creator_sort=key)


# -- imports waiting for confirmation ---------------------------------------------------------


class ImportBatch(models.Model):
    """Files someone uploaded on the "Import works" page, kept until they post them.

    Parsing happens in a background task, not in the upload request (a hostile file can
    cost seconds of CPU); the person then confirms from the stored result, so nothing is
    parsed twice and nothing is saved as a work before they have seen it.
    """

    owner = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="import_batches"
    )
    split_chapters = models.BooleanField(default=False)
    fandoms = models.JSONField(default=list, blank=True)  # for works whose file names none
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk} by {self.owner}"

    def get_absolute_url(self) -> str:
        return reverse("import_batch", args=[self.pk])


class ImportFile(models.Model):
    """One uploaded file of a batch: its bytes until parsed, then what was found in it
    (ParsedWork.as_json()) or why it could not be read."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be read"
        PARSED = "parsed", "Read"
        FAILED = "failed", "Could not be read"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    data = models.BinaryField(default=b"")  # emptied once parsed: the result is what's kept
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint("batch", "position", name="unique_import_file_position")
        ]

    def __str__(self) -> str:
        return self.name


class EFictionRecord(models.Model):
    """A review or favourite an eFiction import brought over, by eFiction's own id.

    Kept when the comment, bookmark or subscription it became is deleted here, so running
    the import again (to pick up what failed the first time) never brings back what people
    removed since.
    """

    class Kind(models.TextChoices):
        REVIEW = "review"
        FAVORITE = "favorite"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.CharField(max_length=60)  # a review id, or "uid:type:item"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("kind", "source_id", name="unique_efiction_record")]

    def __str__(self) -> str:
        return f"eFiction {self.kind} {self.source_id}"
