"""Reading the fixture archive (and variations of it) into plain data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ficarchive.formats.efiction import EFictionError, find_prefix, read_archive
from tests.efiction.conftest import DUMP, STORIES


@pytest.fixture
def archive():
    with read_archive(dump=DUMP, stories_dir=STORIES) as archive:
        yield archive


def write(tmp_path, data: bytes, name: str = "dump.sql"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_members_are_read_whatever_their_encoding(archive):
    assert [a.penname for a in archive.authors.values()] == [
        "Zoë Marchetti",  # stored as cp1252
        "Ola Łąka",  # stored as UTF-8
        "quill&ink",  # stored with an HTML entity
        "J.R. Reads",
    ]


def test_password_hashes_are_kept_only_when_they_are_md5(archive):
    assert archive.authors[1].password_md5 == "ab6a56ea0da7a9ff54a29e89101e3607"  # was upper case
    assert archive.authors[4].password_md5 == ""


def test_join_dates_are_unix_timestamps(archive):
    assert archive.authors[2].joined == datetime(2006, 1, 1, tzinfo=UTC)
    assert archive.authors[4].joined is None


def test_categories_form_a_tree(archive):
    assert archive.category_path(2) == ["The Glass Orchard", "Season One"]
    assert archive.category_path(3) == ["Starfall Academy"]
    assert archive.category_path(99) == []


def test_a_story_lists_its_ids_and_flags(archive):
    story = archive.stories[1]
    assert story.title == "The Lamplighter’s Daughter"
    assert story.summary.endswith("Don't tell the mayor.")
    assert story.category_ids == [2]
    assert story.class_ids == [1, 5]
    assert story.character_ids == [1, 2, 4]
    assert story.rating_id == 2
    assert story.published == datetime(2005, 6, 1, tzinfo=UTC)
    assert story.updated == datetime(2005, 7, 1, tzinfo=UTC)
    assert story.completed and story.validated
    assert story.hits == 150


def test_chapters_come_in_reading_order_whatever_the_insert_order(archive):
    story = archive.stories[1]
    assert [c.title for c in story.chapters] == ["Dusk", "Night", "Dawn", "Epilogue"]
    assert [c.validated for c in story.chapters] == [True, True, True, False]


def test_chapter_texts_come_from_the_database(archive):
    dusk, night, dawn, _ = archive.stories[1].chapters
    assert archive.chapter_text(dusk).startswith("Maren climbed the tower at dusk.\n\n")
    assert 'she said "there" to nobody.\tThe end' in archive.chapter_text(dusk)
    assert archive.chapter_text(night).startswith("“Are you staying?” Tobin asked.\n\n")
    assert "C:\\lamps\\north" in archive.chapter_text(dawn)


def test_chapter_texts_missing_from_the_database_come_from_files(archive):
    outbound, back = archive.stories[2].chapters
    assert "Żaglówka means sailboat." in archive.chapter_text(outbound)  # a UTF-8 file
    assert archive.chapter_text(back).startswith("The café was closed – so")  # a cp1252 file


def test_without_the_stories_folder_file_chapters_have_no_text():
    with read_archive(dump=DUMP) as archive:
        assert archive.chapter_text(archive.stories[2].chapters[0]) == ""


def test_coauthors_come_from_their_table(archive):
    assert archive.stories[3].coauthor_ids == [1]
    assert archive.stories[1].coauthor_ids == []


def test_series_list_their_stories_in_order(archive):
    series = archive.series[1]
    assert series.title == "The Orchard Cycle"
    assert [(p.sid, p.order) for p in series.parts] == [(4, 1), (1, 2)]


def test_ratings_know_which_were_for_members_only(archive):
    assert [(r.name, r.members_only) for r in archive.ratings.values()] == [
        ("G", False), ("PG-13", False), ("NC-17", True), ("Spicy", False),
    ]  # fmt: skip


def test_reviews_and_favorites_are_read(archive):
    assert [(r.type, r.item, r.reviewer) for r in archive.reviews[:3]] == [
        ("ST", 1, "J.R. Reads"), ("ST", 1, "Ola Łąka"), ("SE", 1, "A passer-by"),
    ]  # fmt: skip
    assert len(archive.reviews) == 10
    assert {f.type for f in archive.favorites} == {"ST", "SE", "AU", "CH"}
    assert archive.favorites[3].comments == "Read it twice."


def test_an_authors_response_is_read_apart_from_the_review(archive):
    wren = archive.reviews[3]
    assert wren.text == "The ferry scene made me smile."
    assert wren.response == "Thank you, Wren! More crossings soon."
    assert archive.reviews[4].response == "All three of us, at once."  # <br /> spelling
    assert archive.reviews[0].response == ""


def test_review_scores_and_score_only_reviews_are_told_apart(archive):
    assert [r.score for r in archive.reviews[3:6]] == [8, None, 7]  # -1: no score
    assert archive.reviews[5].score_only  # eFiction's "No Review"
    assert not archive.reviews[0].score_only


def test_a_review_without_a_date_or_name_says_so(archive):
    last = archive.reviews[-1]
    assert (last.date, last.reviewer, last.uid, last.chapid) == (None, "", 0, 9)
    assert archive.reviews[0].date == datetime(2005, 6, 15, tzinfo=UTC)


def test_favorites_of_eFiction_before_3_are_read_from_their_own_tables(tmp_path, dump_bytes):
    old = (
        b"\nCREATE TABLE `fanfiction_favstor` (`uid` int(11), `sid` int(11));\n"
        b"INSERT INTO `fanfiction_favstor` VALUES (2,1);\n"
        b"CREATE TABLE `fanfiction_favseries` (`uid` int(11), `seriesid` int(11));\n"
        b"INSERT INTO `fanfiction_favseries` VALUES (3,1);\n"
        b"CREATE TABLE `fanfiction_favauth` (`uid` int(11), `favuid` int(11));\n"
        b"INSERT INTO `fanfiction_favauth` VALUES (3,2);\n"
    )
    start = dump_bytes.index(b"DROP TABLE IF EXISTS `fanfiction_favorites`")
    end = dump_bytes.index(b"DROP TABLE IF EXISTS `fanfiction_settings`")
    path = write(tmp_path, dump_bytes[:start] + old + dump_bytes[end:])
    with read_archive(dump=path, stories_dir=STORIES) as archive:
        assert [(f.uid, f.item, f.type) for f in archive.favorites] == [
            (2, 1, "ST"), (3, 1, "SE"), (3, 2, "AU"),
        ]  # fmt: skip


def test_the_old_site_address_is_read_from_the_settings(archive):
    assert archive.site_url == "http://orchard.example.net/efiction"


# -- prefixes -----------------------------------------------------------------------------


def test_the_prefix_is_found_by_itself(tmp_path, dump_bytes):
    path = write(tmp_path, dump_bytes.replace(b"`fanfiction_", b"`site2_fanfiction_"))
    with read_archive(dump=path, stories_dir=STORIES) as archive:
        assert archive.prefix == "site2_fanfiction_"
        assert len(archive.stories) == 5


def test_several_archives_in_one_dump_need_a_prefix(tmp_path, dump_bytes):
    second = dump_bytes.replace(b"`fanfiction_", b"`site2_fanfiction_")
    path = write(tmp_path, dump_bytes + b"\n" + second)
    with pytest.raises(EFictionError, match=r"several eFiction archives.*--prefix"):
        read_archive(dump=path)
    for prefix in ("site2_fanfiction_", "site2_"):
        with read_archive(dump=path, prefix=prefix, stories_dir=STORIES) as archive:
            assert archive.prefix == "site2_fanfiction_"


def test_a_prefix_that_matches_nothing_says_what_there_is():
    with pytest.raises(EFictionError, match=r"no table other_stories.*fanfiction_"):
        find_prefix(["fanfiction_stories", "fanfiction_authors"], "other_")


# -- bad archives -------------------------------------------------------------------------


def test_a_dump_without_efiction_tables_is_refused(tmp_path):
    path = write(
        tmp_path, b"CREATE TABLE `wp_posts` (`ID` int);\nINSERT INTO `wp_posts` VALUES (1);"
    )
    with pytest.raises(EFictionError, match=r"No eFiction tables found.*wp_posts"):
        read_archive(dump=path)


def test_a_dump_missing_a_needed_table_says_which(tmp_path, dump_bytes):
    start = dump_bytes.index(b"DROP TABLE IF EXISTS `fanfiction_chapters`")
    end = dump_bytes.index(b"DROP TABLE IF EXISTS `fanfiction_coauthors`")
    path = write(tmp_path, dump_bytes[:start] + dump_bytes[end:])
    with pytest.raises(EFictionError, match="no fanfiction_chapters table"):
        read_archive(dump=path)


def test_a_truncated_dump_is_refused(tmp_path, dump_bytes):
    cut = dump_bytes.index(b"nobody agreed on north") + 10
    with pytest.raises(EFictionError, match="truncated"):
        read_archive(dump=write(tmp_path, dump_bytes[:cut]))


def test_files_storage_without_the_stories_folder_is_refused(tmp_path, dump_bytes):
    path = write(tmp_path, dump_bytes.replace(b"'stories','mysql')", b"'stories','files')"))
    with pytest.raises(EFictionError, match=r"keeps its chapter texts in files.*--stories-dir"):
        read_archive(dump=path)


def test_a_missing_stories_folder_is_refused(tmp_path):
    with pytest.raises(EFictionError, match="does not exist"):
        read_archive(dump=DUMP, stories_dir=tmp_path / "nowhere")


def test_exactly_one_source_is_needed():
    with pytest.raises(EFictionError):
        read_archive()


# -- older and odder schemas --------------------------------------------------------------

OLD_STYLE = b"""
CREATE TABLE `fanfiction_authors` (`uid` int, `penname` varchar(200), `email` varchar(200),
  `password` varchar(40), `date` datetime);
