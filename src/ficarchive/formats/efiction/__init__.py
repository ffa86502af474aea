"""Reading an eFiction 3.x archive (a MySQL/MariaDB database or a mysqldump file, plus its
stories folder) into plain data, for works/efiction.py to turn into archive records.

    with read_archive(dump="backup.sql", stories_dir="stories") as archive:
        for story in archive.stories.values():
            text = archive.chapter_text(story.chapters[0])

No Django here: this package only reads, and can be tested on its own.
"""

from ficarchive.formats.efiction.dump import DumpError, DumpSource, iter_statements
from ficarchive.formats.efiction.model import (
    Archive,
    Author,
    Category,
    Chapter,
    Character,
    ClassType,
    EFictionError,
    Favorite,
    Rating,
    Review,
    Series,
    SeriesPart,
    Story,
    StoryClass,
)
from ficarchive.formats.efiction.mysql import MySQLSource, parse_dsn
from ficarchive.formats.efiction.reader import find_prefix, read_archive, read_tables
from ficarchive.formats.efiction.text import decode_bytes

__all__ = [
    "Archive", "Author", "Category", "Chapter", "Character", "ClassType", "DumpError",
    "DumpSource", "EFictionError", "Favorite", "MySQLSource", "Rating", "Review", "Series",
    "SeriesPart", "Story", "StoryClass", "decode_bytes", "find_prefix", "iter_statements",
    "parse_dsn", "read_archive", "read_tables",
]  # fmt: skip
