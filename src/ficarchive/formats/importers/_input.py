"""Bytes in: size limits, binary and empty files, text decoding and safe zip reading.

Every FormatError names the file and says what is wrong in plain words.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib

from ficarchive.formats.work import FormatError

LIMIT_BYTES = 20 * 1024 * 1024
# Zip archives (.docx, .epub): what we are willing to unpack.
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_TOTAL = 200 * 1024 * 1024  # bytes once unpacked, all members together
ZIP_MAX_RATIO = 100  # unpacked / packed, for members bigger than ZIP_RATIO_FLOOR
ZIP_RATIO_FLOOR = 1024 * 1024

# Files people try to import that we can name but not read.
_UNSUPPORTED = [
    (b"%PDF-", "a PDF file; PDFs can't be imported. Import the HTML, EPUB or Word version"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word (.doc) document; save it as .docx first"),
    (b"{\\rtf", "an RTF document; save it as .docx or plain text first"),
    (b"\x89PNG", "an image, not a story"),
    (b"\xff\xd8\xff", "an image, not a story"),
    (b"GIF8", "an image, not a story"),
    (b"Rar!", "a RAR archive; unpack it and import the files inside"),
    (b"7z\xbc\xaf", "a 7-Zip archive; unpack it and import the files inside"),
    (b"\x1f\x8b", "a gzip archive; unpack it and import the files inside"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]{1,40})""", re.I)


def check_size(name: str, data: bytes) -> None:
    if len(data) > LIMIT_BYTES:
        raise FormatError(
            f"{name} is {len(data) / 1024 / 1024:.1f} MB; files up to "
            f"{LIMIT_BYTES // 1024 // 1024} MB can be imported."
        )
    if not data.strip():
        raise FormatError(f"{name} is empty.")


def check_known_binary(name: str, data: bytes) -> None:
    for magic, what in _UNSUPPORTED:
        if data.startswith(magic):
            raise FormatError(f"{name} is {what}.")
    if data[60:68] in (b"BOOKMOBI", b"TEXtREAd"):
        raise FormatError(f"{name} is a MOBI/AZW e-book; import the EPUB or HTML version.")


def _binary(name: str) -> FormatError:
    return FormatError(f"{name} looks like a binary file, not text, HTML or a Word document.")


def decode_text(name: str, data: bytes) -> str:
    """Text from bytes: a byte-order mark wins, then UTF-8, then the charset an HTML file
    declares, then Windows-1252 (which covers Latin-1's letters and adds curly quotes)."""
    if data.startswith(codecs.BOM_UTF8):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise FormatError(f"{name} is damaged: its UTF-16 text can't be read.") from None
    else:
        if b"\x00" in data:
            raise _binary(name)
        text = _decode_8bit(data)
    if len(_CONTROL.findall(text)) > max(4, len(text) // 20):
        raise _binary(name)
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise FormatError(f"{name} is empty.")
    return text


def _decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            codec = None
        if codec is not None and codec.name not in ("utf-8", "ascii"):
            try:
                return data.decode(codec.name)
            except (UnicodeDecodeError, ValueError):
                pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def open_zip(name: str, data: bytes, kind: str) -> zipfile.ZipFile:
    """A zip archive checked against zip bombs: member count, unpacked size, packing ratio."""
    damaged = FormatError(f"{name} is damaged or not {kind} file.")
    if not data.startswith(b"PK"):
        raise damaged
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
    ):
        raise damaged from None
    if len(members) > ZIP_MAX_MEMBERS:
        raise FormatError(
            f"{name} holds {len(members)} files inside; at most {ZIP_MAX_MEMBERS} are allowed, "
            f"so it is not {kind} file from an ordinary program."
        )
    total = sum(member.file_size for member in members)
    if total > ZIP_MAX_TOTAL:
        raise FormatError(
            f"{name} would unpack to {total / 1024 / 1024:.0f} MB, more than the "
            f"{ZIP_MAX_TOTAL // 1024 // 1024} MB allowed; it may be a zip bomb."
        )
    for member in members:
        if member.file_size > ZIP_RATIO_FLOOR and member.file_size > ZIP_MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise FormatError(
                f"{name} contains {member.filename!r}, packed more than {ZIP_MAX_RATIO} times "
                "smaller than its real size; it looks like a zip bomb and was not unpacked."
            )
    return archive


def read_member(archive: zipfile.ZipFile, member: str, name: str, kind: str) -> bytes:
    """One member's bytes, never more than it declares (zipfile checks size and CRC)."""
    try:
        info = archive.getinfo(member)
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except KeyError:
        raise FormatError(f"{name} is damaged or not {kind} file: {member} is missing.") from None
    except RuntimeError:
        raise FormatError(f"{name} is password-protected; it can't be imported.") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise FormatError(f"{name} is damaged or not {kind} file.") from None
    if len(data) > info.file_size:
        raise FormatError(f"{name} is damaged or not {kind} file.")
    return data