INSERT INTO `fanfiction_authors` VALUES (1,'Wren','wren@example.org',
  'ab6a56ea0da7a9ff54a29e89101e3607','2004-03-02 10:11:12'),
  (2,'Ivo','ivo@example.org','','0000-00-00 00:00:00');
CREATE TABLE `fanfiction_stories` (`sid` int, `title` varchar(200), `uid` int,
  `coauthors` varchar(200), `rid` varchar(25), `catid` varchar(100), `date` datetime,
  `updated` datetime);
INSERT INTO `fanfiction_stories` VALUES
  (1,'Tide Tables',1,'2,0,1','Mature',' 3, x,3,','2004-03-02 10:11:12',NULL);
CREATE TABLE `fanfiction_chapters` (`chapid` int, `sid` int, `inorder` int, `title` varchar(200),
  `storytext` text);
INSERT INTO `fanfiction_chapters` VALUES (1,1,1,'One','Low tide at noon.');
"""


def test_an_older_schema_with_fewer_tables_and_columns_is_read(tmp_path):
    with read_archive(dump=write(tmp_path, OLD_STYLE)) as archive:
        story = archive.stories[1]
        assert story.coauthor_ids == [2]  # from the story row: there is no coauthors table
        assert story.rating_id is None and story.rating_name == "Mature"
        assert story.category_ids == [3]
        assert story.published == datetime(2004, 3, 2, 10, 11, 12)  # DATETIME: naive
        assert story.updated is None
        assert story.validated  # no such column: everything was public
        assert archive.authors[2].joined is None
        assert archive.chapter_text(story.chapters[0]) == "Low tide at noon."
        assert archive.categories == {} and archive.series == {}
