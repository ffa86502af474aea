"""Count words the way readers of fan fiction archives expect.

Words are runs of letters and digits; apostrophes and hyphens join rather than split
("one's", "well-known" are one word each) while a double hyphen separates. In scripts
written without spaces (Han, Hiragana, Katakana, Thai) each character is a word.
"""

from __future__ import annotations

import re

from ficarchive.formats.sanitize import strip_tags

_SPACELESS = (
    "\u0e00-\u0e7f"  # Thai
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff"  # Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\U00020000-\U0002ffff"
)
_TOKEN = re.compile(rf"[{_SPACELESS}]|[^\W{_SPACELESS}]+")
_JOINERS = re.compile(r"['’‘\-]")


def count_words(html_or_text: str) -> int:
    """Number of words in HTML or plain text."""
    text = strip_tags(html_or_text).replace("--", " — ")
    return len(_TOKEN.findall(_JOINERS.sub("", text)))
