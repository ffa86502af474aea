"""The mysqldump reader: statements, MySQL literals, and tables, without a database."""

from __future__ import annotations

import pytest

from ficarchive.formats.efiction.dump import (
    DumpError,
    DumpSource,
    iter_statements,
    tokens,
    unescape,
    value_of,
)


def values(sql: bytes) -> list:
    return [value_of(kind, text) for kind, text in tokens(sql) if kind != "punct"]


def table(tmp_path, sql: bytes, name: str = "t") -> list[dict]:
    path = tmp_path / "dump.sql"
    path.write_bytes(sql)
    return list(DumpSource(path).rows(name))


# -- literals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        (rb"'It\'s'", b"It's"),
        (b"'It''s'", b"It's"),
        (rb"'two\nlines\r\nand\ttab'", b"two\nlines\r\nand\ttab"),
        (rb"'back\\slash'", b"back\\slash"),
        (rb"'nul\0 and \Z'", b"nul\x00 and \x1a"),
        (rb"'100\% sure \_'", b"100\\% sure \\_"),
        (rb"'say \"hi\"'", b'say "hi"'),
        (rb"'unknown \q escape'", b"unknown q escape"),
        (b"'semi; colon -- and /* not a comment */'", b"semi; colon -- and /* not a comment */"),
        (b"''", b""),
        (rb'"double \"quoted\" ""too"""', b'double "quoted" "too"'),
        (b"_binary 'raw\xff'", b"raw\xff"),
        (b"_utf8mb4'Zo\xc3\xab'", "Zoë".encode()),
        (b"N'national'", b"national"),
        (b"0x4C616D70", b"Lamp"),
        (b"X'4c'", b"L"),
        (b"b'101'", 5),
        (b"NULL", None),
        (b"null", None),
        (b"42", 42),
        (b"-1", -1),
        (b"3.25", 3.25),
        (b"1e3", 1000.0),
    ],
)
def test_a_literal_reads_as_the_value_it_stands_for(literal, expected):
    assert values(literal) == [expected]


def test_unescape_leaves_plain_bodies_alone():
    body = b"nothing to do here"
    assert unescape(body) is body


def test_a_row_of_mixed_values():
    assert values(b"(1,'a',NULL,-2.5,'it\\'s')") == [1, b"a", None, -2.5, b"it's"]


# -- statements ---------------------------------------------------------------------------


def test_statements_split_on_semicolons_outside_strings_and_comments():
    # /*!…*/ comments only matter to a MySQL server: they are skipped like the others.
    dump = (
        b"-- a comment; with a semicolon\n"
        b"# another; one\n"
        b"/*!40101 SET NAMES latin1 */;\n"
        b"INSERT INTO `t` VALUES (1,'a;b'),(2,'c'); /* trailing; comment */\n"
        b"INSERT INTO `t` VALUES (3,'--not a comment');"
    )
    statements = [s for _, s in iter_statements(dump)]
    assert statements == [
        b"INSERT INTO `t` VALUES (1,'a;b'),(2,'c')",
        b"INSERT INTO `t` VALUES (3,'--not a comment')",
    ]


def test_stored_routines_between_delimiters_are_skipped():
    dump = (
        b"INSERT INTO t VALUES (1);\n"
        b"DELIMITER ;;\n"
        b"CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW BEGIN SET @a = 1; END ;;\n"
        b"DELIMITER ;\n"
        b"INSERT INTO t VALUES (2);\n"
    )
    assert [s for _, s in iter_statements(dump)] == [
        b"INSERT INTO t VALUES (1)",
        b"INSERT INTO t VALUES (2)",
    ]


@pytest.mark.parametrize(
    "dump",
    [
        b"INSERT INTO t VALUES (1,'never closed",
        b"INSERT INTO t VALUES (1,'closed') ",
        b"CREATE TABLE t (\n  `a` int",
    ],
)
def test_a_dump_that_stops_inside_a_statement_is_an_error(dump):
    with pytest.raises(DumpError, match="truncated"):
        list(iter_statements(dump))


def test_the_line_of_a_truncated_statement_is_given():
    with pytest.raises(DumpError, match=r"line 3"):
        list(iter_statements(b"SELECT 1;\n\nINSERT INTO t VALUES ('oops"))


# -- tables -------------------------------------------------------------------------------

CREATE = (
    b"CREATE TABLE `t` (\n"
    b"  `id` int(11) NOT NULL auto_increment,\n"
    b"  `name` varchar(20) NOT NULL default 'x,y',\n"
    b"  `note` text,\n"
    b"  PRIMARY KEY  (`id`),\n"
    b"  KEY `name` (`name`,`id`)\n"
    b") ENGINE=MyISAM DEFAULT CHARSET=latin1;\n"
)


