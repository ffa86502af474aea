"""Turning what authors type into tag records."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ficarchive.tags.models import MAX_FREE_TAGS_PER_WORK, Tag, TagType, tag_key, validate_tag_name


def split_tag_names(text: str) -> list[str]:
    """Comma-separated names, trimmed, blanks and repeats (ignoring case) dropped."""
    seen: set[str] = set()
    names = []
    for raw in text.replace("，", ",").split(","):
        name = " ".join(raw.split())
        if name and tag_key(name) not in seen:
            seen.add(tag_key(name))
            names.append(name)
    return names


def check_tag_names(names: list[str], tag_type: str) -> None:
    """Raise one ValidationError listing every problem with these names for this field."""
    errors = []
    for name in names:
        try:
            validate_tag_name(name)
        except ValidationError as error:
            errors.extend(error.messages)
    clashes = Tag.objects.filter(key__in=[tag_key(n) for n in names]).exclude(type=tag_type)
    for tag in clashes:
        errors.append(
            f"“{tag.name}” is already a {tag.get_type_display()} tag; tag names are unique "
            "across types, so move it to that field or choose another name."
        )
    if errors:
        raise ValidationError(errors)


def check_tag_total(count: int) -> None:
    if count > MAX_FREE_TAGS_PER_WORK:
        raise ValidationError(
            f"You have {count} fandom, relationship, character and additional tags; "
            f"the most a work can have is {MAX_FREE_TAGS_PER_WORK}."
        )


def tags_for(names: list[str], tag_type: str) -> list[Tag]:
    """Find or create a tag for each name (names already checked with check_tag_names)."""
    tags = []
    for name in names:
        tag, _ = Tag.objects.get_or_create(
            key=tag_key(name), defaults={"name": name, "type": tag_type}
        )
        if tag.type != tag_type:
            check_tag_names([name], tag_type)  # raises: someone took the name meanwhile
        tags.append(tag)
    return tags


def fixed_tags(tag_type: TagType):
    """The ratings, warnings or categories, in their official order."""
    return sorted(Tag.objects.of_type(tag_type), key=lambda tag: tag.sort_index)
