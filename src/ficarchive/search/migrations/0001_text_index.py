"""The full-text index of works: FTS5 on SQLite, a tsvector table with GIN on PostgreSQL.

Neither table is a Django model (FTS5 tables can't be), so rows leave with their works
through a post_delete signal, and orphans are pruned after migrate and flush (search/apps.py).
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_workfts USING fts5("
    "title, creators, summary, notes, tags, series, body, "
    "tokenize = 'unicode61 remove_diacritics 2')",
]
POSTGRES = [
    "CREATE TABLE search_workdocument ("
    " work_id bigint PRIMARY KEY,"
    " config regconfig NOT NULL,"
    " document tsvector NOT NULL,"
    " excerpt text NOT NULL)",
    "CREATE INDEX search_workdocument_document ON search_workdocument USING gin (document)",
]


def create(apps, schema_editor):
    statements = SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRES
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    table = "search_workfts" if schema_editor.connection.vendor == "sqlite" else "search_workdocument"
    schema_editor.execute(f"DROP TABLE {table}")


class Migration(migrations.Migration):
    dependencies = [("works", "0005_reader_counters")]
    operations = [migrations.RunPython(create, drop)]
