"""Turning the bytes an old eFiction archive stored into text.

eFiction 3.x ran on MySQL tables declared latin1 that received whatever the browser sent:
UTF-8 from newer pages, Windows-1252 from older ones, now and then real ISO-8859-1. So
every value is decoded on its own: valid UTF-8 is UTF-8, else Windows-1252, else latin-1
(which never fails). A value that was UTF-8 stored in a latin1 column and later converted
to UTF-8 ("ZoÃ«", double encoding, common after a host migration or in a mysqldump of
such a table) is repaired too.
"""

from __future__ import annotations

import html
import re

# Bytes that Python's cp1252 codec leaves undefined; MySQL's "latin1" passes them through.
_CP1252_HOLES = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def decode_bytes(raw: bytes) -> str:
    """Decode one stored value: UTF-8 if it is valid UTF-8, else cp1252, else latin-1."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    return repair_double_encoding(text)


def _mysql_latin1_bytes(text: str) -> bytes | None:
    """The bytes `text` came from if MySQL decoded them as its latin1 (cp1252 plus holes)."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) in _CP1252_HOLES or 0x80 <= ord(char) <= 0x9F:
                out.append(ord(char))
            else:
                return None
    return bytes(out)


def repair_double_encoding(text: str) -> str:
    """Undo UTF-8 that was read as latin1 and encoded to UTF-8 again ("Ã«" for "ë").

    Only text whose every character maps back to one byte, and whose bytes then form valid
    multi-byte UTF-8, is changed: ordinary accented text never passes both tests.
    """
    if text.isascii():
        return text
    raw = _mysql_latin1_bytes(text)
    if raw is None or raw.isascii():
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def as_text(value: object) -> str:
    """Any stored value as text: bytes decoded, None as "", numbers as digits."""
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        return decode_bytes(bytes(value))
    if isinstance(value, str):
        return repair_double_encoding(value)
    return str(value)


_TAG = re.compile(r"<[^>]*>")
_MAGIC_QUOTES = re.compile(r"\\([\\'\"])")


def unslash(text: str) -> str:
    """Undo PHP magic quotes (\\' and \\"), which some old archives stored with the text."""
    if "\\'" not in text and '\\"' not in text:
        return text
    return _MAGIC_QUOTES.sub(r"\1", text)


def plain(value: object) -> str:
    """A name or title: tags removed, entities decoded, magic quotes undone, spaces squeezed."""
    text = unslash(as_text(value))
    text = html.unescape(_TAG.sub(" ", text))
    return " ".join(text.split())


def rich(value: object) -> str:
    """Story text, summaries and notes: HTML (or plain text) as stored, magic quotes undone."""
    return unslash(as_text(value)).replace("\r\n", "\n").strip()
