"""Migrating an eFiction 3.x archive: its members become accounts, its stories works (and
its reviews and favourites feedback on them: see efiction_feedback.py).

ficarchive.formats.efiction reads the archive; this module decides what each thing becomes
here (docs/efiction.md explains the mapping to the people migrating) and saves it through
the same services as the posting form. Each member and each story is saved in its own
transaction, whole or not at all, so a story that can't be imported leaves no trace, and
running the import again skips what is already here and picks up the rest.

Also here: the password hasher that checks eFiction's unsalted MD5 hashes, which Django
itself stopped shipping in 5.1.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from ficarchive.accounts.models import Pseud, User
from ficarchive.accounts.validators import PSEUD_NAME_MAX, validate_pseud_name
from ficarchive.community.services import subscriptions
from ficarchive.formats import efiction as ef
from ficarchive.formats.sanitize import sanitize_html, strip_tags
from ficarchive.formats.work import ParsedChapter, ParsedWork
from ficarchive.search import index as search_index
from ficarchive.tags.models import (
    CATEGORIES,
    FORBIDDEN_TAG_CHARACTERS,
    MAX_FREE_TAGS_PER_WORK,
    RATINGS,
    TAG_NAME_MAX,
    WARNINGS,
    Tag,
    TagType,
    tag_key,
)
from ficarchive.works.exchange import ImportChoices, create_from_parsed, import_problems
from ficarchive.works.models import (
    TITLE_MAX,
    Creatorship,
    EFictionRecord,
    Series,
    SeriesWork,
    Work,
)
from ficarchive.works.services import reorder_series

# Passwords: eFiction's MD5 hashes are checked by accounts/hashers.py.

# -- the report -------------------------------------------------------------------------------

IMPORTED, ALREADY, SKIPPED = "imported", "already here", "skipped"


@dataclass
class Item:
    """What happened to one member, story or series."""

    kind: str  # "account", "work", "series", "review" or "favorite"
    source: str  # 'story 12 “Title”'
    status: str  # IMPORTED, ALREADY or SKIPPED
    detail: str = ""  # where it went ("work 31"), or why it was skipped
    notes: list[str] = field(default_factory=list)
    draft: bool = False
    reply: bool = False  # a review that came with the author's response, now their reply
    into: str = ""  # what a favorite became: "bookmark" or "subscription"

    def line(self, dry_run: bool = False) -> str:
        status = f"would be {self.status}" if dry_run and self.status == IMPORTED else self.status
        text = f"{self.source}: {status}"
        if self.detail:
            text += f" ({self.detail})" if self.status != SKIPPED else f": {self.detail}"
        return text


@dataclass
class AccountRow:
    """One member's account, for the list the people migrating send to their authors."""

    uid: int
    penname: str
    username: str
    email: str
    status: str
    password_kept: bool


