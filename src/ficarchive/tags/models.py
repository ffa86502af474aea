"""Tags: the fixed ratings, warnings and categories, and the free tags authors type."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

TAG_NAME_MAX = 150
MAX_FREE_TAGS_PER_WORK = 75
FORBIDDEN_TAG_CHARACTERS = ",^*<>{}=`\\%，"
_FORBIDDEN = re.compile("[" + re.escape(FORBIDDEN_TAG_CHARACTERS) + "]")


class TagType(models.TextChoices):
    RATING = "rating", "Rating"
    WARNING = "warning", "Archive Warning"
    CATEGORY = "category", "Category"
    FANDOM = "fandom", "Fandom"
    RELATIONSHIP = "relationship", "Relationship"
    CHARACTER = "character", "Character"
    ADDITIONAL = "additional", "Additional Tags"


FIXED_TYPES = (TagType.RATING, TagType.WARNING, TagType.CATEGORY)
FREE_TYPES = (TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER, TagType.ADDITIONAL)

# Fixed tags, in the order they are shown. `adult` ratings trigger the adult-content gate.
RATINGS = ["Not Rated", "General Audiences", "Teen And Up Audiences", "Mature", "Explicit"]
ADULT_RATINGS = {"Not Rated", "Mature", "Explicit"}
WARNINGS = [
    "Choose Not To Use Archive Warnings",
    "No Archive Warnings Apply",
    "Graphic Depictions Of Violence",
    "Major Character Death",
    "Rape/Non-Con",
    "Underage Sex",
]
WARNING_LABELS = {"Choose Not To Use Archive Warnings": "Creator Chose Not To Use Archive Warnings"}
CATEGORIES = ["Gen", "F/M", "M/M", "F/F", "Multi", "Other"]
FIXED_TAGS = {TagType.RATING: RATINGS, TagType.WARNING: WARNINGS, TagType.CATEGORY: CATEGORIES}


def validate_tag_name(name: str) -> None:
    """Refuse names a tag cannot have, in words an author understands."""
    if not name.strip():
        raise ValidationError("Tags can't be blank.")
    if len(name) > TAG_NAME_MAX:
        raise ValidationError(
            f"Tag names must be at most {TAG_NAME_MAX} characters: “{name[:30]}…” is {len(name)}."
        )
    if _FORBIDDEN.search(name):
        raise ValidationError(
            f"Tag “{name}” contains a character tags can't have. "
            "Tags can't include , ^ * < > { } = ` \\ % or a full-width comma."
        )


def tag_key(name: str) -> str:
    """The form of a name used for uniqueness: case-folded, accents kept, spaces squeezed."""
    return " ".join(name.split()).casefold()


class TagQuerySet(models.QuerySet):
    def of_type(self, tag_type: str) -> TagQuerySet:
        return self.filter(type=tag_type)

    def named(self, name: str) -> TagQuerySet:
        return self.filter(key=tag_key(name))


class Tag(models.Model):
    """One name, unique across all types ignoring case, and how wranglers have filed it.

    Only canonical tags appear in filter sets. A synonym (`merger` set) stands for its
    canonical; a metatag gathers its subtags' works; parents say which fandom a character,
    relationship or additional tag belongs to. docs/wrangling.md explains all of it.
    """

    name = models.CharField(max_length=TAG_NAME_MAX, validators=[validate_tag_name])
    key = models.CharField(max_length=TAG_NAME_MAX, unique=True, editable=False)
    type = models.CharField(max_length=20, choices=TagType.choices, db_index=True)
    canonical = models.BooleanField(default=False)
    unwrangleable = models.BooleanField(default=False)
    merger = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="synonyms",
        verbose_name="synonym of",
    )
    parents = models.ManyToManyField("self", symmetrical=False, related_name="children", blank=True)
    metatags = models.ManyToManyField("self", symmetrical=False, related_name="subtags", blank=True)
    public_works_count = models.PositiveIntegerField(default=0)
    works_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        self.name = " ".join(self.name.split())
        self.key = tag_key(self.name)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """How the tag reads on a page (one warning has a longer public name)."""
        return WARNING_LABELS.get(self.name, self.name)

    @property
    def is_adult_rating(self) -> bool:
        return self.type == TagType.RATING and self.name in ADULT_RATINGS

    def get_absolute_url(self) -> str:
        return reverse("tag_works", args=[self.name])

    @property
    def wrangled(self) -> bool:
        return self.canonical or self.merger_id is not None or self.unwrangleable

    @property
    def sort_index(self) -> int:
        """Position of a fixed tag in its official order (free tags sort by name)."""
        fixed = FIXED_TAGS.get(self.type)
        return fixed.index(self.name) if fixed and self.name in fixed else 999


class TagFilter(models.Model):
    """Which canonical tags a tag puts into a work's filter set (its closure).

    A canonical tag gives itself and every metatag above it; a synonym gives the same as its
    canonical; an unwrangled tag gives nothing. Kept current by tags/wrangling.py.
    """

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", db_index=False)
    filter = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint("tag", "filter", name="unique_tag_filter")]
        indexes = [models.Index(fields=["filter", "tag"])]

    def __str__(self) -> str:
        return f"{self.tag_id} -> {self.filter_id}"


class WranglingLog(models.Model):
    """Who changed which tag, how, and when: wranglers can read back every change."""

    user = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL)
    tag = models.ForeignKey(Tag, null=True, on_delete=models.SET_NULL, related_name="log")
    tag_name = models.CharField(max_length=TAG_NAME_MAX)
    action = models.CharField(max_length=40)
    detail = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.tag_name}: {self.detail}"
