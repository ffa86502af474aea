"""An eFiction 3.x archive as plain data: what the tables say, decoded, nothing invented."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ficarchive.formats.work import FormatError


class EFictionError(FormatError):
    """An archive that can't be read, with a message for the person migrating it."""


@dataclass
class Author:
    uid: int
    penname: str
    realname: str = ""
    email: str = ""
    bio: str = ""  # HTML
    password_md5: str = ""  # 32 lower-case hex digits, or "" when the stored value isn't one
    joined: datetime | None = None


@dataclass
class Category:
    catid: int
    name: str
    parent_id: int | None = None  # None for a top-level category
    description: str = ""
    order: int = 0


@dataclass
class Character:
    charid: int
    name: str
    catid: int | None = None  # None: usable in every category


@dataclass
class Rating:
    rid: int
    name: str
    warning_text: str = ""
    members_only: bool = False  # eFiction showed stories with this rating to members only


@dataclass
class ClassType:
    id: int
    name: str  # the internal name ("genres", "warnings")
    title: str = ""  # what readers saw ("Genres", "Warnings")


@dataclass
class StoryClass:
    id: int
    type_id: int
    name: str


@dataclass
class Chapter:
    chapid: int
    sid: int
    title: str = ""
    order: int = 0
    uid: int = 0
    notes: str = ""  # HTML
    end_notes: str = ""  # HTML
    validated: bool = True
    hits: int = 0


@dataclass
class Story:
    sid: int
    title: str
    uid: int
    summary: str = ""  # HTML
    notes: str = ""  # HTML
    category_ids: list[int] = field(default_factory=list)
    character_ids: list[int] = field(default_factory=list)
    class_ids: list[int] = field(default_factory=list)
    rating_id: int | None = None
    rating_name: str = ""  # when the story names its rating instead of giving an id
    published: datetime | None = None
    updated: datetime | None = None
    coauthor_ids: list[int] = field(default_factory=list)
    validated: bool = True
    completed: bool = False
    hits: int = 0
    chapters: list[Chapter] = field(default_factory=list)  # in reading order


@dataclass
class SeriesPart:
    sid: int
    order: int


@dataclass
class Series:
    seriesid: int
    title: str
    uid: int
    summary: str = ""  # HTML
    parts: list[SeriesPart] = field(default_factory=list)  # stories, in series order
    unconfirmed: int = 0  # stories other authors added that the owner never confirmed
    subseries: int = 0  # series listed inside this one (not carried over)


@dataclass
class Review:
    id: int
    item: int  # a story's sid (type "ST") or a series id ("SE")
    type: str
    chapid: int = 0  # 0: the story as a whole
    uid: int = 0  # 0: a guest, known only by `reviewer`
    reviewer: str = ""
    text: str = ""  # HTML or plain text; "No Review" when the reader only gave a score
    date: datetime | None = None
    score: int | None = None  # eFiction's rating of the story; None when none was given
    response: str = ""  # the author's response, which eFiction appended to the text

    @property
    def score_only(self) -> bool:
        """eFiction stored a score given without any words as the text "No Review"."""
        return self.text.strip() in ("", "No Review")


@dataclass
class Favorite:
    uid: int
    item: int
    type: str  # "ST" story, "SE" series, "AU" author
    comments: str = ""  # the member's note on it


@dataclass
class Archive:
    """Everything read from one archive. Chapter texts are read when asked for."""

    prefix: str
    source: str  # where it came from, for messages
    language: str = ""  # the site's language setting ("en"), when the settings table says
    site_url: str = ""  # the site's address, when the settings table says
    authors: dict[int, Author] = field(default_factory=dict)
    categories: dict[int, Category] = field(default_factory=dict)
    characters: dict[int, Character] = field(default_factory=dict)
    ratings: dict[int, Rating] = field(default_factory=dict)
    class_types: dict[int, ClassType] = field(default_factory=dict)
    classes: dict[int, StoryClass] = field(default_factory=dict)
    stories: dict[int, Story] = field(default_factory=dict)
    series: dict[int, Series] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    favorites: list[Favorite] = field(default_factory=list)
    stories_dir: Path | None = None
    # What the reader noticed and could not use, in words for the person migrating.
    notes: list[str] = field(default_factory=list)
    _texts: Callable[[Chapter], str] | None = field(default=None, repr=False)
    _close: Callable[[], None] | None = field(default=None, repr=False)

    def chapter_text(self, chapter: Chapter) -> str:
        """The chapter's text (HTML or plain text): from the database, else from its file
        stories/<uid>/<chapid>.txt under stories_dir; "" when neither has it."""
        return self._texts(chapter) if self._texts else ""

    def category_path(self, catid: int) -> list[str]:
        """Names from the top-level category down to this one."""
        names, seen = [], set()
        current = self.categories.get(catid)
        while current is not None and current.catid not in seen:
            seen.add(current.catid)
            names.append(current.name)
            current = self.categories.get(current.parent_id) if current.parent_id else None
        return list(reversed(names))

    def class_type_of(self, class_id: int) -> ClassType | None:
        story_class = self.classes.get(class_id)
        return self.class_types.get(story_class.type_id) if story_class else None

    def close(self) -> None:
        if self._close:
            self._close()
            self._close = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