@dataclass
class Report:
    source: str = ""
    dry_run: bool = False
    items: list[Item] = field(default_factory=list)
    accounts: list[AccountRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the archive as a whole

    def add(self, kind: str, source: str, status: str, detail: str = "", **extra) -> Item:
        item = Item(kind, source, status, detail, **extra)
        self.items.append(item)
        return item

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def count(self, kind: str, status: str | None = None) -> int:
        return sum(1 for i in self.items if i.kind == kind and status in (None, i.status))

    @property
    def skipped(self) -> list[Item]:
        return [item for item in self.items if item.status == SKIPPED]

    def summary(self) -> list[str]:
        done = "would be created" if self.dry_run else "created"
        posted = "would be imported" if self.dry_run else "imported"
        drafts = sum(1 for i in self.items if i.kind == "work" and i.status == IMPORTED and i.draft)
        return [
            f"Accounts: {self.count('account', IMPORTED)} {done}, "
            f"{self.count('account', ALREADY)} already here, "
            f"{self.count('account', SKIPPED)} skipped.",
            f"Works: {self.count('work', IMPORTED)} {posted}"
            + (f" ({drafts} as {'a draft' if drafts == 1 else 'drafts'})" if drafts else "")
            + f", {self.count('work', ALREADY)} already here, "
            f"{self.count('work', SKIPPED)} skipped.",
            f"Series: {self.count('series', IMPORTED)} {done}.",
            self._line("review", "Reviews", f"{posted} as comments", self._replies()),
            self._line("favorite", "Favorites", posted, self._favorite_kinds()),
        ]

    def _line(self, kind: str, title: str, done: str, detail: str) -> str:
        return (
            f"{title}: {self.count(kind, IMPORTED)} {done}{detail}, "
            f"{self.count(kind, ALREADY)} already here, {self.count(kind, SKIPPED)} skipped."
        )

    def _replies(self) -> str:
        replies = sum(1 for i in self.items if i.kind == "review" and i.reply)
        return f" (with {replies} author's repl{'y' if replies == 1 else 'ies'})" if replies else ""

    def _favorite_kinds(self) -> str:
        made = Counter(i.into for i in self.items if i.kind == "favorite" and i.status == IMPORTED)
        parts = [f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(made.items())]
        return f" ({', '.join(parts)})" if parts else ""


# -- mapping eFiction's vocabulary to ours ----------------------------------------------------

FALLBACK_FANDOM = "Unspecified Fandom"
UNKNOWN_JOIN_DATE = datetime(2000, 1, 1, tzinfo=UTC)  # for members eFiction gave no date
PLACEHOLDER_DOMAIN = "example.invalid"
NO_WARNINGS = "No Archive Warnings Apply"
CHOSE_NOT_TO_WARN = "Choose Not To Use Archive Warnings"

GENERAL, TEEN, MATURE, EXPLICIT = RATINGS[1], RATINGS[2], RATINGS[3], RATINGS[4]
RATING_ALIASES = {
    **{name.casefold(): name for name in RATINGS},
    "g": GENERAL, "general": GENERAL, "k": GENERAL, "k+": GENERAL, "pg": GENERAL,
    "all ages": GENERAL, "everyone": GENERAL, "fr7": GENERAL, "fr-7": GENERAL,
    "pg-13": TEEN, "pg13": TEEN, "t": TEEN, "teen": TEEN, "teens": TEEN, "teen and up": TEEN,
    "fr13": TEEN, "fr-13": TEEN, "fr15": TEEN, "fr-15": TEEN, "15": TEEN, "15+": TEEN,
    "r": MATURE, "m": MATURE, "fr18": MATURE, "fr-18": MATURE, "17": MATURE, "17+": MATURE,
    "nc-17": EXPLICIT, "nc17": EXPLICIT, "ma": EXPLICIT, "x": EXPLICIT, "xxx": EXPLICIT,
    "adult": EXPLICIT, "adults only": EXPLICIT, "18": EXPLICIT, "18+": EXPLICIT,
    "fr21": EXPLICIT, "fr-21": EXPLICIT,
    "not rated": RATINGS[0], "unrated": RATINGS[0], "none": RATINGS[0],
}  # fmt: skip
WARNING_ALIASES = {
    **{name.casefold(): name for name in WARNINGS},
    "creator chose not to use archive warnings": CHOSE_NOT_TO_WARN,
    "author chose not to warn": CHOSE_NOT_TO_WARN, "choose not to warn": CHOSE_NOT_TO_WARN,
    "none": NO_WARNINGS, "no warnings": NO_WARNINGS, "no warning": NO_WARNINGS,
    "no warnings apply": NO_WARNINGS,
    "violence": WARNINGS[2], "graphic violence": WARNINGS[2],
    "character death": WARNINGS[3], "death": WARNINGS[3],
    "rape": WARNINGS[4], "non-con": WARNINGS[4], "noncon": WARNINGS[4],
    "non-consensual": WARNINGS[4], "rape/non-consensual": WARNINGS[4],
    "underage": WARNINGS[5],
}  # fmt: skip
CATEGORY_ALIASES = {
    **{name.casefold(): name for name in CATEGORIES},
    "het": "F/M", "m/f": "F/M", "slash": "M/M", "femslash": "F/F", "femmeslash": "F/F",
    "general": "Gen", "multiple": "Multi",
}  # fmt: skip

_FORBIDDEN = re.compile("[" + re.escape(FORBIDDEN_TAG_CHARACTERS) + "]")
_TRANSLITERATE = str.maketrans({
    "ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "Ł": "L",
    "ł": "l", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th", "Ð": "D", "ð": "d", "ı": "i",
})  # fmt: skip
_SID = re.compile(r"(?:^efiction:|[?&]sid=)(\d+)$")


def tag_name(text: str) -> str:
    """A name a tag can have: characters tags can't hold become spaces, length capped."""
    return " ".join(_FORBIDDEN.sub(" ", text).split())[:TAG_NAME_MAX].strip()


def login_base(penname: str, uid: int) -> str:
    """A user name from a pen name: ASCII letters, digits and underscores, 3 to 40 long."""
    ascii_name = unicodedata.normalize("NFKD", penname.translate(_TRANSLITERATE))
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9]+", "_", ascii_name).strip("_")[:40].rstrip("_")
    if len(base) < 3:
        base = f"{base}_{uid}" if base else f"efiction_{uid}"
    return base


