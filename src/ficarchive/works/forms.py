"""Forms for posting and editing works, chapters and series.

Forms check everything and say what is wrong next to the field; they never write. The
services in works/services.py do the writing, inside one transaction.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from ficarchive.accounts.models import Pseud
from ficarchive.community.models import WorkSettings
from ficarchive.tags.models import Tag, TagType
from ficarchive.tags.services import check_tag_names, check_tag_total, split_tag_names, tags_for
from ficarchive.works.models import (
    CHAPTER_TEXT_MAX,
    CHAPTER_TEXT_MIN,
    NOTES_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    Chapter,
    Series,
    Work,
)
from ficarchive.works.services import SeriesChoice, WorkInput

FREE_TAG_FIELDS = {
    "fandoms": TagType.FANDOM,
    "relationships": TagType.RELATIONSHIP,
    "characters": TagType.CHARACTER,
    "additional_tags": TagType.ADDITIONAL,
}


def _limit_messages(max_length: int, what: str) -> dict:
    return {"max_length": f"{what} must be at most {max_length:,} characters long."}


class TagNamesField(forms.CharField):
    """Comma-separated tag names of one type."""

    def __init__(self, tag_type: str, **kwargs):
        self.tag_type = tag_type
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"data-tag-type": tag_type}))
        kwargs.setdefault("help_text", "Separate tags with commas.")
        super().__init__(**kwargs)

    def clean(self, value):
        names = split_tag_names(super().clean(value) or "")
        if self.required and not names:
            raise ValidationError(self.error_messages["required"], code="required")
        check_tag_names(names, self.tag_type)
        return names


class ExpectedChaptersField(forms.CharField):
    """A number of chapters, or "?" when the author does not know yet."""

    def clean(self, value):
        value = (super().clean(value) or "?").strip()
        if value == "?":
            return None
        if not re.fullmatch(r"[0-9]{1,5}", value) or int(value) < 1:
            raise ValidationError("Enter the number of chapters you plan, or ? if you don't know.")
        return int(value)


class WorkForm(forms.ModelForm):
    """The "Post New Work" / "Edit Work" form."""

    creators = forms.ModelMultipleChoiceField(
        queryset=Pseud.objects.none(),
        label="Creator/Pseud(s)",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Please choose at least one of your pseuds."},
    )
    co_creators = forms.CharField(
        required=False,
        label="Add co-creators",
        help_text="Other users' pseuds, as “pseud (login)” or a login, separated by commas. "
        "They appear on the work once they accept.",
    )
    rating = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Please choose a rating."},
    )
    warnings = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(),
        label="Archive Warnings",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Please select at least one warning."},
    )
    categories = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fandoms = TagNamesField(
        TagType.FANDOM,
        required=True,
        error_messages={"required": "Please fill in at least one fandom."},
    )
    relationships = TagNamesField(TagType.RELATIONSHIP)
    characters = TagNamesField(TagType.CHARACTER)
    additional_tags = TagNamesField(TagType.ADDITIONAL)
    series = forms.ModelChoiceField(
        queryset=Series.objects.none(), required=False, label="Add to an existing series"
    )
    new_series_title = forms.CharField(
        required=False,
        max_length=TITLE_MAX,
        label="…or start a new series",
        error_messages=_limit_messages(TITLE_MAX, "A series title"),
    )
    series_position = forms.IntegerField(
        required=False,
        min_value=1,
        label="Part number in the series",
        help_text="Leave empty to add it at the end.",
    )
    expected_chapters = ExpectedChaptersField(
        required=False, label="Expected number of chapters", initial="?", max_length=6
    )
    moderate_comments = forms.BooleanField(
        required=False, label="Enable comment moderation (new comments wait for my approval)"
    )
    chapter_title = forms.CharField(
        required=False,
        max_length=TITLE_MAX,
        label="Chapter title",
        error_messages=_limit_messages(TITLE_MAX, "A chapter title"),
    )
    text = forms.CharField(
        label="Work text",
        widget=forms.Textarea(attrs={"rows": 20}),
        min_length=CHAPTER_TEXT_MIN,
        max_length=CHAPTER_TEXT_MAX,
        error_messages={
            "required": "Please enter the text of your work.",
            "min_length": f"The text must be at least {CHAPTER_TEXT_MIN} characters long.",
            "max_length": f"The text must be at most {CHAPTER_TEXT_MAX:,} characters long; "
            "split it into chapters.",
        },
    )

    class Meta:
        model = Work
        fields = [
            "title", "summary", "notes", "end_notes", "language", "published_on",
            "restricted", "comment_permission",
        ]  # fmt: skip
        labels = {
            "published_on": "Published date",
            "restricted": "Only show this work to registered users",
            "notes": "Notes (at the beginning)",
            "end_notes": "End notes",
        }
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "end_notes": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "title": {
                "required": "Please enter a title.",
                **_limit_messages(TITLE_MAX, "The title"),
            },
            "summary": _limit_messages(SUMMARY_MAX, "The summary"),
            "notes": _limit_messages(NOTES_MAX, "Notes"),
            "end_notes": _limit_messages(NOTES_MAX, "End notes"),
            "language": {"required": "Please select a language."},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["summary"].max_length = SUMMARY_MAX
        self.fields["creators"].queryset = user.pseuds.all()
        # Fixed tags were created in their official order, so id order is that order.
        fixed = Tag.objects.order_by("pk")
        self.fields["rating"].queryset = fixed.of_type(TagType.RATING)
        self.fields["warnings"].queryset = fixed.of_type(TagType.WARNING)
        self.fields["categories"].queryset = fixed.of_type(TagType.CATEGORY)
        self.fields["series"].queryset = Series.objects.filter(creators__user=user).distinct()
        self.fields["rating"].label_from_instance = lambda tag: tag.label
        self.fields["warnings"].label_from_instance = lambda tag: tag.label
        work = self.instance
        if work.pk:
            # Editing: the first chapter is edited on its own page.
            del self.fields["chapter_title"], self.fields["text"]
            self._load_tags(work)
            self.initial.setdefault("moderate_comments", WorkSettings.moderated(work))
        else:
            self.initial.setdefault("creators", [user.default_pseud.pk])
            self.initial.setdefault("published_on", timezone.localdate())

    def _load_tags(self, work: Work) -> None:
        self.initial["creators"] = [p.pk for p in work.creator_pseuds if p.user_id == self.user.pk]
        self.initial["rating"] = work.rating.pk if work.rating else None
        self.initial["warnings"] = [t.pk for t in work.warnings]
        self.initial["categories"] = [t.pk for t in work.categories]
        for name, tag_type in FREE_TAG_FIELDS.items():
            self.initial[name] = ", ".join(t.name for t in work.tags_of(tag_type))
        self.initial["expected_chapters"] = work.expected_label
        membership = work.series_memberships.select_related("series").first()
        if membership:
            self.initial["series"] = membership.series_id
            self.initial["series_position"] = membership.position

    def clean_co_creators(self) -> list[Pseud]:
        pseuds, missing = [], []
        for entry in split_tag_names(self.cleaned_data["co_creators"]):
            pseud = _find_pseud(entry)
            if pseud is None:
                missing.append(entry)
            elif pseud.user_id != self.user.pk:
                pseuds.append(pseud)
        if missing:
            raise ValidationError(
                "We couldn't find these pseuds: " + ", ".join(missing) + ". "
                "Write them as “pseud (login)” or as a login."
            )
        return pseuds

    def clean_published_on(self):
        published = self.cleaned_data["published_on"]
        if published and published > timezone.localdate():
            raise ValidationError("The published date can't be in the future.")
        return published

    def clean(self):
        cleaned = super().clean()
        total = sum(len(cleaned.get(name) or []) for name in FREE_TAG_FIELDS)
        try:
            check_tag_total(total)
        except ValidationError as error:
            self.add_error("additional_tags", error)
        expected = cleaned.get("expected_chapters")
        if expected is not None and self.instance.pk and expected < self.instance.chapter_count:
            self.add_error(
                "expected_chapters",
                f"This work already has {self.instance.chapter_count} chapters; "
                "the expected number can't be lower.",
            )
        if cleaned.get("series") and cleaned.get("new_series_title"):
            self.add_error(
                "new_series_title", "Choose an existing series or start a new one, not both."
            )
        return cleaned

    def work_input(self) -> WorkInput:
        """What the services need, with tags found or created (call inside the transaction)."""
        data = self.cleaned_data
        tags = [data["rating"], *data["warnings"], *data["categories"]]
        for name, tag_type in FREE_TAG_FIELDS.items():
            tags.extend(tags_for(data[name], tag_type))
        series = None
        if data["series"] or data["new_series_title"]:
            series = SeriesChoice(
                series=data["series"],
                new_title=data["new_series_title"].strip(),
                position=data["series_position"],
            )
        fields = {name: data[name] for name in self._meta.fields}
        fields["expected_chapters"] = data["expected_chapters"]
        return WorkInput(
            fields=fields,
            creators=list(data["creators"]),
            invited=data["co_creators"],
            tags=tags,
            series=series,
        )

    def first_chapter(self) -> Chapter | None:
        if "text" not in self.cleaned_data:
            return None
        return Chapter(title=self.cleaned_data["chapter_title"], text=self.cleaned_data["text"])


def _find_pseud(entry: str) -> Pseud | None:
    """Find 'pseud (login)' or a login's default pseud."""
    entry = entry.strip()
    if entry.endswith(")") and "(" in entry:
        name, _, login = entry[:-1].rpartition("(")
        return Pseud.objects.filter(
            name__iexact=name.strip(), user__username__iexact=login.strip()
        ).first()
    return Pseud.objects.filter(user__username__iexact=entry, is_default=True).first() or (
        Pseud.objects.filter(name__iexact=entry).first()
    )


