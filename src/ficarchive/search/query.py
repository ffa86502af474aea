"""The search box: what a reader types, parsed into terms and filters, then quoted for a database.

Plain Python with no Django, so the rules can be tested on their own. The parser never
fails: anything it cannot read as a shortcut is searched for as ordinary words and named in
`ParsedQuery.ignored`, so the page can say "we didn't understand …" instead of an error.

What it reads (keys are case-insensitive, and so is every word):

- words, all of which must match; ``word*`` matches by prefix;
- ``"exact phrases"`` (typographic “ ” „ quotes too; an unterminated quote runs to the end);
- ``-word`` and ``-"a phrase"`` exclude;
- ``words>1000``, ``>=``, ``<``, ``<=``, ``=`` (``:`` means ``=``) for words, hits, kudos,
  comments, bookmarks and chapters; numbers may group thousands with ``,`` or ``_``;
- ``sort:kudos``, optionally ``sort:kudos:asc`` or ``:desc``;
- ``complete:yes|no|true|false``, ``single:…`` (one-chapter works), ``lang:xx``/``language:xx``.

Words are split on whitespace and on punctuation inside them, except an apostrophe or hyphen
between letters (``don't``, ``well-known``). Letters, marks and digits of every script count;
other symbols (emoji among them) are left out, as the full-text indexes leave them out. An
unknown ``key:value`` such as ``foo:bar`` is searched as the words ``foo`` and ``bar``.

Every term that reaches SQLite FTS5 or PostgreSQL is quoted, so operators, column filters
and brackets typed into the box are just text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_QUERY_LENGTH = 1000
MAX_TERMS = 32  # words, phrases and exclusions together
MAX_RANGES = 12  # two bounds for each of the six counted fields
MAX_VALUE = 2**31 - 1  # fits every integer column on every database

QUOTES = frozenset('"“”„‟＂')
JOINERS = {"'": "'", "’": "'", "-": "-", "‐": "-"}  # kept between letters, in ASCII form
PREFIX_MARK = "*"

RANGE_FIELDS = ("words", "hits", "kudos", "comments", "bookmarks", "chapters")
RANGE_OPERATORS = (">", ">=", "<", "<=", "=")
SORT_KEYS = (
    "best", "creator", "title", "posted", "updated",
    "words", "hits", "kudos", "comments", "bookmarks",
)  # fmt: skip
SORT_ALIASES = {"date": "updated", "relevance": "best", "author": "creator"}
DIRECTIONS = {"asc": False, "ascending": False, "desc": True, "descending": True}
BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}
LANGUAGE_KEYS = ("lang", "language")

_SHORTCUT = re.compile(r"([a-z]+)(>=|<=|:|>|<|=)(.*)", re.ASCII | re.DOTALL)
_NUMBER = re.compile(r"[0-9]{1,3}(?:[,_][0-9]{3})+|[0-9]+", re.ASCII)
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", re.ASCII)
# Over a string of character classes: w word character, j joiner, p prefix mark, o other.
_WORD_SHAPE = re.compile(r"w+(?:jw+)*(p)?")


@dataclass(frozen=True)
class Range:
    """A numeric filter such as ``words>=1000``; `op` is one of RANGE_OPERATORS."""

    field: str
    op: str
    value: int


@dataclass(frozen=True)
class ParsedQuery:
    """What the search box asked for. Words ending in ``*`` are prefixes."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()  # words joined by single spaces
    excluded_words: tuple[str, ...] = ()
    excluded_phrases: tuple[str, ...] = ()
    ranges: tuple[Range, ...] = ()
    sort: str | None = None  # one of SORT_KEYS
    sort_desc: bool | None = None  # None: the sort's natural direction
    complete: bool | None = None
    single_chapter: bool | None = None
    language: str | None = None
    ignored: tuple[str, ...] = ()  # what was not understood or was over a limit

    @property
    def has_text(self) -> bool:
        """Whether there is something to match (exclusions alone only narrow a listing)."""
        return bool(self.words or self.phrases)

    def unparse(self) -> str:
        """The query in canonical text, for the search box and links; `ignored` is left out
        (what it names is already among the words), so parsing this gives the same query
        with nothing ignored — as long as it fits in MAX_QUERY_LENGTH, which only text
        crowded right up to the limit can miss."""
        parts = [
            *self.words,
            *map(_quoted, self.phrases),
            *(f"-{word}" for word in self.excluded_words),
            *(f"-{_quoted(phrase)}" for phrase in self.excluded_phrases),
            *(f"{r.field}{r.op}{r.value}" for r in self.ranges),
        ]
        if self.sort is not None:
            direction = {None: "", True: ":desc", False: ":asc"}[self.sort_desc]
            parts.append(f"sort:{self.sort}{direction}")
        if self.complete is not None:
            parts.append(f"complete:{_yes_no(self.complete)}")
        if self.single_chapter is not None:
            parts.append(f"single:{_yes_no(self.single_chapter)}")
        if self.language is not None:
            parts.append(f"lang:{self.language}")
        return " ".join(parts)


