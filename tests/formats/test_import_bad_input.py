"""Files that can't be imported: each raises FormatError naming the file and the problem."""

import io
import zipfile

import pytest

from ficarchive.formats.importers import LIMIT_BYTES, _input, detect, parse
from ficarchive.formats.work import FormatError


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty_files(data):
    with pytest.raises(FormatError, match=r"^story\.txt is empty\.$"):
        parse("story.txt", data)


def test_binary_file_with_nul_bytes():
    with pytest.raises(FormatError, match=r"^blob\.txt looks like a binary file"):
        parse("blob.txt", b"some text\x00\x01\x02 and \x00 more")


def test_mostly_control_characters_is_binary():
    with pytest.raises(FormatError, match="looks like a binary file"):
        detect("noise", bytes(range(1, 32)) * 10)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.7\n%binary", "a PDF file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", r"old Word \(\.doc\)"),
        (b"{\\rtf1\\ansi hello}", "RTF document"),
        (b"\x89PNG\r\n\x1a\n", "an image"),
    ],
)
def test_formats_we_name_but_cannot_read(data, says):
    with pytest.raises(FormatError, match=rf"^upload is .*{says}"):
        parse("upload", data)


def test_oversize_file_names_the_limit():
    with pytest.raises(FormatError, match=r"^big\.txt is 20\.0 MB; files up to 20 MB can be"):
        parse("big.txt", b"a" * (LIMIT_BYTES + 1))


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["book.epub", "story.docx"])
def test_truncated_zip(name):
    data = _zip({"word/document.xml": b"<x/>" * 1000, "META-INF/container.xml": b"<x/>"})
    kind = "an EPUB" if name.endswith("epub") else r"a Word \(\.docx\)"
    with pytest.raises(FormatError, match=rf"^{name} is damaged or not {kind} file"):
        parse(name, data[: len(data) // 2])


def test_docx_that_is_not_a_zip_at_all():
    with pytest.raises(FormatError, match=r"^story\.docx is damaged or not a Word"):
        parse("story.docx", b"just some text, renamed")


def test_zip_that_is_neither_docx_nor_epub():
    with pytest.raises(FormatError, match=r"^stuff\.zip is a zip archive, not a Word"):
        parse("stuff.zip", _zip({"a.txt": b"hello"}))


def test_zip_bomb_member_packed_too_well():
    bomb = _zip({"word/document.xml": b"\0" * (5 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(FormatError, match=r"^bomb\.docx contains 'word/document\.xml'.*zip bomb"):
        parse("bomb.docx", bomb)


def test_zip_with_too_much_unpacked_data(monkeypatch):
    monkeypatch.setattr(_input, "ZIP_MAX_TOTAL", 1000)
    data = _zip({"word/document.xml": bytes(range(256)) * 8}, zipfile.ZIP_STORED)
    with pytest.raises(FormatError, match=r"^big\.docx would unpack to .* zip bomb"):
        parse("big.docx", data)


def test_zip_with_too_many_members(monkeypatch):
    monkeypatch.setattr(_input, "ZIP_MAX_MEMBERS", 5)
    data = _zip({f"f{n}.xml": b"<x/>" for n in range(6)})
    with pytest.raises(FormatError, match=r"^many\.epub holds 6 files inside"):
        parse("many.epub", data)


def test_zip_member_with_a_corrupted_body():
    data = bytearray(
        _zip({"META-INF/container.xml": b"<container>" + b"x" * 2000 + b"</container>"})
    )
    start = data.index(b"META-INF/container.xml") + len("META-INF/container.xml")
    data[start + 5 : start + 40] = b"\xff" * 35  # scramble the compressed bytes
    with pytest.raises(FormatError, match=r"^book\.epub is damaged or not an EPUB file"):
        parse("book.epub", bytes(data))


def test_every_error_names_the_file():
    cases = {
        "a.txt": b"",
        "b.txt": b"\x00\x00",
        "c.docx": b"PK\x03\x04broken",
        "d.epub": _zip({"x": b"y"}),
    }
    for name, data in cases.items():
        with pytest.raises(FormatError) as error:
            parse(name, data)
        assert str(error.value).startswith(name)
