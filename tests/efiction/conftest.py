"""Shared set-up for the eFiction migration tests: the fixture archive (a hand-written
mysqldump of an invented eFiction 3.5 site, plus its stories folder), and a throwaway
MariaDB database holding the same archive for the --dsn path."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from ficarchive.formats.efiction import iter_statements

FIXTURES = Path(__file__).parent / "fixtures"
DUMP = FIXTURES / "efiction.sql"
STORIES = FIXTURES / "stories"
MARIADB = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}

# The passwords behind the MD5 hashes in the fixture.
PASSWORDS = {"Zoe_Marchetti": "lanterns-at-dusk", "Ola_Laka": "ferry landing 42",
             "quill_ink": "inkwell 77"}  # fmt: skip


@pytest.fixture
def dump_bytes() -> bytes:
    return DUMP.read_bytes()


@pytest.fixture
def real_hashers(settings):
    """The production hasher list, with the eFiction hasher the settings should name."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "ficarchive.accounts.hashers.EFictionMD5PasswordHasher",
    ]


def load_into_mariadb(connection, dump: bytes) -> None:
    """Run a dump's statements as the mysql client would, bytes unchanged (latin1 link)."""
    with connection.cursor() as cursor:
        for _, statement in iter_statements(dump):
            cursor.execute(statement)  # bytes go to the server untouched


@pytest.fixture
def mariadb_archive():
    """A throwaway MariaDB database loaded with the fixture dump: yields its DSN."""
    pymysql = pytest.importorskip("pymysql")
    try:
        server = pymysql.connect(**MARIADB, charset="latin1", connect_timeout=3, autocommit=True)
    except pymysql.MySQLError as error:
        pytest.skip(f"MariaDB is not reachable at 127.0.0.1:3306: {error}")
    name = f"efiction_test_{secrets.token_hex(4)}"
    try:
        with server.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET latin1")
        server.select_db(name)
        load_into_mariadb(server, DUMP.read_bytes())
        yield f"mysql://root@127.0.0.1:3306/{name}", name
    finally:
        with server.cursor() as cursor:
            cursor.execute("UNLOCK TABLES")
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        server.close()
