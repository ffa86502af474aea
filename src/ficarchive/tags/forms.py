"""Forms wranglers use. They check names and find tags; tags/wrangling.py does the work."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from ficarchive.tags.models import Tag, TagType, tag_key
from ficarchive.tags.services import split_tag_names


def find_tags(text: str) -> list[Tag]:
    """The existing tags named in comma-separated `text`; unknown names are an error."""
    names = split_tag_names(text)
    found = {tag.key: tag for tag in Tag.objects.filter(key__in=[tag_key(n) for n in names])}
    missing = [name for name in names if tag_key(name) not in found]
    if missing:
        raise ValidationError("There is no tag named " + ", ".join(f"“{n}”" for n in missing) + ".")
    return [found[tag_key(name)] for name in names]


class TagNamesInput(forms.CharField):
    """Names of existing tags, separated by commas."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Existing tags, separated by commas.")
        super().__init__(**kwargs)

    def clean(self, value):
        return find_tags(super().clean(value) or "")


class BulkAction(models.TextChoices):
    CANONICAL = "canonical", "Make canonical"
    SYNONYM = "synonym", "Make synonyms of…"
    PARENT = "parent", "Add parent tag…"
    METATAG = "metatag", "Add metatag…"
    UNWRANGLEABLE = "unwrangleable", "Mark unwrangleable"


class BulkWrangleForm(forms.Form):
    """One change applied to many tags at once, from the unwrangled-tags page."""

    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one tag."},
    )
    action = forms.ChoiceField(choices=BulkAction.choices, label="Change")
    target = forms.CharField(
        required=False,
        label="Tag to use",
        help_text="For synonyms, parents and metatags: the existing tag to point to.",
    )

    def __init__(self, *args, choices, tag_type: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = choices
        # Suggestions while typing (tags.js); parents may be fandoms or characters.
        self.fields["target"].widget.attrs["data-tag-type"] = ""
        self.fields["tags"].label_from_instance = lambda tag: tag.name

    def clean(self):
        cleaned = super().clean()
        needs_target = cleaned.get("action") in (
            BulkAction.SYNONYM,
            BulkAction.PARENT,
            BulkAction.METATAG,
        )
        if needs_target:
            name = (cleaned.get("target") or "").strip()
            if not name:
                self.add_error("target", "Name the tag to point to.")
            else:
                try:
                    cleaned["target_tag"] = find_tags(name)[0]
                except ValidationError as error:
                    self.add_error("target", error)
        return cleaned


class TagWrangleForm(forms.Form):
    """Everything a wrangler can change on one tag, applied together or not at all."""

    name = forms.CharField(max_length=150, label="Name")
    canonical = forms.BooleanField(required=False, label="Canonical (used for filtering)")
    unwrangleable = forms.BooleanField(required=False, label="Unwrangleable")
    synonym_of = forms.CharField(
        required=False, label="Synonym of", help_text="A canonical tag of the same type."
    )
    add_parents = TagNamesInput(label="Add parent tags")
    remove_parents = forms.ModelMultipleChoiceField(
        Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    add_metatags = TagNamesInput(label="Add metatags")
    remove_metatags = forms.ModelMultipleChoiceField(
        Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    add_subtags = TagNamesInput(label="Add subtags")
    merge_into = forms.CharField(
        required=False,
        label="Merge into",
        help_text="Move every work to this tag and delete this one. It can't be undone.",
    )

    def __init__(self, *args, tag: Tag, **kwargs):
        initial = {
            "name": tag.name,
            "canonical": tag.canonical,
            "unwrangleable": tag.unwrangleable,
            "synonym_of": tag.merger.name if tag.merger_id else "",
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.tag = tag
        for name in ("synonym_of", "add_metatags", "add_subtags", "merge_into"):
            self.fields[name].widget.attrs["data-tag-type"] = tag.type
        if "add_parents" in self.fields:
            self.fields["add_parents"].widget.attrs["data-tag-type"] = ""
        self.fields["remove_parents"].queryset = tag.parents.all()
        self.fields["remove_metatags"].queryset = tag.metatags.all()
        for name in ("remove_parents", "remove_metatags"):
            self.fields[name].label_from_instance = lambda t: t.name
        if tag.type in (TagType.FANDOM,):
            del self.fields["add_parents"], self.fields["remove_parents"]

    def clean(self):
        data = super().clean()
        if data.get("canonical") and data.get("synonym_of"):
            self.add_error("synonym_of", "A tag can be canonical or a synonym, not both.")
        if data.get("unwrangleable") and (data.get("canonical") or data.get("synonym_of")):
            self.add_error(
                "unwrangleable", "Unwrangleable tags are neither canonical nor synonyms."
            )
        return data

    def clean_synonym_of(self) -> Tag | None:
        name = self.cleaned_data["synonym_of"].strip()
        return find_tags(name)[0] if name else None

    def clean_merge_into(self) -> Tag | None:
        name = self.cleaned_data["merge_into"].strip()
        return find_tags(name)[0] if name else None