def _quoted(phrase: str) -> str:
    return f'"{phrase}"'


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


# Parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    """One whitespace-separated piece of the box, or one quoted phrase."""

    text: str
    negated: bool
    quoted: bool

    @property
    def raw(self) -> str:
        """The token as typed, for `ignored`."""
        return f"-{self.text}" if self.negated else self.text


@dataclass
class _Builder:
    """Collects terms and filters, dropping repeats and whatever is over a limit."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded_words: list[str] = field(default_factory=list)
    excluded_phrases: list[str] = field(default_factory=list)
    ranges: list[Range] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    scalars: dict[str, Any] = field(default_factory=dict)  # sort, complete, …: last one wins
    terms: int = 0

    def ignore(self, text: str) -> None:
        if text not in self.ignored:
            self.ignored.append(text)

    def add_term(self, term: str, *, phrase: bool, negated: bool) -> None:
        target = {
            (False, False): self.words,
            (True, False): self.phrases,
            (False, True): self.excluded_words,
            (True, True): self.excluded_phrases,
        }[phrase, negated]
        if term in target:
            return
        if self.terms >= MAX_TERMS:
            shown = _quoted(term) if phrase else term
            self.ignore(f"-{shown}" if negated else shown)
            return
        self.terms += 1
        target.append(term)

    def add_range(self, item: Range, raw: str) -> None:
        if item in self.ranges:
            return
        if len(self.ranges) >= MAX_RANGES:
            self.ignore(raw)
            return
        self.ranges.append(item)

    def build(self) -> ParsedQuery:
        return ParsedQuery(
            words=tuple(self.words),
            phrases=tuple(self.phrases),
            excluded_words=tuple(self.excluded_words),
            excluded_phrases=tuple(self.excluded_phrases),
            ranges=tuple(self.ranges),
            ignored=tuple(self.ignored),
            **self.scalars,
        )


def parse_query(text: str) -> ParsedQuery:
    """Read the search box. Never raises: what it can't use ends up in `ignored`."""
    builder = _Builder()
    text, overflow = _cap_length(text)
    if overflow:
        builder.ignore(overflow)
    for token in _tokens(unicodedata.normalize("NFC", text)):
        if token.quoted:
            _add_phrase(builder, token)
        else:
            _add_bare(builder, token)
    return builder.build()


def _cap_length(text: str) -> tuple[str, str]:
    """The first MAX_QUERY_LENGTH characters, backing off to a space rather than halving a
    word, and a short sample of what was cut (empty when nothing was)."""
    if len(text) <= MAX_QUERY_LENGTH:
        return text, ""
    head = text[:MAX_QUERY_LENGTH]
    if not text[MAX_QUERY_LENGTH].isspace():
        space = max((i for i, ch in enumerate(head) if ch.isspace()), default=-1)
        if space > 0:
            head = head[:space]
    cut = " ".join(text[len(head) :].split())
    return head, (cut[:40] + "…" if len(cut) > 40 else cut)


def _tokens(text: str) -> Iterator[_Token]:
    """Split on whitespace, with quotes (typographic ones too) making a phrase token and a
    leading ``-`` negating the token after it."""
    i, end = 0, len(text)
    while i < end:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < end and text[i] == "-":
            i += 1
        if i == end or text[i].isspace():
            continue  # dashes on their own
        negated = i > start
        if text[i] in QUOTES:
            close = _next_quote(text, i + 1)
            yield _Token(text[i + 1 : close], negated, quoted=True)
            i = close + 1
            continue
        stop = i
        while stop < end and not text[stop].isspace() and text[stop] not in QUOTES:
            stop += 1
        yield _Token(text[i:stop], negated, quoted=False)
        i = stop


def _next_quote(text: str, start: int) -> int:
    """Where the phrase opened before `start` closes: any quote mark, or the end."""
    for i in range(start, len(text)):
        if text[i] in QUOTES:
            return i
    return len(text)


def _add_phrase(builder: _Builder, token: _Token) -> None:
    words = [word.removesuffix(PREFIX_MARK) for word in _words(token.text)]
    if not words:
        return  # "" asks for nothing
    builder.add_term(" ".join(words), phrase=True, negated=token.negated)


def _add_bare(builder: _Builder, token: _Token) -> None:
    shortcut = _SHORTCUT.fullmatch(token.text.lower())
    if shortcut:
        key, op, value = shortcut.groups()
        known = _is_known_key(key)
        if not token.negated and known and _apply_shortcut(builder, key, op, value, token.raw):
            return
        if known or (op == ":" and value):  # not "Potter:" in "Harry Potter: the sequel"
            builder.ignore(token.raw)
    for word in _words(token.text):
        builder.add_term(word, phrase=False, negated=token.negated)


