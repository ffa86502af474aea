"""Reading tables straight from the eFiction MySQL/MariaDB database.

The connection asks for results without character-set conversion, so each value arrives
as the bytes the table holds and is decoded on its own (text.py): a latin1 table full of
UTF-8 and cp1252 text comes out right, which converting to UTF-8 on the server would not.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from ficarchive.formats.efiction.model import EFictionError

SCHEMES = {"mysql", "mariadb", "mysql+pymysql", "mariadb+pymysql"}
DSN_FORM = "mysql://USER:PASSWORD@HOST:3306/DATABASE?prefix=fanfiction_"


@dataclass
class DSN:
    host: str
    port: int
    user: str
    password: str
    database: str
    prefix: str = ""
    socket: str = ""

    def describe(self) -> str:
        where = self.socket or f"{self.host}:{self.port}"
        return f"mysql://{self.user}@{where}/{self.database}"


def parse_dsn(dsn: str) -> DSN:
    """Split a mysql:// address; raises EFictionError saying what is wrong with it."""
    try:
        parts = urlsplit(dsn.strip())
        port = parts.port or 3306
    except ValueError as error:
        raise EFictionError(
            f"Not a usable database address ({error}); expected {DSN_FORM}."
        ) from None
    if parts.scheme.lower() not in SCHEMES:
        raise EFictionError(
            f"The database address must start with mysql:// (or mariadb://); expected {DSN_FORM}."
        )
    query = parse_qs(parts.query)
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise EFictionError(f"The database address names no database; expected {DSN_FORM}.")
    unknown = set(query) - {"prefix", "unix_socket", "socket"}
    if unknown:
        raise EFictionError(
            f"Unknown option{'s' if len(unknown) > 1 else ''} in the database address: "
            f"{', '.join(sorted(unknown))} (only prefix= and unix_socket= are understood)."
        )
    return DSN(
        host=parts.hostname or "localhost",
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        database=database,
        prefix=(query.get("prefix") or [""])[0],
        socket=(query.get("unix_socket") or query.get("socket") or [""])[0],
    )


class MySQLSource:
    """The tables of a live eFiction database, read without changing anything."""

    def __init__(self, dsn: str | DSN):
        import pymysql  # only needed on this path

        self.dsn = parse_dsn(dsn) if isinstance(dsn, str) else dsn
        options = {"unix_socket": self.dsn.socket} if self.dsn.socket else {}
        try:
            self.connection = pymysql.connect(
                host=self.dsn.host,
                port=self.dsn.port,
                user=self.dsn.user,
                password=self.dsn.password,
                database=self.dsn.database,
                charset="utf8mb4",
                use_unicode=False,
                connect_timeout=10,
                **options,
            )
            with self.connection.cursor() as cursor:
                cursor.execute("SET character_set_results = NULL")  # stored bytes, unconverted
        except pymysql.MySQLError as error:
            message = error.args[1] if len(error.args) > 1 else str(error)
            raise EFictionError(f"Can't connect to {self.dsn.describe()}: {message}") from error
        self._columns: dict[str, list[str]] = {}
        self._tables: list[str] | None = None

    def _query(self, sql: str, args=None, *, stream: bool = False):
        import pymysql

        try:
            cursor = self.connection.cursor(pymysql.cursors.SSCursor if stream else None)
            cursor.execute(sql, args)
            return cursor
        except pymysql.MySQLError as error:
            message = error.args[1] if len(error.args) > 1 else str(error)
            raise EFictionError(f"The eFiction database refused a query: {message}") from error

    def table_names(self) -> list[str]:
        if self._tables is None:
            with self._query("SHOW TABLES") as cursor:
                self._tables = sorted(_text(row[0]) for row in cursor.fetchall())
        return list(self._tables)

    def column_names(self, table: str) -> list[str]:
        if table not in self._columns:
            with self._query(f"SHOW COLUMNS FROM {_quote(table)}") as cursor:
                self._columns[table] = [_text(row[0]).lower() for row in cursor.fetchall()]
        return list(self._columns[table])

    def rows(self, table: str, skip: tuple[str, ...] = ()) -> Iterator[dict[str, object]]:
        columns = [c for c in self.column_names(table) if c not in skip]
        if not columns:
            return
        select = ", ".join(_quote(c) for c in columns)
        cursor = self._query(f"SELECT {select} FROM {_quote(table)}", stream=True)
        try:
            for row in cursor:
                yield dict(zip(columns, row, strict=True))
        finally:
            cursor.close()

    def value(self, table: str, column: str, key_column: str, key: int):
        if column not in self.column_names(table) or key_column not in self.column_names(table):
            return None
        sql = f"SELECT {_quote(column)} FROM {_quote(table)} WHERE {_quote(key_column)} = %s"
        with self._query(sql + " LIMIT 1", (key,)) as cursor:
            row = cursor.fetchone()
        return row[0] if row else None

    def close(self) -> None:
        # Already closed, or the server went away: nothing left to tidy either way.
        with contextlib.suppress(Exception):
            self.connection.close()


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"