def _pseud_ok(name: str) -> bool:
    if not name or len(name) > PSEUD_NAME_MAX:
        return False
    try:
        validate_pseud_name(name)
    except ValidationError:
        return False
    return True


def _class_kind(class_type: ef.ClassType | None) -> str:
    words = f"{class_type.name} {class_type.title}".casefold() if class_type else ""
    if "warning" in words:
        return "warning"
    if "categor" in words or "pairing" in words:
        return "category"
    return "additional"


class Mapping:
    """What each eFiction category, character, rating and class becomes here.

    Decided once for the whole archive before anything is saved, so every story gets the
    same tags whatever order it is imported in. Free-tag names already taken by a tag of
    another type (tag names are unique across types) get a qualifier in brackets.
    """

    def __init__(self, archive: ef.Archive, report: Report):
        self.archive = archive
        self.report = report
        self._taken: dict[str, str | None] = {}  # tag key -> type, in the database or claimed
        keys = [tag_key(tag_name(c.name)) for c in archive.categories.values()]
        keys += [tag_key(tag_name(c.name)) for c in archive.characters.values()]
        keys += [tag_key(tag_name(c.name)) for c in archive.classes.values()]
        for key, tag_type in Tag.objects.filter(key__in=set(keys)).values_list("key", "type"):
            self._taken[key] = tag_type
        self.fandoms: dict[int, str] = {}
        for catid in archive.categories:
            name = tag_name(" - ".join(archive.category_path(catid)))
            if name:
                self.fandoms[catid] = self._claim(name, TagType.FANDOM, ["Fandom"])
        self.fallback_fandom = self._claim(FALLBACK_FANDOM, TagType.FANDOM, [])
        self.characters = self._characters()
        self.classes = self._classes()
        self.ratings = self._ratings()

    # -- tag names

    def _type_of(self, key: str) -> str | None:
        if key not in self._taken:
            self._taken[key] = Tag.objects.filter(key=key).values_list("type", flat=True).first()
        return self._taken[key]

    def _claim(self, name: str, tag_type: str, qualifiers: list[str]) -> str:
        """`name`, or `name (qualifier)` when a tag of another type has the name; "" when
        every form is taken."""
        for candidate in [name] + [f"{name} ({q})" for q in qualifiers if q]:
            candidate = tag_name(candidate)
            key = tag_key(candidate)
            if self._type_of(key) in (None, tag_type):
                self._taken[key] = tag_type
                if candidate != name:
                    self.report.note(
                        f"“{name}” is already a tag of another type here: the "
                        f"{TagType(tag_type).label.lower()} tag is “{candidate}”."
                    )
                return candidate
        self.report.note(
            f"“{name}” is already a tag of another type here: left off the works that had it "
            f"as a {TagType(tag_type).label.lower()} tag."
        )
        return ""

    def _top_category(self, catid: int | None) -> str:
        path = self.archive.category_path(catid) if catid else []
        return path[0] if path else ""

    def _characters(self) -> dict[int, str]:
        # The same name under different top-level categories is different people.
        fandoms_by_name: dict[str, set[str]] = {}
        for character in self.archive.characters.values():
            top = self._top_category(character.catid)
            if top:
                fandoms_by_name.setdefault(tag_key(character.name), set()).add(top)
        names = {}
        for charid, character in self.archive.characters.items():
            name = tag_name(character.name)
            if not name:
                continue
            top = tag_name(self._top_category(character.catid))
            if len(fandoms_by_name.get(tag_key(name), ())) > 1 and top:
                name = tag_name(f"{name} ({top})")
            names[charid] = self._claim(name, TagType.CHARACTER, [top, "Character"])
        return names

    def _classes(self) -> dict[int, tuple[str, str]]:
        """class id -> (kind, name): kind is "warning", "category" or "additional"."""
        targets = {}
        used = {c for story in self.archive.stories.values() for c in story.class_ids}
        for class_id, story_class in self.archive.classes.items():
            class_type = self.archive.class_types.get(story_class.type_id)
            kind = _class_kind(class_type)
            key = story_class.name.strip().casefold()
            type_title = (class_type.title or class_type.name) if class_type else ""
            if kind == "warning" and key in WARNING_ALIASES:
                targets[class_id] = ("warning", WARNING_ALIASES[key])
                continue
            if kind == "category" and key in CATEGORY_ALIASES:
                targets[class_id] = ("category", CATEGORY_ALIASES[key])
                continue
            if kind == "warning" and class_id in used:
                self.report.note(
                    f"eFiction warning “{story_class.name}” is not one of the archive warnings: "
                    "kept as an additional tag."
                )
            name = tag_name(story_class.name)
            if name:
                claimed = self._claim(name, TagType.ADDITIONAL, [type_title])
                if claimed:
                    targets[class_id] = ("additional", claimed)
        return targets

    def _ratings(self) -> dict[int, tuple[str, bool]]:
        """rid -> (rating name here, or "" for Not Rated; members only)."""
        used = Counter(s.rating_id for s in self.archive.stories.values())
        ratings = {}
        for rid, rating in self.archive.ratings.items():
            name = RATING_ALIASES.get(rating.name.strip().casefold(), "")
            ratings[rid] = (name, rating.members_only)
            if not name and used[rid]:
                stories = f"{used[rid]} stor{'ies' if used[rid] != 1 else 'y'}"
                self.report.note(
                    f"eFiction rating “{rating.name}” matches none of the ratings here: its "
                    f"{stories} will be Not Rated."
                )
        return ratings

    def rating_of(self, story: ef.Story) -> tuple[str, bool]:
        if story.rating_id is not None and story.rating_id in self.ratings:
            return self.ratings[story.rating_id]
        if story.rating_name:
            by_name = [r for r in self.archive.ratings.values() if r.name == story.rating_name]
            members_only = bool(by_name and by_name[0].members_only)
            return RATING_ALIASES.get(story.rating_name.casefold(), ""), members_only
        return "", False

    # -- a story

    def parsed(
        self, story: ef.Story, chapters: list[ef.Chapter], texts: list[str], source_url: str
    ) -> tuple[ParsedWork, list[str]]:
        """The story as a ParsedWork, and notes on what didn't carry over."""
        notes: list[str] = []
        fandoms = _unique(self.fandoms.get(c, "") for c in story.category_ids)
        characters = _unique(self.characters.get(c, "") for c in story.character_ids)
        warnings, categories, additional = [], [], []
        for class_id in story.class_ids:
            kind, name = self.classes.get(class_id, ("", ""))
            {"warning": warnings, "category": categories, "additional": additional}.get(
                kind, []
            ).append(name)
        warnings, categories, additional = (_unique(x) for x in (warnings, categories, additional))
        if NO_WARNINGS in warnings and len(warnings) > 1:
            warnings.remove(NO_WARNINGS)  # a real warning outranks "none apply"
        rating, _ = self.rating_of(story)
        if not fandoms:
            notes.append(f"no category it was filed in still exists: filed under "
                         f"“{self.fallback_fandom or FALLBACK_FANDOM}”")  # fmt: skip
        extra = len(fandoms) + len(characters) + len(additional) - MAX_FREE_TAGS_PER_WORK
        if extra > 0:
            notes.append(f"{extra} tags over the limit of {MAX_FREE_TAGS_PER_WORK} left off")
            for names in (additional, characters):
                while extra > 0 and names:
                    names.pop()
                    extra -= 1
        parsed = ParsedWork(
            title=(story.title or "Untitled")[:TITLE_MAX],
            creators=[],
            rating=rating,
            warnings=warnings,
            categories=categories,
            fandoms=fandoms,
            characters=characters,
            additional_tags=additional,
            language=self.archive.language,
            summary=story.summary,
            notes=story.notes,
            published=_local_date(story.published),
            updated=_local_date(story.updated),
            complete=story.completed,
            source_url=source_url,
            chapters=[
                ParsedChapter(title=c.title, notes=c.notes, end_notes=c.end_notes, text=text)
                for c, text in zip(chapters, texts, strict=True)
            ],
        )
        return parsed, notes


