"""Decoding what old eFiction tables stored: UTF-8, cp1252 and latin-1 side by side."""

from __future__ import annotations

from ficarchive.formats.efiction.text import (
    decode_bytes,
    plain,
    repair_double_encoding,
    rich,
    unslash,
)


def test_valid_utf8_is_read_as_utf8():
    assert decode_bytes("Ola Łąka".encode()) == "Ola Łąka"


def test_other_bytes_are_read_as_cp1252():
    assert decode_bytes("Zoë’s “lamp”".encode("cp1252")) == "Zoë’s “lamp”"


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1():
    assert decode_bytes(b"caf\xe9 \x81") == "café \x81"


def test_utf8_stored_in_a_latin1_column_and_converted_again_is_repaired():
    # What mysqldump prints for UTF-8 text kept in a latin1 table: each byte re-encoded.
    original = "Łąka “quoted” Zoë"
    stored = original.encode()
    as_mysql_latin1 = "".join(
        chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
        for b in stored
    )
    assert decode_bytes(as_mysql_latin1.encode()) == original


def test_ordinary_accented_text_is_never_repaired():
    for text in ["café", "naïve Ã©", "Zoë", "plain ascii", "Ærøskøbing"]:
        assert repair_double_encoding(text) == text


def test_magic_quotes_are_undone_only_where_they_show():
    assert unslash('Don\\\'t say \\"no\\"') == 'Don\'t say "no"'
    assert unslash("C:\\lamps\\north") == "C:\\lamps\\north"


def test_names_lose_tags_and_entities_and_extra_spaces():
    assert plain(b"quill&amp;ink  <b>bold</b>") == "quill&ink bold"
    assert plain(None) == ""
    assert plain(12) == "12"


def test_rich_text_keeps_its_markup():
    assert rich(b"<p>One</p>\r\n<p>Two</p>\r\n") == "<p>One</p>\n<p>Two</p>"
