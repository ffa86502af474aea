"""The --dsn path: the fixture archive loaded into a throwaway MariaDB database (skipped
when no server answers at 127.0.0.1:3306), read live, and dumped again by mariadb-dump."""

from __future__ import annotations

import shutil
import subprocess

import pymysql
import pytest

from ficarchive.accounts.models import User
from ficarchive.community.models import Bookmark, Comment, Subscription
from ficarchive.formats.efiction import EFictionError, read_archive
from ficarchive.tags.models import TagType
from ficarchive.works.efiction import ALREADY, IMPORTED, import_archive
from ficarchive.works.models import EFictionRecord, Series, Work
from tests.efiction.conftest import DUMP, MARIADB, STORIES


def snapshot() -> dict:
    """What an import produced, in terms that don't depend on database ids."""
    return {
        "users": sorted(
            (u.username, u.email, u.password, u.default_pseud.name) for u in User.objects.all()
        ),
        "works": sorted(
            (
                w.title, w.source_url, w.posted, w.restricted, w.hits, w.published_on,
                tuple(sorted((t.type, t.name) for t in w.tags.all())),
                tuple(c.text for c in w.chapters.all()),
            )
            for w in Work.objects.all()
        ),
        "series": sorted(
            (s.title, tuple(m.work.title for m in s.memberships.order_by("position")))
            for s in Series.objects.all()
        ),
        "comments": sorted(
            (
                c.work.title, c.chapter.position, c.author_name, c.created_at, c.body,
                c.parent.body if c.parent else "",
            )
            for c in Comment.objects.all()
        ),
        "bookmarks": sorted(
            (b.user.username, str(b.target), b.notes, b.private) for b in Bookmark.objects.all()
        ),
        "subscriptions": sorted(
            (s.user.username, s.creator.username) for s in Subscription.objects.all()
        ),
        "counts": sorted(Work.objects.values_list("title", "comments_count", "bookmarks_count")),
    }  # fmt: skip


def test_reading_live_gives_the_same_archive_as_the_dump(mariadb_archive):
    dsn, _ = mariadb_archive
    with (
        read_archive(dsn=dsn, stories_dir=STORIES) as live,
        read_archive(dump=DUMP, stories_dir=STORIES) as dumped,
    ):
        assert live.prefix == dumped.prefix == "fanfiction_"
        assert live.authors == dumped.authors
        assert live.categories == dumped.categories
        assert live.ratings == dumped.ratings
        assert live.series == dumped.series
        assert live.reviews == dumped.reviews
        assert live.favorites == dumped.favorites
        for sid, story in dumped.stories.items():
            assert live.stories[sid] == story
            for ours, theirs in zip(live.stories[sid].chapters, story.chapters, strict=True):
                assert live.chapter_text(ours) == dumped.chapter_text(theirs)


def test_importing_through_the_dsn_matches_importing_the_dump(db, mariadb_archive):
    dsn, _ = mariadb_archive
    report = import_archive(dsn, stories_dir=STORIES)
    assert report.count("work", IMPORTED) == 5
    assert User.objects.get(username="Zoe_Marchetti").default_pseud.name == "Zoë Marchetti"
    assert User.objects.get(username="Ola_Laka").default_pseud.name == "Ola Łąka"
    lamplighter = Work.objects.get(source_url="efiction:1")
    assert lamplighter.title == "The Lamplighter’s Daughter"
    assert sorted(t.name for t in lamplighter.tags.filter(type=TagType.FANDOM)) == [
        "The Glass Orchard - Season One"
    ]
    assert report.count("review", IMPORTED) == 6 and report.count("favorite", IMPORTED) == 4
    wren = Comment.objects.get(guest_name="Wren")
    assert wren.replies.get().user.username == "Ola_Laka"
    from_dsn = snapshot()
    assert len(from_dsn["comments"]) == 7 and len(from_dsn["bookmarks"]) == 3
    again = import_archive(dsn, stories_dir=STORIES)
    assert again.count("work", ALREADY) == 5 and snapshot() == from_dsn
    assert again.count("review", ALREADY) == 6 and again.count("favorite", ALREADY) == 4
    # The same archive from the dump file is recognised as already here, too.
    from_dump = import_archive(DUMP, stories_dir=STORIES)
    assert from_dump.count("work", ALREADY) == 5 and from_dump.count("review", ALREADY) == 6
    assert snapshot() == from_dsn