def _unique(names) -> list[str]:
    return list(dict.fromkeys(name for name in names if name))


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(_aware(moment)) if moment else None


# -- the import -------------------------------------------------------------------------------


def open_archive(
    source: str | Path, *, stories_dir: str | Path | None = None, prefix: str | None = None
) -> ef.Archive:
    """Read an archive from a mysql:// address or a dump file's path."""
    text = str(source)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        return ef.read_archive(dsn=text, stories_dir=stories_dir, prefix=prefix)
    return ef.read_archive(dump=text, stories_dir=stories_dir, prefix=prefix)


def clean_base_url(base_url: str) -> str:
    """The old site's address, for source links: http(s)://host/path, no trailing slash."""
    base = base_url.strip().rstrip("/")
    base = base.removesuffix("/viewstory.php").removesuffix("/index.php")
    if base and not re.match(r"^https?://[^\s/]+", base):
        raise ef.EFictionError(
            f"The old site's address must start with http:// or https://, not “{base_url}”."
        )
    return base


def import_archive(
    source: ef.Archive | str | Path,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    stories_dir: str | Path | None = None,
    prefix: str | None = None,
    base_url: str = "",
    authors_only: bool = False,
) -> Report:
    """Import an eFiction archive (an Archive, a mysql:// address or a dump file's path).

    Raises EFictionError when the archive can't be read at all; anything wrong with a single
    member or story is in the report, and the rest is imported. With dry_run nothing is
    saved and the report says what would happen."""
    base = clean_base_url(base_url)
    archive = source if isinstance(source, ef.Archive) else None
    if archive is None:
        archive = open_archive(source, stories_dir=stories_dir, prefix=prefix)
    try:
        importer = _Importer(archive, dry_run=dry_run, progress=progress, base_url=base)
        importer.run(authors_only=authors_only)
        return importer.report
    finally:
        if not isinstance(source, ef.Archive):
            archive.close()


