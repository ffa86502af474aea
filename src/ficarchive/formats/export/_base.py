"""What every exporter shares: the context a download is made in, and its file name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ficarchive.formats.work import ParsedWork


@dataclass
class ExportContext:
    """Facts about the archive and the moment, which the work itself doesn't carry."""

    archive_name: str
    work_url: str  # absolute URL of the work
    generated: date  # "downloaded on": the file's modification date in EPUB and PDF metadata
    identifier: str  # stable id for EPUB dc:identifier, e.g. "urn:ficarchive:<host>:work:42"
    revision: str = ""  # anything that changes when the work changes


@dataclass(frozen=True)
class Format:
    """One download format: a label for links, how to name and serve it, how to make it."""

    name: str
    extension: str
    content_type: str
    render: Callable[[ParsedWork, ExportContext], bytes]
    available: Callable[[], bool]


# Letters that NFKD doesn't take apart into an ASCII letter and accents.
_LETTERS = str.maketrans({
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
    "ı": "i", "ħ": "h", "Ħ": "H",
})  # fmt: skip
_SEPARATORS = re.compile(r"[\s\-_/\\.,:;|+~]+")
_NOT_WORD = re.compile(r"[^A-Za-z0-9_]")
FILENAME_MAX = 60


def filename(title: str, extension: str) -> str:
    """A file name that survives every browser and file system: ASCII letters and digits,
    words joined by underscores, at most 60 characters before the extension."""
    text = unicodedata.normalize("NFKD", title.translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _SEPARATORS.sub("_", text)
    text = _NOT_WORD.sub("", text)
    text = re.sub(r"_+", "_", text).strip("_")
    text = text[:FILENAME_MAX].rstrip("_") or "work"
    return f"{text}.{extension.lstrip('.')}"