def test_a_dump_and_the_database_give_the_same_feedback(db, mariadb_archive):
    """Imported from the dump into one archive and from the live database into another
    (the same archive emptied), reviews and favourites come out alike."""
    dsn, _ = mariadb_archive
    import_archive(DUMP, stories_dir=STORIES)
    from_dump = snapshot()
    User.objects.all().delete()
    Work.objects.all().delete()
    Series.objects.all().delete()
    EFictionRecord.objects.all().delete()
    import_archive(dsn, stories_dir=STORIES)
    from_dsn = snapshot()
    del from_dsn["users"], from_dump["users"]  # unusable passwords are random
    assert from_dsn == from_dump


def test_the_prefix_can_be_given_in_the_dsn(db, mariadb_archive):
    dsn, _ = mariadb_archive
    with read_archive(dsn=dsn + "?prefix=fanfiction_", stories_dir=STORIES) as archive:
        assert len(archive.stories) == 5
    with pytest.raises(EFictionError, match="no table other_fanfiction_stories"):
        read_archive(dsn=dsn + "?prefix=other_fanfiction_")


def test_a_database_without_efiction_tables_is_refused(db, mariadb_archive):
    dsn, name = mariadb_archive
    connection = pymysql.connect(**MARIADB, database=name)
    with connection.cursor() as cursor:
        for table in ("stories", "chapters", "authors"):
            cursor.execute(f"DROP TABLE `fanfiction_{table}`")
    connection.close()
    with pytest.raises(EFictionError, match="No eFiction tables found"):
        import_archive(dsn)
    assert not User.objects.exists()


@pytest.mark.parametrize("charset", ["utf8mb4", "binary"])
def test_a_fresh_mariadb_dump_of_the_archive_imports_the_same(
    db, mariadb_archive, tmp_path, charset
):
    """mariadb-dump's default converts the latin1 tables to UTF-8, double-encoding the rows
    that held UTF-8 already: the reader must undo that. A binary dump keeps the bytes."""
    tool = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    if tool is None:
        pytest.skip("mariadb-dump is not installed")
    _, name = mariadb_archive
    # Newer installs have utf8mb4 tables next to the latin1 ones: mix them.
    connection = pymysql.connect(**MARIADB, database=name, charset="utf8mb4", autocommit=True)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE fanfiction_characters CONVERT TO CHARACTER SET utf8mb4")
        cursor.execute("UPDATE fanfiction_characters SET charname = 'Łucja Øre' WHERE charid = 3")
    connection.close()
    path = tmp_path / "fresh.sql"
    with path.open("wb") as out:
        subprocess.run(
            [tool, "-h", MARIADB["host"], "-P", str(MARIADB["port"]), "-u", MARIADB["user"],
             f"--default-character-set={charset}", name],
            stdout=out, check=True, timeout=60,
        )  # fmt: skip
    with (
        read_archive(dump=path, stories_dir=STORIES) as fresh,
        read_archive(dump=DUMP, stories_dir=STORIES) as original,
    ):
        assert fresh.authors == original.authors
        assert fresh.stories == original.stories
        assert fresh.reviews == original.reviews
        assert fresh.favorites == original.favorites
        assert fresh.characters[3].name == "Łucja Øre"
        story = fresh.stories[1]
        assert [fresh.chapter_text(c) for c in story.chapters] == [
            original.chapter_text(c) for c in original.stories[1].chapters
        ]
    import_archive(path, stories_dir=STORIES)
    assert Work.objects.get(source_url="efiction:1").title == "The Lamplighter’s Daughter"
