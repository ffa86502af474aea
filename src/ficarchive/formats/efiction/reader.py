"""Building an Archive from an eFiction 3.x database or dump.

The tables are `<prefix>fanfiction_<name>`: the prefix is usually "fanfiction_" on its own
(a site prefix of ""), or "<site>_fanfiction_". It is found by looking for the stories
table, or given by the person migrating when one database holds several archives.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from ficarchive.formats.efiction.dump import DumpSource
from ficarchive.formats.efiction.model import (
    Archive,
    Author,
    Category,
    Chapter,
    Character,
    ClassType,
    EFictionError,
    Favorite,
    Rating,
    Review,
    Series,
    SeriesPart,
    Story,
    StoryClass,
)
from ficarchive.formats.efiction.mysql import MySQLSource, parse_dsn
from ficarchive.formats.efiction.text import as_text, plain, rich

TABLES = (
    "stories", "chapters", "authors", "categories", "characters", "ratings", "classtypes",
    "classes", "series", "inseries", "reviews", "favorites", "coauthors", "settings",
    "favstor", "favseries", "favauth",
)  # fmt: skip
# Before 3.0, favourites had a table per kind: (table, its item column, type).
OLD_FAVORITES = (
    ("favstor", "sid", "ST"), ("favseries", "seriesid", "SE"), ("favauth", "favuid", "AU"),
)  # fmt: skip
# eFiction appends an author's response to the review: "<br><br><i>Author's Response: …</i>"
# (the label in the site's language).
_RESPONSE = re.compile(r"(?is)^(.*)\s*<br\s*/?>\s*<br\s*/?>\s*<i>([^<:]{1,60}):\s*(.*?)\s*</i>\s*$")
REQUIRED = ("stories", "chapters", "authors")
_MD5 = re.compile(r"[0-9a-f]{32}")
_DATETIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?)?")


def read_archive(
    *,
    dsn: str | None = None,
    dump: str | Path | None = None,
    stories_dir: str | Path | None = None,
    prefix: str | None = None,
) -> Archive:
    """Read an archive from a mysql:// address or a dump file (exactly one of them)."""
    if (dsn is None) == (dump is None):
        raise EFictionError("Give either a database address or a dump file.")
    if stories_dir is not None:
        stories_dir = Path(stories_dir)
        if not stories_dir.is_dir():
            raise EFictionError(f"The stories folder {stories_dir} does not exist.")
    if dsn is not None:
        parsed = parse_dsn(dsn)
        source = MySQLSource(parsed)
        description = parsed.describe()
        prefix = prefix or parsed.prefix or None
    else:
        source = DumpSource(dump, wanted=_is_efiction_table)
        description = str(dump)
    try:
        return read_tables(source, description=description, stories_dir=stories_dir, prefix=prefix)
    except BaseException:
        source.close()
        raise


def _is_efiction_table(name: str) -> bool:
    lower = name.lower()
    return any(lower.endswith("fanfiction_" + table) for table in TABLES)


def find_prefix(names: list[str], wanted: str | None = None) -> str:
    """The table prefix ("fanfiction_", "site1_fanfiction_"…) of the archive among `names`."""
    by_lower = {name.lower(): name for name in names}
    found = sorted(
        by_lower[lower][: -len("stories")]
        for lower in by_lower
        if lower.endswith("fanfiction_stories")
    )
    if wanted:
        for candidate in (wanted, wanted + "fanfiction_", wanted + "_fanfiction_"):
            if (candidate + "stories").lower() in by_lower:
                return by_lower[(candidate + "stories").lower()][: -len("stories")]
        raise EFictionError(
            f"There is no table {wanted}stories"
            + (f"; the eFiction prefixes found are: {', '.join(found)}." if found else ".")
        )
    if not found:
        shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
        raise EFictionError(
            "No eFiction tables found (looked for a table named …fanfiction_stories)"
            + (f"; the tables present are: {shown}." if names else "; there are no tables.")
        )
    if len(found) > 1:
        raise EFictionError(
            f"This holds several eFiction archives ({', '.join(found)}): choose one with "
            "--prefix (or ?prefix= in the database address)."
        )
    return found[0]


