"""Full-text search on the database in use: SQLite FTS5, or PostgreSQL tsvector with GIN.

Both answer the same three questions, so the rest of the archive never asks which one it
has: which works match (with a rank), a snippet of where, and keeping the index current.
Snippets mark matches with \\x02 and \\x03; `search.snippets` turns them into <mark> safely.
"""

from __future__ import annotations

import time
from dataclasses import replace

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from ficarchive.search.documents import FIELDS, Document
from ficarchive.search.query import ParsedQuery, to_fts5, to_tsquery
from ficarchive.works.models import Work

START, STOP = "\x02", "\x03"
# Relative weight of each field in "best match" ranking (title first, body last).
FTS5_WEIGHTS = "10.0, 6.0, 4.0, 2.0, 5.0, 3.0, 1.0"
# PostgreSQL keeps positions for phrase search in the first part of a long body only: a
# tsvector may not exceed 1 MB. Words beyond still match; phrases and snippets there don't.
PG_POSITIONED_CHARS = 300_000
PG_EXCERPT_CHARS = 100_000
# Snippets are cut from the first part of the excerpt: ts_headline's cost grows with the text
# it reads (20 long works: 151 ms over 100,000 characters, 32 ms over 20,000).
PG_SNIPPET_CHARS = 20_000


class SqliteBackend:
    table = "search_workfts"
    # Ranking happens in the same FTS5 scan that finds the matches (see `ranked`), but bm25
    # and the sort still cost about 5 µs a match, phrases and prefixes more: beyond this
    # many matches, "best match" falls back to date updated (docs/performance.md).
    rank_limit: int | None = 10_000

    def count(self, query: ParsedQuery, limit: int) -> int:
        """Matches of the query's positive terms, counted up to `limit` + 1."""
        match = to_fts5(query)
        if match is None:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {self.table} "
                f"WHERE {self.table} MATCH %s LIMIT %s)",
                [match, limit + 1],
            )
            return cursor.fetchone()[0]

    def upsert(self, documents: list[Document]) -> None:
        if not documents:
            return
        self.delete([d.work_id for d in documents])
        columns = ", ".join(FIELDS)
        marks = ", ".join(["%s"] * (len(FIELDS) + 1))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} (rowid, {columns}) VALUES ({marks})",
                [[d.work_id, *d.values()] for d in documents],
            )

    def delete(self, work_ids: list[int]) -> None:
        if work_ids:
            marks = ", ".join(["%s"] * len(work_ids))
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {self.table} WHERE rowid IN ({marks})", work_ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")

    def matches(self, query: ParsedQuery) -> tuple[str, list] | None:
        """SQL selecting the ids of works matching the query's positive terms."""
        match = to_fts5(query)
        if match is None:
            return None
        return f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s", [match]

    def ranked(self, works: QuerySet, query: ParsedQuery) -> QuerySet:
        """`works` that match, joined to the index so each gets `rank` (lower is better)
        from the very scan that found it. FTS5 ranks only inside its own MATCH query, so a
        per-work subquery would rescan the index once per match."""
        match = to_fts5(query)
        work_id = f'"{Work._meta.db_table}"."id"'
        return works.extra(
            tables=[self.table],
            where=[f"{self.table}.rowid = {work_id}", f"{self.table} MATCH %s"],
            params=[match],
        ).annotate(rank=RawSQL(f"bm25({self.table}, {FTS5_WEIGHTS})", []))

    def excluded(self, query: ParsedQuery) -> tuple[str, list] | None:
        """SQL selecting the work_ids that contain any excluded word or phrase."""
        pieces = [f"({to_fts5(single)})" for single in exclusions(query)]
        if not pieces:
            return None
        return (
            f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s",
            [" OR ".join(pieces)],
        )

    def snippets(self, query: ParsedQuery, work_ids: list[int]) -> dict[int, str]:
        match = to_fts5(query)
        if match is None or not work_ids:
            return {}
        marks = ", ".join(["%s"] * len(work_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({self.table}, -1, %s, %s, '…', 24) FROM {self.table} "
                f"WHERE {self.table} MATCH %s AND rowid IN ({marks})",
                [START, STOP, match, *work_ids],
            )
            return dict(cursor.fetchall())


_NO_ANGLE_BRACKETS = str.maketrans("<>", "  ")


class PostgresBackend:
    table = "search_workdocument"
    # ts_rank_cd reads each match's whole stored vector (up to 1 MB), about 15 µs to 1 ms a
    # work: beyond this many matches, "best match" falls back to date updated.
    rank_limit: int | None = 5000

    def count(self, query: ParsedQuery, limit: int) -> int:
        """Matches of the query's positive terms, counted up to `limit` + 1."""
        matches = self.matches(query)
        if matches is None:
            return 0
        sql, params = matches
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT %s) AS m", [*params, limit + 1])
            return cursor.fetchone()[0]

    def upsert(self, documents: list[Document]) -> None:
        if not documents:
            return
        if {d.config for d in documents} - set(PostgresBackend._cached[1]):
            PostgresBackend._cached = (0.0, [])  # a language not seen before: look again
        rows = []
        for d in documents:
            # The documents are plain text; PostgreSQL's parser would read "<Lantern>" as
            # a tag and drop the word, so angle brackets go (the excerpt keeps them).
            title, meta, about, body = (
                text.translate(_NO_ANGLE_BRACKETS)
                for text in (d.title, " ".join([d.creators, d.tags, d.series]),
                             f"{d.summary} {d.notes}", d.body)
            )  # fmt: skip
            rows.append(
                [
                    d.work_id,
                    d.config,
                    title,
                    meta,
                    about,
                    body[:PG_POSITIONED_CHARS],
                    body[PG_POSITIONED_CHARS:],
                    d.body[:PG_EXCERPT_CHARS],
                ]
            )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"""INSERT INTO {self.table} (work_id, config, document, excerpt)
                SELECT id, cfg,
                    setweight(to_tsvector(cfg, title), 'A')
                    || setweight(to_tsvector(cfg, meta), 'B')
                    || setweight(to_tsvector(cfg, about), 'C')
                    || setweight(to_tsvector(cfg, body), 'D')
                    || strip(to_tsvector(cfg, rest)),
                    excerpt
                FROM (SELECT %s::bigint AS id, %s::regconfig AS cfg, %s AS title, %s AS meta,
                      %s AS about, %s AS body, %s AS rest, %s AS excerpt) AS doc
                ON CONFLICT (work_id) DO UPDATE SET config = EXCLUDED.config,
                    document = EXCLUDED.document, excerpt = EXCLUDED.excerpt""",
                rows,
            )

    def delete(self, work_ids: list[int]) -> None:
        if work_ids:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {self.table} WHERE work_id = ANY(%s)", [work_ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {self.table}")

    _cached: tuple[float, list[str]] = (0.0, [])

    def _configs(self) -> list[str]:
        """The text-search configurations documents use, looked up at most once a minute."""
        fetched, configs = PostgresBackend._cached
        if time.monotonic() - fetched > 60 or not configs:
            with connection.cursor() as cursor:
                # A loose index scan would be faster, but the table has few distinct values
                # and the answer is cached.
                cursor.execute(f"SELECT DISTINCT config::text FROM {self.table}")
                configs = sorted(row[0] for row in cursor.fetchall()) or ["simple"]
            PostgresBackend._cached = (time.monotonic(), configs)
        return configs

    def _tsquery(self, text: str) -> tuple[str, list]:
        """One tsquery in every configuration in use, OR-ed: each document matches in its own
        language's stemming, and the expression stays constant so the GIN index is used."""
        configs = self._configs()
        sql = " || ".join(["to_tsquery(%s::regconfig, %s)"] * len(configs))
        params = [value for config in configs for value in (config, text)]
        return f"({sql})", params

    def _condition(self, text: str, table: str) -> tuple[str, list]:
        """`document @@ query`, with the query parsed in each document's own configuration:
        one arm per configuration in use, each a GIN index scan (PostgreSQL ORs them as
        bitmaps). Exact, so exclusions can stay inside the query (`word & !other`); a query
        OR-ed over every configuration would let a document match in another language's
        stemming, and PostgreSQL estimates such a query matches everything."""
        arms, params = [], []
        for config in self._configs():
            arms.append(
                f"({table}.config = %s::regconfig "
                f"AND {table}.document @@ to_tsquery(%s::regconfig, %s))"
            )
            params += [config, config, text]
        return f"({' OR '.join(arms)})", params

    def matches(self, query: ParsedQuery) -> tuple[str, list] | None:
        text = to_tsquery(query)
        if text is None:
            return None
        condition, params = self._condition(text, self.table)
        return f"SELECT work_id FROM {self.table} WHERE {condition}", params

    def ranked(self, works: QuerySet, query: ParsedQuery) -> QuerySet:
        """`works` that match, joined to their documents, each with `rank` (lower is better)."""
        text = to_tsquery(query)
        condition, params = self._condition(text, self.table)
        tsquery, rank_params = self._tsquery(text)
        work_id = f'"{Work._meta.db_table}"."id"'
        return works.extra(
            tables=[self.table],
            where=[f"{self.table}.work_id = {work_id}", condition],
            params=params,
        ).annotate(rank=RawSQL(f"-ts_rank_cd({self.table}.document, {tsquery})", rank_params))

    def excluded(self, query: ParsedQuery) -> tuple[str, list] | None:
        if query.words or query.phrases:
            return None  # `matches` carries the exclusions, exactly (see _condition)
        pieces = [f"({to_tsquery(single)})" for single in exclusions(query)]
        if not pieces:
            return None
        condition, params = self._condition(" | ".join(pieces), self.table)
        return f"SELECT work_id FROM {self.table} WHERE {condition}", params

    def snippets(self, query: ParsedQuery, work_ids: list[int]) -> dict[int, str]:
        text = to_tsquery(query)
        if text is None or not work_ids:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT work_id, ts_headline(config, left(excerpt, {PG_SNIPPET_CHARS}),
                    to_tsquery(config, %s),
                    %s) FROM {self.table} WHERE work_id = ANY(%s)""",
                [
                    text,
                    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, "
                    "MaxFragments=2, FragmentDelimiter=' … '",
                    work_ids,
                ],
            )
            return dict(cursor.fetchall())


def exclusions(query: ParsedQuery) -> list[ParsedQuery]:
    """Each excluded word or phrase as a positive query of its own, to match and remove."""
    bare = replace(query, words=(), phrases=(), excluded_words=(), excluded_phrases=())
    return [replace(bare, words=(word,)) for word in query.excluded_words] + [
        replace(bare, phrases=(phrase,)) for phrase in query.excluded_phrases
    ]


def backend() -> SqliteBackend | PostgresBackend:
    return SqliteBackend() if connection.vendor == "sqlite" else PostgresBackend()
