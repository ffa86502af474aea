"""MOBI and AZW3 for Kindles, made by calibre's ebook-convert from our EPUB.

Nothing in Python writes these formats well, so they exist only where calibre is
installed; `available()` tells the download page whether to offer them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ficarchive.formats.export import epub
from ficarchive.formats.export._base import ExportContext
from ficarchive.formats.work import FormatError, ParsedWork

TIMEOUT = 300  # seconds; a very long work takes calibre a minute or two


def converter() -> str | None:
    return shutil.which("ebook-convert")


def available() -> bool:
    return converter() is not None


def convert(work: ParsedWork, ctx: ExportContext, extension: str) -> bytes:
    """The work's EPUB converted by ebook-convert to `extension` ("mobi" or "azw3")."""
    program = converter()
    if program is None:
        raise FormatError(
            f"{extension.upper()} downloads need calibre's ebook-convert, "
            "which isn't installed on this server."
        )
    with tempfile.TemporaryDirectory(prefix="ficarchive-") as folder:
        source = Path(folder) / "work.epub"
        target = Path(folder) / f"work.{extension}"
        source.write_bytes(epub.render(work, ctx))
        try:
            result = subprocess.run(
                [program, str(source), str(target)],
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise FormatError(f"ebook-convert took longer than {TIMEOUT} seconds.") from error
        if result.returncode != 0 or not target.exists():
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise FormatError(f"ebook-convert failed: {' '.join(detail) or result.returncode}")
        return target.read_bytes()


def render_mobi(work: ParsedWork, ctx: ExportContext) -> bytes:
    return convert(work, ctx, "mobi")


def render_azw3(work: ParsedWork, ctx: ExportContext) -> bytes:
    return convert(work, ctx, "azw3")