def _is_known_key(key: str) -> bool:
    return key in RANGE_FIELDS or key in LANGUAGE_KEYS or key in ("sort", "complete", "single")


def _apply_shortcut(builder: _Builder, key: str, op: str, value: str, raw: str) -> bool:
    """Record a shortcut; False when its value (or operator) makes no sense for its key."""
    if key in RANGE_FIELDS:
        number = _number(value)
        if number is None or op not in (*RANGE_OPERATORS, ":"):
            return False
        builder.add_range(Range(key, "=" if op == ":" else op, number), raw)
        return True
    if op not in (":", "="):
        return False
    parsed = _SCALAR_READERS[key](value)
    if parsed is None:
        return False
    builder.scalars.update(parsed)
    return True


def _number(text: str) -> int | None:
    """A non-negative count, with optional thousands separators; None if not one."""
    if not _NUMBER.fullmatch(text):
        return None
    value = int(text.replace(",", "").replace("_", ""))
    return value if value <= MAX_VALUE else None


def _read_sort(value: str) -> dict[str, Any] | None:
    key, _, direction = value.partition(":")
    key = SORT_ALIASES.get(key, key)
    if key not in SORT_KEYS or (direction and direction not in DIRECTIONS):
        return None
    return {"sort": key, "sort_desc": DIRECTIONS.get(direction)}


def _read_complete(value: str) -> dict[str, Any] | None:
    return {"complete": BOOLEANS[value]} if value in BOOLEANS else None


def _read_single(value: str) -> dict[str, Any] | None:
    return {"single_chapter": BOOLEANS[value]} if value in BOOLEANS else None


def _read_language(value: str) -> dict[str, Any] | None:
    code = value.replace("_", "-")
    return {"language": code} if _LANGUAGE.fullmatch(code) else None


_SCALAR_READERS = {
    "sort": _read_sort,
    "complete": _read_complete,
    "single": _read_single,
    "lang": _read_language,
    "language": _read_language,
}


def _words(text: str) -> list[str]:
    """The searchable words in `text`, lower-cased, a trailing ``*`` kept on prefixes."""
    text = unicodedata.normalize("NFC", text.lower())
    shape = "".join(map(_char_class, text))
    words = []
    for match in _WORD_SHAPE.finditer(shape):
        stem_end = match.start(1) if match.group(1) else match.end()
        word = "".join(JOINERS.get(ch, ch) for ch in text[match.start() : stem_end])
        words.append(word + PREFIX_MARK if match.group(1) else word)
    return words


def _char_class(ch: str) -> str:
    """w for letters, marks and digits of any script; j for joiners; p for *; o otherwise."""
    if unicodedata.category(ch)[0] in "LMN":
        return "w"
    if ch in JOINERS:
        return "j"
    return "p" if ch == PREFIX_MARK else "o"


# Database expressions ---------------------------------------------------------------------


def to_fts5(query: ParsedQuery) -> str | None:
    """An SQLite FTS5 MATCH expression over all columns; None without a positive term.

    Each term is a double-quoted FTS5 string, so AND, OR, NOT, NEAR, ``title:``, brackets,
    ``^`` and ``-`` typed by the reader are searched as text (or dropped), never obeyed.
    FTS5's NOT is binary, so exclusions follow the positive part: ``(A AND B) NOT C NOT D``.
    """
    positives = [*map(_fts5_word, query.words), *map(_fts5_string, query.phrases)]
    if not positives:
        return None
    negatives = [*map(_fts5_word, query.excluded_words), *map(_fts5_string, query.excluded_phrases)]
    expression = " AND ".join(positives)
    if negatives and len(positives) > 1:
        expression = f"({expression})"
    return expression + "".join(f" NOT {term}" for term in negatives)


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts5_word(word: str) -> str:
    if word.endswith(PREFIX_MARK):
        return _fts5_string(word[: -len(PREFIX_MARK)]) + "*"
    return _fts5_string(word)


def to_tsquery(query: ParsedQuery) -> str | None:
    """PostgreSQL tsquery text for ``to_tsquery(config, …)``; None without a positive term.

    Every lexeme is single-quoted (``'`` and ``\\`` doubled), so ``&``, ``|``, ``!``, ``<->``,
    ``:*`` and brackets typed by the reader are text for the parser, not tsquery syntax.
    """
    positives = [*map(_ts_word, query.words), *map(_ts_phrase, query.phrases)]
    if not positives:
        return None
    negatives = [*map(_ts_word, query.excluded_words), *map(_ts_phrase, query.excluded_phrases)]
    return " & ".join([*positives, *(f"!{term}" for term in negatives)])


def _ts_lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_word(word: str) -> str:
    if word.endswith(PREFIX_MARK):
        return _ts_lexeme(word[: -len(PREFIX_MARK)]) + ":*"
    return _ts_lexeme(word)


def _ts_phrase(phrase: str) -> str:
    return "(" + " <-> ".join(map(_ts_lexeme, phrase.split(" "))) + ")"
