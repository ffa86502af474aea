"""Reading tables from a MySQL dump file without a database.

What mysqldump (and phpMyAdmin's SQL export) write: comments, `SET` and `LOCK` statements,
`CREATE TABLE` with the column list, and `INSERT INTO` with one or many rows, with or
without a column list. Values are MySQL literals: 'strings' with backslash escapes (or ''
doubled quotes), NULL, numbers, 0x... and X'...' hex, b'...' bits, and strings with a
character-set introducer (_binary'...', _utf8mb4'...').

Everything works on bytes: a string literal stays bytes until the reader decodes it (see
text.py), because an old archive's dump mixes encodings from row to row.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from ficarchive.formats.efiction.model import EFictionError

# One whole statement up to its `;`, skipping over strings, identifiers and comments.
# Possessive quantifiers: a truncated string can't send the engine backtracking.
_STATEMENT = re.compile(
    rb"""
    (?: [^'";`\#/\-]++
      | '(?:[^'\\]++|\\.|'')*+'
      | "(?:[^"\\]++|\\.|"")*+"
      | `(?:[^`]++|``)*+`
      | --(?=[ \t\r\n])[^\n]*+
      | \#[^\n]*+
      | /\*.*?\*/
      | [/\-]
    )*+
    ;
    """,
    re.X | re.S,
)
_BLANK = re.compile(rb"(?:\s++|--(?=[ \t\r\n]|\Z)[^\n]*+|\#[^\n]*+|/\*.*?\*/)*+", re.S)
_DELIMITER = re.compile(rb"DELIMITER[ \t]++(\S++)[^\n]*+\n?", re.I)
_DELIMITER_RESET = re.compile(rb"^[ \t]*DELIMITER[ \t]++;[^\n]*+\n?", re.I | re.M)

_TOKEN = re.compile(
    rb"""
      (?P<space>\s++)
    | (?P<string>(?:_[A-Za-z0-9]++[ \t\r\n]*+|N(?='))?'(?:[^'\\]++|\\.|'')*+')
    | (?P<dstring>"(?:[^"\\]++|\\.|"")*+")
    | (?P<ident>`(?:[^`]++|``)*+`)
    | (?P<hex>0x[0-9A-Fa-f]*+|[Xx]'[0-9A-Fa-f]*+')
    | (?P<bits>0b[01]++|[Bb]'[01]*+')
    | (?P<number>[-+]?(?:\d++(?:\.\d*+)?|\.\d++)(?:[Ee][-+]?\d++)?)
    | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*+)
    | (?P<comment>/\*.*?\*/|--(?=[ \t\r\n])[^\n]*+|\#[^\n]*+)
    | (?P<punct>[(),.;=*])
    """,
    re.X | re.S,
)

_ESCAPES = {
    b"0": b"\x00", b"b": b"\x08", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"Z": b"\x1a",
    b"%": b"\\%", b"_": b"\\_",
}  # fmt: skip
_SINGLE_ESCAPE = re.compile(rb"\\(.)|''", re.S)
_DOUBLE_ESCAPE = re.compile(rb'\\(.)|""', re.S)
_WORDS = {b"NULL": None, b"TRUE": 1, b"FALSE": 0, b"DEFAULT": None}
_NOT_COLUMNS = {
    b"PRIMARY", b"KEY", b"INDEX", b"UNIQUE", b"CONSTRAINT", b"FOREIGN", b"FULLTEXT",
    b"SPATIAL", b"CHECK", b"PERIOD",
}  # fmt: skip
_INSERT_MODIFIERS = {b"LOW_PRIORITY", b"DELAYED", b"HIGH_PRIORITY", b"IGNORE", b"INTO"}


class DumpError(EFictionError):
    pass


def _line_of(data, pos: int) -> int:
    return bytes(data[:pos]).count(b"\n") + 1


def unescape(body: bytes, quote: bytes = b"'") -> bytes:
    """The bytes a MySQL string literal's body stands for."""
    if b"\\" not in body and quote * 2 not in body:
        return body
    pattern = _SINGLE_ESCAPE if quote == b"'" else _DOUBLE_ESCAPE

    def replace(match: re.Match) -> bytes:
        char = match.group(1)
        return quote if char is None else _ESCAPES.get(char, char)

    return pattern.sub(replace, body)


def iter_statements(data) -> Iterator[tuple[int, bytes]]:
    """(offset, statement without its `;`) for every statement; comments, /*!…*/ ones
    included, are skipped. Raises DumpError when the text ends inside a statement or a
    string (a truncated file)."""
    pos, end = 0, len(data)
    while True:
        pos = _BLANK.match(data, pos).end()
        if pos >= end:
            return
        delimiter = _DELIMITER.match(data, pos)
        if delimiter:
            if delimiter.group(1) == b";":
                pos = delimiter.end()
                continue
            # A block of stored routines or triggers (mysqldump --routines): not table data.
            reset = _DELIMITER_RESET.search(data, delimiter.end())
            if reset is None:
                return
            pos = reset.end()
            continue
        match = _STATEMENT.match(data, pos)
        if match is None:
            raise DumpError(
                f"The dump ends in the middle of a statement (line {_line_of(data, pos)}): "
                "the file looks truncated, or it is not a MySQL dump."
            )
        statement = bytes(data[pos : match.end() - 1])
        if statement.strip():
            yield pos, statement
        pos = match.end()


def tokens(statement: bytes, offset: int = 0) -> Iterator[tuple[str, bytes]]:
    """(kind, text) for each token, spaces and comments left out."""
    pos, end = 0, len(statement)
    while pos < end:
        match = _TOKEN.match(statement, pos)
        if match is None:
            char = statement[pos : pos + 1]
            problem = "an unterminated string" if char in (b"'", b'"') else f"unexpected {char!r}"
            raise DumpError(f"Can't read the dump near byte {offset + pos}: {problem}.")
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            yield kind, match.group()
        pos = match.end()


def value_of(kind: str, text: bytes):
    """A literal as Python: bytes for strings and hex, int/float for numbers, None for NULL."""
    if kind == "string":
        start = text.index(b"'")
        return unescape(text[start + 1 : -1])
    if kind == "dstring":
        return unescape(text[1:-1], b'"')
    if kind == "number":
        return int(text) if text.lstrip(b"+-").isdigit() else float(text)
    if kind == "hex":
        digits = text[2:] if text[:2] in (b"0x", b"0X") else text[2:-1]
        return bytes.fromhex(("0" if len(digits) % 2 else "") + digits.decode())
    if kind == "bits":
        digits = text[2:] if text[:2] == b"0b" else text[2:-1]
        return int(digits or b"0", 2)
    if kind == "word" and text.upper() in _WORDS:
        return _WORDS[text.upper()]
    raise DumpError(f"Can't read the value {text[:40]!r} in the dump.")


def _name(kind: str, text: bytes) -> str:
    if kind == "ident":
        text = text[1:-1].replace(b"``", b"`")
    return text.decode("utf-8", "replace")


class DumpSource:
    """The tables of one dump file. Rows are kept only for tables `wanted` accepts."""

    def __init__(self, path: str | Path, wanted: Callable[[str], bool] = lambda name: True):
        self.path = Path(path)
        self.columns: dict[str, list[str]] = {}
        self._rows: dict[str, list[list]] = {}
        self._index: dict[tuple[str, str], dict] = {}
        self.tables: set[str] = set()
        self.notes: list[str] = []
        try:
            with self.path.open("rb") as handle:
                try:
                    data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                except ValueError:  # an empty file can't be mapped
                    data = b""
                try:
                    self._read(data, wanted)
                finally:
                    if isinstance(data, mmap.mmap):
                        data.close()
        except OSError as error:
            raise DumpError(
                f"Can't read the dump {self.path}: {error.strerror or error}."
            ) from error

    def _read(self, data, wanted: Callable[[str], bool]) -> None:
        head = bytes(data[:300])
        for offset, statement in iter_statements(data):
            first = re.match(rb"\s*([A-Za-z]+)", statement)
            keyword = first.group(1).upper() if first else b""
            try:
                if keyword == b"CREATE":
                    self._create(statement, offset)
                elif keyword in (b"INSERT", b"REPLACE"):
                    self._insert(statement, offset, wanted)
            except StopIteration:  # a statement cut off after its first words
                raise DumpError(
                    f"The statement near byte {offset} ends before it is complete: "
                    "the dump is damaged."
                ) from None
        tail = bytes(data[-300:]) if len(data) else b""
        from_mysqldump = b"MySQL dump" in head or b"MariaDB dump" in head
        if from_mysqldump and b"-- Dump completed" not in tail:
            self.notes.append(
                "The dump does not end with mysqldump's “Dump completed” line: it may be "
                "incomplete."
            )

    def _create(self, statement: bytes, offset: int) -> None:
        parts = iter(tokens(statement, offset))
        name = None
        for kind, text in parts:
            if kind in ("ident", "word") and text.upper() not in (
                b"CREATE", b"TEMPORARY", b"TABLE", b"IF", b"NOT", b"EXISTS", b"OR", b"REPLACE"
            ):  # fmt: skip
                name = _name(kind, text)
                break
            if kind == "word" and text.upper() in (b"VIEW", b"DATABASE", b"SCHEMA"):
                return
        if name is None:
            return
        columns: list[str] = []
        depth, expecting = 0, False
        for kind, text in parts:
            if kind == "punct" and text == b".":  # `db`.`table`
                kind, text = next(parts)
                name = _name(kind, text)
                continue
            if kind == "punct" and text == b"(":
                depth += 1
                expecting = depth == 1
                continue
            if kind == "punct" and text == b")":
                depth -= 1
                if depth == 0:
                    break
                continue
            if depth == 1 and kind == "punct" and text == b",":
                expecting = True
                continue
            if expecting:
                expecting = False
                if kind == "ident" or (kind == "word" and text.upper() not in _NOT_COLUMNS):
                    columns.append(_name(kind, text).lower())
        self.tables.add(name)
        self.columns[name] = columns

    def _insert(self, statement: bytes, offset: int, wanted: Callable[[str], bool]) -> None:
        parts = tokens(statement, offset)
        next(parts)  # INSERT / REPLACE
        kind, text = next(parts)
        while kind == "word" and text.upper() in _INSERT_MODIFIERS:
            kind, text = next(parts)
        name = _name(kind, text)
        kind, text = next(parts)
        if kind == "punct" and text == b".":
            name = _name(*next(parts))
            kind, text = next(parts)
        self.tables.add(name)
        if not wanted(name):
            return
        columns = None
        if kind == "punct" and text == b"(":
            columns = []
            for kind, text in parts:
                if kind == "punct" and text == b")":
                    break
                if kind in ("ident", "word"):
                    columns.append(_name(kind, text).lower())
            kind, text = next(parts)
        if kind != "word" or text.upper() not in (b"VALUES", b"VALUE"):
            raise DumpError(
                f"Can't read the INSERT into {name} near byte {offset}: only INSERT … VALUES "
                "statements are understood."
            )
        if columns is None:
            columns = self.columns.get(name)
            if not columns:
                raise DumpError(
                    f"The dump inserts rows into {name} without naming the columns, and has "
                    "no CREATE TABLE for it: dump the table structure too, or use "
                    "mysqldump --complete-insert."
                )
        known = self.columns.setdefault(name, columns)
        rows = self._rows.setdefault(name, [])
        width = len(columns)
        row: list | None = None
        for kind, text in parts:
            if kind == "punct":
                if text == b"(" and row is None:
                    row = []
                elif text == b")" and row is not None:
                    if len(row) != width:
                        raise DumpError(
                            f"A row of {name} near byte {offset} has {len(row)} values for "
                            f"{width} columns: the dump is damaged."
                        )
                    rows.append(row if columns is known else self._reorder(row, columns, known))
                    row = None
                elif text == b"," or (text == b"(" and row is not None):
                    continue
                else:
                    raise DumpError(f"Can't read the rows of {name} near byte {offset}.")
            elif row is not None:
                row.append(value_of(kind, text))
            elif kind == "word" and text.upper() == b"ON":  # ON DUPLICATE KEY UPDATE …
                break
            else:
                raise DumpError(f"Can't read the rows of {name} near byte {offset}.")
        if row is not None:
            raise DumpError(f"The rows of {name} end early near byte {offset}: truncated dump?")

    @staticmethod
    def _reorder(row: list, columns: list[str], known: list[str]) -> list:
        by_name = dict(zip(columns, row, strict=True))
        return [by_name.get(column) for column in known]

    # -- the interface the reader uses (shared with MySQLSource) ---------------------------

    def table_names(self) -> list[str]:
        return sorted(self.tables)

    def column_names(self, table: str) -> list[str]:
        return list(self.columns.get(table, []))

    def rows(self, table: str, skip: tuple[str, ...] = ()) -> Iterator[dict[str, object]]:
        columns = self.columns.get(table, [])
        keep = [(i, c) for i, c in enumerate(columns) if c not in skip]
        for row in self._rows.get(table, []):
            yield {column: row[i] for i, column in keep}

    def value(self, table: str, column: str, key_column: str, key: int):
        """One cell, found by a key column: for chapter texts, read one at a time."""
        index = self._index.get((table, key_column))
        if index is None:
            columns = self.columns.get(table, [])
            if key_column not in columns:
                return None
            at = columns.index(key_column)
            index = {_as_int(row[at]): row for row in self._rows.get(table, [])}
            self._index[(table, key_column)] = index
        row = index.get(key)
        columns = self.columns.get(table, [])
        return row[columns.index(column)] if row is not None and column in columns else None

    def close(self) -> None:
        self._rows.clear()
        self._index.clear()


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
