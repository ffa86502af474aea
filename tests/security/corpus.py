"""The hostile-input corpus (xss_payloads.txt), read into payloads grouped by family.

The file is plain printable text: `{U+XXXX}` stands for characters that would be invisible
or break the one-payload-a-line layout (NUL, tabs, line breaks, zero-width letters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CORPUS = Path(__file__).with_name("xss_payloads.txt")
_CODE_POINT = re.compile(r"\{U\+([0-9A-F]{4,6})\}")
_FAMILY = re.compile(r"^# family: ([a-z-]+)$")


@dataclass(frozen=True)
class Payload:
    family: str
    text: str
    line: int

    @property
    def name(self) -> str:
        """A short id for test reports: family and line in the corpus file."""
        return f"{self.family}-L{self.line}"


def decode(line: str) -> str:
    return _CODE_POINT.sub(lambda match: chr(int(match.group(1), 16)), line)


@cache
def payloads() -> tuple[Payload, ...]:
    """Every payload of the corpus, in file order."""
    found, family = [], None
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if heading := _FAMILY.match(line):
            family = heading.group(1)
        elif line and not line.startswith("#"):
            assert family, f"line {number} comes before any '# family:' line"
            found.append(Payload(family, decode(line), number))
    return tuple(found)


def families() -> dict[str, list[Payload]]:
    grouped: dict[str, list[Payload]] = {}
    for payload in payloads():
        grouped.setdefault(payload.family, []).append(payload)
    return grouped


def batches(limit_chars: int, limit_count: int) -> list[list[Payload]]:
    """Consecutive payloads packed so that each batch, joined by blank lines, fits a field
    of `limit_chars` (the work summary) and has at most `limit_count` payloads."""
    packed: list[list[Payload]] = [[]]
    for payload in payloads():
        current = packed[-1]
        size = sum(len(p.text) + 2 for p in current) + len(payload.text)
        if current and (size > limit_chars or len(current) >= limit_count):
            packed.append(current := [])
        current.append(payload)
    return packed


def sample(per_family: int) -> list[Payload]:
    """A spread of the corpus: `per_family` payloads from each family, evenly spaced."""
    chosen = []
    for members in families().values():
        step = max(1, len(members) // per_family)
        chosen += members[::step][:per_family]
    return chosen