def test_a_multi_row_insert_gives_one_dict_per_row(tmp_path):
    rows = table(tmp_path, CREATE + b"INSERT INTO `t` VALUES (1,'a',NULL),(2,'b\\nc','n');")
    assert rows == [
        {"id": 1, "name": b"a", "note": None},
        {"id": 2, "name": b"b\nc", "note": b"n"},
    ]


def test_rows_are_gathered_across_inserts(tmp_path):
    sql = CREATE + b"INSERT INTO `t` VALUES (1,'a',NULL);\nINSERT INTO `t` VALUES (2,'b',NULL);"
    assert [row["id"] for row in table(tmp_path, sql)] == [1, 2]


def test_an_insert_with_its_own_column_order_is_put_in_table_order(tmp_path):
    sql = CREATE + (
        b"INSERT INTO `t` (`note`, `id`, `name`) VALUES\n"  # phpMyAdmin's layout
        b"('first note',1,'a'),\n"
        b"('second',2,'b');\n"
    )  # fmt: skip
    assert table(tmp_path, sql)[0] == {"id": 1, "name": b"a", "note": b"first note"}


def test_insert_variants_are_understood(tmp_path):
    sql = CREATE + (
        b"INSERT IGNORE INTO `t` VALUES (1,'a',NULL);\n"
        b"REPLACE INTO t VALUES (2,'b',NULL);\n"
        b"INSERT INTO `archive`.`t` VALUES (3,'c',NULL);\n"
        b"INSERT INTO `t` VALUES (4,'d',NULL) ON DUPLICATE KEY UPDATE name = 'e';\n"
    )
    assert [row["id"] for row in table(tmp_path, sql)] == [1, 2, 3, 4]


def test_an_insert_without_columns_needs_the_create_table(tmp_path):
    with pytest.raises(DumpError, match="complete-insert"):
        table(tmp_path, b"INSERT INTO `t` VALUES (1,'a');")


def test_an_insert_with_columns_needs_no_create_table(tmp_path):
    rows = table(tmp_path, b"INSERT INTO `t` (`id`, `name`) VALUES (1,'a');")
    assert rows == [{"id": 1, "name": b"a"}]


def test_a_row_with_the_wrong_number_of_values_is_an_error(tmp_path):
    with pytest.raises(DumpError, match="2 values for 3 columns"):
        table(tmp_path, CREATE + b"INSERT INTO `t` VALUES (1,'a');")


def test_rows_of_unwanted_tables_are_not_kept(tmp_path):
    path = tmp_path / "dump.sql"
    path.write_bytes(CREATE + b"INSERT INTO `t` VALUES (1,'a',NULL);")
    source = DumpSource(path, wanted=lambda name: name != "t")
    assert source.table_names() == ["t"]
    assert list(source.rows("t")) == []


def test_one_cell_is_found_by_its_key(tmp_path):
    path = tmp_path / "dump.sql"
    path.write_bytes(CREATE + b"INSERT INTO `t` VALUES (7,'a','seven'),(8,'b','eight');")
    source = DumpSource(path)
    assert source.value("t", "note", "id", 8) == b"eight"
    assert source.value("t", "note", "id", 9) is None


def test_an_empty_file_has_no_tables(tmp_path):
    path = tmp_path / "empty.sql"
    path.write_bytes(b"")
    assert DumpSource(path).table_names() == []


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DumpError, match="Can't read the dump"):
        DumpSource(tmp_path / "nowhere.sql")


def test_a_mysqldump_without_its_closing_line_is_noted(tmp_path, dump_bytes):
    path = tmp_path / "cut.sql"
    path.write_bytes(dump_bytes[: dump_bytes.index(b"DROP TABLE IF EXISTS `fanfiction_series`")])
    assert any("may be incomplete" in note for note in DumpSource(path).notes)


@pytest.mark.parametrize(
    "statement",
    [b"INSERT INTO `t`;", b"INSERT INTO;", b"INSERT IGNORE;", b"INSERT INTO `db`.;",
     b"CREATE TABLE `db`.;", b"INSERT INTO `t` (`a`;"],
)  # fmt: skip
def test_a_statement_cut_short_is_a_damaged_dump(tmp_path, statement):
    """Found by fuzzing: these used to escape as a bare StopIteration."""
    with pytest.raises(DumpError, match="ends before it is complete"):
        table(tmp_path, b"CREATE TABLE `t` (`a` int);\n" + statement + b"\n")