def source_urls(sid: int, base_url: str = "") -> list[str]:
    """Addresses a story imported earlier may carry: with the old site's address or not."""
    marker = f"efiction:{sid}"
    return [f"{base_url}/viewstory.php?sid={sid}", marker] if base_url else [marker]


def sid_of(source_url: str) -> int | None:
    match = _SID.search(source_url)
    return int(match.group(1)) if match else None


class _Importer:
    def __init__(self, archive: ef.Archive, *, dry_run: bool, progress, base_url: str):
        self.archive = archive
        self.dry_run = dry_run
        self.progress = progress
        self.base_url = base_url
        self.report = Report(source=archive.source, dry_run=dry_run)
        self.report.notes.extend(archive.notes)
        if archive.site_url and not base_url:
            self.report.note(
                f"eFiction's settings give the site address {archive.site_url}: pass "
                f"--base-url {archive.site_url} to link each work to its old page."
            )
        self.pseuds: dict[int, Pseud] = {}  # eFiction uid -> default pseud
        self.members: set[int] = set()  # uids with an account (or, in a dry run, one planned)
        self._logins: set[str] = set()  # planned in this run, lower-cased
        self._emails: set[str] = set()
        self.mapping = Mapping(archive, self.report)
        self._series_of: dict[int, list[ef.Series]] = {}
        self._planned_series: set[int] = set()  # dry run: series that would be created
        self.planned_works: set[int] = set()  # dry run: stories that would be imported
        self._imported = self._imported_works()  # sid -> work id, from this or earlier runs
        # Reviews and favourites earlier runs brought over, even if deleted since.
        self._recorded = set(EFictionRecord.objects.values_list("kind", "source_id"))
        # Stories whose work this run made: new, or made again after its work was deleted,
        # so their reviews and favourites come (back) with them.
        self.fresh: set[int] = set()
        for series in archive.series.values():
            for part in series.parts:
                self._series_of.setdefault(part.sid, []).append(series)

    def run(self, *, authors_only: bool) -> None:
        """Members, then stories, then the reviews and favourites that need both; nobody
        hears of any of it as news."""
        with subscriptions.deliveries_held():
            self._run(authors_only=authors_only)

    def _run(self, *, authors_only: bool) -> None:
        from ficarchive.works.efiction_feedback import FeedbackImporter

        archive = self.archive
        writers = {s.uid for s in archive.stories.values()}
        writers |= {uid for s in archive.stories.values() for uid in s.coauthor_ids}
        writers |= {s.uid for s in archive.series.values()}
        members = [a for a in archive.authors.values() if a.uid in writers or not authors_only]
        if authors_only and len(members) < len(archive.authors):
            left = len(archive.authors) - len(members)
            self.report.note(f"{left} members without stories or series were not given accounts.")
        feedback = FeedbackImporter(self)
        reviews, favorites = feedback.review_groups(), feedback.favorite_groups()
        total = len(members) + len(archive.stories) + len(reviews) + len(favorites)
        done = 0
        for author in members:
            self._account(author)
            done += 1
            self._tick(done, total, "accounts")
        for story in archive.stories.values():
            self._story(story)
            done += 1
            self._tick(done, total, "works")
        feedback.other_reviews()
        for sid, story_reviews in reviews.items():
            feedback.reviews_of(sid, story_reviews)
            done += 1
            self._tick(done, total, "reviews")
        for uid, member_favorites in favorites.items():
            feedback.favorites_of(uid, member_favorites)
            done += 1
            self._tick(done, total, "favorites")
        self._closing_notes()

    def _tick(self, done: int, total: int, what: str) -> None:
        if self.progress:
            self.progress(done, total, what)

    # -- accounts

    def _account(self, author: ef.Author) -> None:
        label = f"member {author.uid} “{author.penname}”"
        joined = _aware(author.joined) or UNKNOWN_JOIN_DATE
        email = author.email if _email_ok(author.email) else ""
        existing = self._existing_account(author.uid, email, joined)
        if existing is not None:
            self.members.add(author.uid)
            self.pseuds[author.uid] = existing.default_pseud
            self.report.add("account", label, ALREADY, f"user {existing.username}")
            self._row(author, existing.username, existing.email, ALREADY)
            return
        username = self._login(author)
        email, email_note = self._email(author.uid, email, author.email)
        notes = [email_note] if email_note else []
        if not author.password_md5:
            notes.append("eFiction had no usable password hash: they must reset their password")
        pseud_name = author.penname if _pseud_ok(author.penname) else username
        if pseud_name != author.penname:
            notes.append(f"pen name can't be a pseud here: their pseud is “{pseud_name}”")
        bio = _plain_bio(author.bio)
        if len(bio) > 500:
            bio = bio[:499] + "…"
            notes.append("biography shortened to 500 characters")
        if not self.dry_run:
            try:
                with transaction.atomic():
                    user = User(username=username, email=email, date_joined=joined)
                    user.password = (
                        f"md5$${author.password_md5}"
                        if author.password_md5
                        else make_password(None)
                    )
                    user.save()
                    pseud = user.default_pseud
                    pseud.name, pseud.description = pseud_name, bio
                    pseud.save()
            except (DatabaseError, ValidationError) as error:
                self.report.add("account", label, SKIPPED, _reason(error))
                return
            self.pseuds[author.uid] = pseud
        self.members.add(author.uid)
        self.report.add("account", label, IMPORTED, f"user {username}", notes=notes)
        self._row(author, username, email, IMPORTED)

    def _row(self, author: ef.Author, username: str, email: str, status: str) -> None:
        kept = bool(author.password_md5)
        row = AccountRow(author.uid, author.penname, username, email, status, kept)
        self.report.accounts.append(row)

    def _existing_account(self, uid: int, email: str, joined: datetime) -> User | None:
        """The account an earlier run made for this member: same join date, and their
        e-mail address or their placeholder one."""
        placeholder = Q(email__istartswith=f"efiction-{uid}@") | Q(
            email__istartswith=f"efiction-{uid}-"
        )
        same = placeholder | Q(email__iexact=email) if email else placeholder
        return User.objects.filter(same, date_joined=joined).order_by("pk").first()

    def _login(self, author: ef.Author) -> str:
        base = login_base(author.penname, author.uid)
        candidate, number = base, 2
        while candidate.lower() in self._logins or (
            User.objects.filter(username__iexact=candidate).exists()
        ):
            suffix = f"_{number}"
            candidate = base[: 40 - len(suffix)] + suffix
            number += 1
        self._logins.add(candidate.lower())
        return candidate

    def _email(self, uid: int, email: str, given: str) -> tuple[str, str]:
        if email and email.lower() not in self._emails:
            if not User.objects.filter(email__iexact=email).exists():
                self._emails.add(email.lower())
                return email, ""
            note = f"e-mail address {email} already belongs to another account"
        elif email:
            note = f"e-mail address {email} is shared with another member of the archive"
        else:
            note = f"e-mail address “{given}” is not usable" if given else "no e-mail address"
        candidate, number = f"efiction-{uid}@{PLACEHOLDER_DOMAIN}", 2
        while candidate in self._emails or User.objects.filter(email__iexact=candidate).exists():
            candidate = f"efiction-{uid}-{number}@{PLACEHOLDER_DOMAIN}"
            number += 1
        self._emails.add(candidate)
        return candidate, note + f": given the placeholder {candidate}"

    # -- stories

    def _story(self, story: ef.Story) -> None:
        label = f"story {story.sid} “{story.title}”"
        urls = source_urls(story.sid, self.base_url)
        existing = self._imported.get(story.sid)
        if existing is not None:
            self.report.add("work", label, ALREADY, f"work {existing}")
            return
        try:
            plan, notes, draft = self._story_plan(story, urls[0])
        except _Skip as skip:
            self.report.add("work", label, SKIPPED, str(skip))
            return
        if self.dry_run:
            self.report.add("work", label, IMPORTED, "as a draft" if draft else "",
                            notes=notes, draft=draft)  # fmt: skip
            self.planned_works.add(story.sid)
            for series in self._series_of.get(story.sid, []):
                if series.seriesid not in self._planned_series and not self._find_series(series):
                    self._planned_series.add(series.seriesid)
                    self.report.add("series", f"series “{series.title}”", IMPORTED)
            return
        created_series: list[Series] = []
        try:
            with transaction.atomic():
                saved = self._save(story, plan, created_series)
        except (DatabaseError, ValidationError, ef.EFictionError) as error:
            self.report.add("work", label, SKIPPED, _reason(error))
            return
        for series in created_series:
            self.report.add("series", f"series “{series.title}”", IMPORTED, f"series {series.pk}")
        self._imported[story.sid] = saved.pk
        self.fresh.add(story.sid)
        detail = f"work {saved.pk}" + (", as a draft" if draft else "")
        self.report.add("work", label, IMPORTED, detail, notes=notes, draft=draft)

    def recorded(self, kind: str, source_id: object) -> bool:
        """Whether an earlier run brought this over (whatever became of it since)."""
        return (kind, str(source_id)) in self._recorded

    def record(self, kind: str, source_id: object) -> None:
        """Note that this run brought this over, in the caller's transaction."""
        if not self.dry_run:
            EFictionRecord.objects.get_or_create(kind=kind, source_id=str(source_id))

    def _story_plan(self, story: ef.Story, source_url: str):
        """(what to save, notes, draft?) for a story, or _Skip saying why it can't be."""
        notes = []
        if story.uid not in self.members:
            reason = "is not in the archive's authors table"
            if story.uid in self.archive.authors:
                reason = "has no account (see above)"
            raise _Skip(f"its author, member {story.uid}, {reason}")
        if not story.chapters:
            raise _Skip("it has no chapters")
        draft = not story.validated
        chapters = story.chapters if draft else [c for c in story.chapters if c.validated]
        if draft:
            notes.append("not validated on eFiction (never public there): imported as a draft")
        elif not chapters:
            raise _Skip("none of its chapters passed validation on eFiction")
        elif len(chapters) < len(story.chapters):
            left = len(story.chapters) - len(chapters)
            notes.append(f"{left} chapter{'s' if left > 1 else ''} never validated on eFiction "
                         "left out")  # fmt: skip
        texts = []
        for number, chapter in enumerate(chapters, start=1):
            try:
                text = self.archive.chapter_text(chapter)
            except ef.EFictionError as error:
                raise _Skip(str(error)) from error
            if not text.strip():
                where = f"{chapter.uid}/{chapter.chapid}.txt"
                hint = (
                    f"no file {where} in the stories folder"
                    if self.archive.stories_dir
                    else f"eFiction may keep it in stories/{where}: pass --stories-dir"
                )
                raise _Skip(f"chapter {number} (“{chapter.title}”) has no text ({hint})")
            texts.append(text)
        parsed, mapping_notes = self.mapping.parsed(story, chapters, texts, source_url)
        notes += mapping_notes
        _, members_only = self.mapping.rating_of(story)
        if members_only:
            notes.append("its eFiction rating was for members only: restricted to logged-in users")
        coauthors = []
        for uid in story.coauthor_ids:
            if uid in self.members:
                coauthors.append(uid)
            else:
                notes.append(f"co-author member {uid} has no account: not credited")
        choices = ImportChoices(
            pseud=self.pseuds.get(story.uid),
            post=not draft,
            fandoms=[self.mapping.fallback_fandom or FALLBACK_FANDOM],
            restricted=members_only,
            keep_original_creators=False,
        )
        problems = import_problems(parsed, choices)
        if problems:
            raise _Skip(" ".join(problems))
        return _Plan(parsed, choices, coauthors, story), notes, draft

    def _save(self, story: ef.Story, plan: _Plan, created_series: list[Series]) -> Work:
        work = create_from_parsed(plan.parsed, plan.choices)
        for uid in plan.coauthors:
            Creatorship.objects.get_or_create(
                work=work, pseud=self.pseuds[uid], defaults={"approved": True}
            )
        published = _aware(story.published)
        updated = _aware(story.updated)
        if published and updated and updated < published:
            updated = None
        changes: dict = {"hits": story.hits}
        latest = updated or published
        if latest and work.posted:
            changes["revised_at"] = min(latest, timezone.now())
        Work.objects.filter(pk=work.pk).update(**changes)
        if latest:
            work.chapters.filter(position__gt=1).update(published_on=timezone.localdate(latest))
        for series in self._series_of.get(story.sid, []):
            self._place_in_series(work, series, created_series)
        search_index.index_works([work.pk])
        return work

    def _place_in_series(self, work: Work, series: ef.Series, created: list[Series]) -> None:
        title = _series_title(series)
        target = self._find_series(series)
        if target is None:
            owner = self.pseuds.get(series.uid) or work.creatorships.first().pseud
            target = Series.objects.create(title=title, summary=sanitize_html(series.summary))
            target.creators.set([owner])
            created.append(target)
        last = target.memberships.aggregate(m=Max("position"))["m"] or 0
        SeriesWork.objects.get_or_create(series=target, work=work, defaults={"position": last + 1})
        order = {part.sid: part.order for part in series.parts}

        def place(member: SeriesWork):
            sid = sid_of(member.work.source_url)
            return (0, order[sid], sid) if sid in order else (1, member.position, 0)

        members = sorted(target.memberships.select_related("work"), key=place)
        reorder_series(target, [m.work_id for m in members])

    def _imported_works(self) -> dict[int, int]:
        """Works an earlier run imported from this archive, by story id: read once, as
        source addresses are not indexed."""
        prefixes = [f"{self.base_url}/viewstory.php?sid="] if self.base_url else []
        query = Q(source_url__startswith="efiction:")
        for prefix in prefixes:
            query |= Q(source_url__startswith=prefix)
        found: dict[int, int] = {}
        for pk, url in Work.objects.filter(query).order_by("pk").values_list("pk", "source_url"):
            if url.startswith("efiction:") or any(url.startswith(p) for p in prefixes):
                sid = sid_of(url)
                if sid is not None:
                    found.setdefault(sid, pk)
        return found

    def _find_series(self, series: ef.Series) -> Series | None:
        """The series an earlier story of this eFiction series went into: found through the
        works imported from its stories, as nothing else here records eFiction's ids."""
        works = [self._imported[p.sid] for p in series.parts if p.sid in self._imported]
        membership = (
            SeriesWork.objects.filter(work_id__in=works, series__title=_series_title(series))
            .select_related("series")
            .order_by("series_id")
            .first()
        )
        return membership.series if membership else None

    # -- what is not carried over

    def _closing_notes(self) -> None:
        archive, report = self.archive, self.report
        scored = sum(1 for r in archive.reviews if r.score is not None)
        if scored:
            report.note(f"{scored} review{'s' if scored != 1 else ''} gave the story a score: "
                        "comments here have none, so the scores were not carried "
                        "over.")  # fmt: skip
        unconfirmed = sum(s.unconfirmed for s in archive.series.values())
        if unconfirmed:
            report.note(f"{unconfirmed} stories other authors added to a series, never "
                        "confirmed by its owner, were left out of those series.")  # fmt: skip
        nested = sum(s.subseries for s in archive.series.values())
        if nested:
            report.note(f"{nested} series listed inside other series: series can't contain "
                        "series here, so those links were not carried over.")  # fmt: skip
        mapped = []
        for rating in archive.ratings.values():
            name, members_only = self.mapping.ratings.get(rating.rid, ("", False))
            extra = ", members only" if members_only else ""
            mapped.append(f"{rating.name} → {name or 'Not Rated'}{extra}")
        if mapped:
            report.note("Ratings: " + "; ".join(mapped) + ".")


@dataclass
class _Plan:
    parsed: ParsedWork
    choices: ImportChoices
    coauthors: list[int]
    story: ef.Story


def _series_title(series: ef.Series) -> str:
    return (series.title or "Untitled Series")[:TITLE_MAX]


class _Skip(Exception):
    """A story that can't be imported, and why, in words for the person migrating."""


def _email_ok(email: str) -> bool:
    if not email or len(email) > 254:
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def _plain_bio(bio: str) -> str:
    text = strip_tags(bio.replace("<br", "\n<br").replace("</p>", "</p>\n"))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def write_accounts_csv(report: Report, path: str | Path) -> None:
    """The accounts, one a line: for telling each author their user name here."""
    import csv

    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["efiction_uid", "penname", "username", "email", "status", "password"])
        for row in report.accounts:
            writer.writerow([
                row.uid, row.penname, row.username, row.email, row.status,
                "old password works" if row.password_kept else "must reset",
            ])  # fmt: skip