def read_tables(
    source, *, description: str, stories_dir: Path | None = None, prefix: str | None = None
) -> Archive:
    """An Archive from an open table source (DumpSource or MySQLSource)."""
    names = source.table_names()
    prefix = find_prefix(names, prefix)
    by_lower = {name.lower(): name for name in names}

    def table(name: str) -> str | None:
        return by_lower.get((prefix + name).lower())

    missing = [name for name in REQUIRED if table(name) is None]
    if missing:
        raise EFictionError(
            f"The archive has no {', '.join(prefix + name for name in missing)} table"
            f"{'s' if len(missing) > 1 else ''}: is the dump complete?"
        )
    archive = Archive(prefix=prefix, source=description, stories_dir=stories_dir)
    archive.notes.extend(getattr(source, "notes", []))

    def rows(name: str, skip: tuple[str, ...] = ()):
        found = table(name)
        return source.rows(found, skip) if found else iter(())

    _read_settings(archive, rows("settings"), stories_dir)
    for row in rows("authors"):
        author = _author(row)
        archive.authors[author.uid] = author
    for row in rows("categories"):
        category = Category(
            catid=_int(row.get("catid")),
            name=plain(row.get("category")),
            parent_id=_int(row.get("parentcatid")) if _int(row.get("parentcatid")) > 0 else None,
            description=rich(row.get("description")),
            order=_int(row.get("displayorder")),
        )
        archive.categories[category.catid] = category
    for row in rows("characters"):
        catid = _int(row.get("catid"))
        character = Character(
            charid=_int(row.get("charid")),
            name=plain(row.get("charname")),
            catid=catid if catid > 0 else None,
        )
        archive.characters[character.charid] = character
    for row in rows("ratings"):
        rating = Rating(
            rid=_int(row.get("rid")),
            name=plain(row.get("rating")),
            warning_text=rich(row.get("warningtext")),
            members_only=bool(_int(row.get("ratingwarning")) & 4),
        )
        archive.ratings[rating.rid] = rating
    for row in rows("classtypes"):
        class_type = ClassType(
            id=_int(row.get("classtype_id")),
            name=plain(row.get("classtype_name")),
            title=plain(row.get("classtype_title")),
        )
        archive.class_types[class_type.id] = class_type
    for row in rows("classes"):
        story_class = StoryClass(
            id=_int(row.get("class_id")),
            type_id=_int(row.get("class_type")),
            name=plain(row.get("class_name")),
        )
        archive.classes[story_class.id] = story_class
    has_coauthor_table = table("coauthors") is not None
    for row in rows("stories"):
        story = _story(row, parse_coauthors=not has_coauthor_table)
        archive.stories[story.sid] = story
    archive.stories = dict(sorted(archive.stories.items()))
    for row in rows("coauthors"):
        story = archive.stories.get(_int(row.get("sid")))
        uid = _int(row.get("uid"))
        if story and uid > 0 and uid != story.uid and uid not in story.coauthor_ids:
            story.coauthor_ids.append(uid)
    _read_chapters(archive, rows("chapters", skip=("storytext",)))
    _read_series(archive, rows("series"), rows("inseries"))
    for row in rows("reviews"):
        archive.reviews.append(_review(row))
    for row in rows("favorites"):
        archive.favorites.append(
            Favorite(
                uid=_int(row.get("uid")),
                item=_int(row.get("item")),
                type=as_text(row.get("type")).strip().upper(),
                comments=rich(row.get("comments")),
            )
        )
    for name, column, kind in OLD_FAVORITES:
        for row in rows(name):
            archive.favorites.append(
                Favorite(uid=_int(row.get("uid")), item=_int(row.get(column)), type=kind)
            )
    archive._texts = _text_reader(archive, source, table("chapters"))
    archive._close = source.close
    return archive


def _read_settings(archive: Archive, rows, stories_dir: Path | None) -> None:
    for row in rows:
        archive.language = as_text(row.get("language")).strip()
        archive.site_url = as_text(row.get("url")).strip()
        if as_text(row.get("store")).strip().lower() == "files" and stories_dir is None:
            path = as_text(row.get("storiespath")).strip() or "stories"
            raise EFictionError(
                "This archive keeps its chapter texts in files, not in the database: copy "
                f"eFiction's “{path}” folder and pass it with --stories-dir."
            )
        break  # one site per settings table is the usual case; the first one decides


def _author(row: dict) -> Author:
    password = as_text(row.get("password")).strip().lower()
    return Author(
        uid=_int(row.get("uid")),
        penname=plain(row.get("penname")),
        realname=plain(row.get("realname")),
        email=as_text(row.get("email")).strip(),
        bio=rich(row.get("bio")),
        password_md5=password if _MD5.fullmatch(password) else "",
        joined=_when(row.get("date")),
    )


def _review(row: dict) -> Review:
    text = rich(row.get("review"))
    response = ""
    if _flag(row.get("respond")):
        match = _RESPONSE.match(text)
        if match:
            text, response = match.group(1).strip(), match.group(3).strip()
    score = _int(row.get("rating"))  # -1 (or 0 on old sites): no score given
    return Review(
        id=_int(row.get("reviewid")),
        item=_int(row.get("item") if "item" in row else row.get("sid")),
        type=as_text(row.get("type")).strip().upper() or "ST",
        chapid=_int(row.get("chapid")),
        uid=_int(row.get("uid")),
        reviewer=plain(row.get("reviewer")),
        text=text,
        date=_when(row.get("date")),
        score=score if score > 0 else None,
        response=response,
    )


