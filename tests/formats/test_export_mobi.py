"""MOBI and AZW3 through calibre's ebook-convert: offered only where it's installed, a clear
error where it isn't, and the conversion plumbing checked with a stand-in converter."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from ficarchive.formats.export import FORMATS, mobi
from ficarchive.formats.work import FormatError
from tests.formats.test_export_samples import CTX, make_work

CALIBRE = shutil.which("ebook-convert")


def test_available_only_with_ebook_convert():
    assert mobi.available() is (CALIBRE is not None)
    assert FORMATS["mobi"].available() is FORMATS["azw3"].available() is mobi.available()


@pytest.mark.parametrize("key", ["mobi", "azw3"])
def test_clear_error_without_calibre(monkeypatch, key):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert FORMATS[key].available() is False
    with pytest.raises(FormatError, match=f"{key.upper()} downloads need calibre's ebook-convert"):
        FORMATS[key].render(make_work(), CTX)


def fake_converter(folder, script: str) -> None:
    path = folder / "ebook-convert"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_converts_our_epub(monkeypatch, tmp_path):
    # A stand-in that copies its input: what reaches calibre is our EPUB, and what it
    # writes comes back.
    fake_converter(tmp_path, 'cp "$1" "$2"\n')
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    data = FORMATS["azw3"].render(make_work(), CTX)
    assert data.startswith(b"PK") and b"application/epub+zip" in data[:60]
    assert data == FORMATS["epub"].render(make_work(), CTX)


def test_converter_failure_is_a_format_error(monkeypatch, tmp_path):
    fake_converter(tmp_path, 'echo "Conversion error: bad input" >&2\nexit 3\n')
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    with pytest.raises(FormatError, match="ebook-convert failed: Conversion error: bad input"):
        FORMATS["mobi"].render(make_work(), CTX)


@pytest.mark.skipif(CALIBRE is None, reason="calibre's ebook-convert isn't installed")
def test_real_calibre_makes_mobi_and_azw3():
    work = make_work()
    data = FORMATS["mobi"].render(work, CTX)
    assert data[60:68] == b"BOOKMOBI"
    data = FORMATS["azw3"].render(work, CTX)
    assert data[60:68] == b"BOOKMOBI"