class ChapterForm(forms.ModelForm):
    class Meta:
        model = Chapter
        fields = ["title", "summary", "notes", "end_notes", "text", "published_on"]
        labels = {"text": "Chapter text", "published_on": "Chapter published date"}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 20}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "end_notes": forms.Textarea(attrs={"rows": 3}),
            "published_on": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "title": _limit_messages(TITLE_MAX, "A chapter title"),
            "summary": _limit_messages(SUMMARY_MAX, "The chapter summary"),
            "notes": _limit_messages(NOTES_MAX, "Chapter notes"),
            "end_notes": _limit_messages(NOTES_MAX, "Chapter end notes"),
            "text": {
                "required": "Please enter the text of your chapter.",
                "min_length": f"The text must be at least {CHAPTER_TEXT_MIN} characters long.",
                "max_length": f"The text must be at most {CHAPTER_TEXT_MAX:,} characters long.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].min_length = CHAPTER_TEXT_MIN
        self.fields["text"].max_length = CHAPTER_TEXT_MAX
        self.fields["summary"].max_length = SUMMARY_MAX
        self.fields["notes"].max_length = NOTES_MAX
        self.fields["end_notes"].max_length = NOTES_MAX
        self.fields["published_on"].required = False

    def clean_published_on(self):
        published = self.cleaned_data.get("published_on") or timezone.localdate()
        if published > timezone.localdate():
            raise ValidationError("The published date can't be in the future.")
        return published


class SeriesForm(forms.ModelForm):
    class Meta:
        model = Series
        fields = ["title", "summary", "notes", "complete"]
        labels = {"complete": "This series is complete"}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "title": {
                "required": "Please enter a title.",
                **_limit_messages(TITLE_MAX, "The title"),
            },
            "summary": _limit_messages(SUMMARY_MAX, "The summary"),
            "notes": _limit_messages(NOTES_MAX, "Notes"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].max_length = SUMMARY_MAX
        self.fields["notes"].max_length = NOTES_MAX


class OrderForm(forms.Form):
    """A new order for chapters or series works: one position number per item."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for index, item in enumerate(self.items, start=1):
            self.fields[f"position_{item.pk}"] = forms.IntegerField(
                min_value=1, max_value=len(self.items), initial=index, label=str(item)
            )

    def ordered_ids(self) -> list[int]:
        pairs = sorted(
            (self.cleaned_data[f"position_{item.pk}"], index, item.pk)
            for index, item in enumerate(self.items)
        )
        return [pk for _, _, pk in pairs]