def _story(row: dict, *, parse_coauthors: bool) -> Story:
    rid = as_text(row.get("rid")).strip()
    first_rid = rid.split(",")[0].strip()
    uid = _int(row.get("uid"))
    coauthors = []
    if parse_coauthors:  # eFiction before 3.3 listed co-authors' ids in the story row
        coauthors = [i for i in _ids(row.get("coauthors")) if i != uid]
    return Story(
        sid=_int(row.get("sid")),
        title=plain(row.get("title")),
        uid=uid,
        summary=rich(row.get("summary")),
        notes=rich(row.get("storynotes")),
        category_ids=_ids(row.get("catid")),
        character_ids=_ids(row.get("charid")),
        class_ids=_ids(row.get("classes")),
        rating_id=int(first_rid) if first_rid.isdigit() else None,
        rating_name="" if first_rid.isdigit() else plain(first_rid),
        published=_when(row.get("date")),
        updated=_when(row.get("updated")),
        coauthor_ids=coauthors,
        validated=_flag(row.get("validated"), default=True),
        completed=_flag(row.get("completed")),
        hits=max(_int(row.get("count", row.get("counter"))), 0),  # reads, once a session
    )


def _read_chapters(archive: Archive, rows) -> None:
    for row in rows:
        story = archive.stories.get(_int(row.get("sid")))
        if story is None:
            continue
        story.chapters.append(
            Chapter(
                chapid=_int(row.get("chapid")),
                sid=story.sid,
                title=plain(row.get("title")),
                order=_int(row.get("inorder")),
                uid=_int(row.get("uid")) or story.uid,
                notes=rich(row.get("notes")),
                end_notes=rich(row.get("endnotes")),
                validated=_flag(row.get("validated"), default=True),
                hits=max(_int(row.get("count")), 0),
            )
        )
    for story in archive.stories.values():
        story.chapters.sort(key=lambda chapter: (chapter.order, chapter.chapid))


def _read_series(archive: Archive, series_rows, part_rows) -> None:
    for row in series_rows:
        series = Series(
            seriesid=_int(row.get("seriesid")),
            title=plain(row.get("title")),
            uid=_int(row.get("uid")),
            summary=rich(row.get("summary")),
        )
        archive.series[series.seriesid] = series
    for row in part_rows:
        series = archive.series.get(_int(row.get("seriesid")))
        if series is None:
            continue
        sid = _int(row.get("sid"))
        if sid <= 0:
            if _int(row.get("subseriesid")) > 0:
                series.subseries += 1
            continue
        if "confirmed" in row and not _flag(row.get("confirmed")):
            series.unconfirmed += 1
            continue
        series.parts.append(SeriesPart(sid=sid, order=_int(row.get("inorder"))))
    for series in archive.series.values():
        series.parts.sort(key=lambda part: (part.order, part.sid))


def _text_reader(archive: Archive, source, chapters_table: str):
    def read(chapter: Chapter) -> str:
        text = rich(source.value(chapters_table, "storytext", "chapid", chapter.chapid))
        if text:
            return text
        if archive.stories_dir is None:
            return ""
        story = archive.stories.get(chapter.sid)
        owners = dict.fromkeys([chapter.uid, story.uid if story else 0])
        for base in (archive.stories_dir, archive.stories_dir / "stories"):
            for uid in owners:
                path = base / str(uid) / f"{chapter.chapid}.txt"
                try:
                    return rich(path.read_bytes())
                except FileNotFoundError:
                    continue
                except OSError as error:
                    raise EFictionError(f"Can't read {path}: {error.strerror}.") from error
        return ""

    return read


# -- values ------------------------------------------------------------------------------


def _int(value, default: int = 0) -> int:
    if value is None:
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = as_text(value).strip()
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))
        except ValueError:
            return default


def _flag(value, default: bool = False) -> bool:
    if value is None:
        return default
    text = as_text(value).strip().lower()
    if text in ("y", "yes", "true"):
        return True
    return _int(value) > 0


def _ids(value) -> list[int]:
    """Comma-separated ids ("3,10,16"), zeros, blanks and repeats left out."""
    found = []
    for part in as_text(value).split(","):
        part = part.strip()
        if part.isdigit() and int(part) > 0 and int(part) not in found:
            found.append(int(part))
    return found


def _when(value) -> datetime | None:
    """A Unix timestamp (eFiction 3) or a DATETIME (some 3.5 installs); None when empty.

    Timestamps come back as aware UTC datetimes; DATETIME values as naive ones, in the
    old server's (unknown) local time."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.year > 1900 else None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC) if value > 0 else None
    text = as_text(value).strip()
    if text.isdigit():
        number = int(text)
        return datetime.fromtimestamp(number, UTC) if number > 0 else None
    match = _DATETIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second) if year > 1900 else None
    except ValueError:
        return None
