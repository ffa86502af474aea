"""Benchmark: importing AO3-style HTML downloads, in files per second.

Makes --files HTML downloads with the archive's own exporter (works of a few thousand words
from the demo prose generator, varied tags, 1 to 5 chapters), writes them to a temporary
folder, then times reading and parsing every file with ficarchive.formats.importers, and
checks each came back with its title and chapters.

    .venv/bin/python bench/imports.py              # 1,000 files
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ficarchive.formats.export import FORMATS, ExportContext
from ficarchive.formats.importers import parse
from ficarchive.formats.prose import ProseGenerator
from ficarchive.formats.sanitize import sanitize_html
from ficarchive.formats.work import ParsedChapter, ParsedWork

CONTEXT = ExportContext(
    archive_name="Ficarchive",
    work_url="http://127.0.0.1:8000/works/1/",
    generated=date(2026, 11, 24),
    identifier="urn:ficarchive:bench:work:1",
)


def make_work(index: int) -> ParsedWork:
    prose = ProseGenerator(seed=index)
    rng = random.Random(index)
    chapters = [
        ParsedChapter(title=prose.chapter_title(), text=sanitize_html(prose.chapter_text(800)))
        for _ in range(rng.randint(1, 5))
    ]
    return ParsedWork(
        title=f"{prose.title()} {index}",
        creators=[f"writer{index % 50}"],
        rating=rng.choice(["General Audiences", "Teen And Up Audiences", "Mature"]),
        warnings=["No Archive Warnings Apply"],
        fandoms=[f"Fandom {rng.randint(1, 40)}"],
        additional_tags=[f"Tag {rng.randint(1, 300)}" for _ in range(rng.randint(1, 8))],
        language="en",
        summary=sanitize_html(prose.summary()),
        published=date(2020, 1, 1),
        complete=True,
        expected_chapters=len(chapters),
        chapters=chapters,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index in range(args.files):
            path = Path(folder) / f"work-{index}.html"
            path.write_bytes(FORMATS["html"].render(make_work(index), CONTEXT))
            paths.append(path)
        size = sum(p.stat().st_size for p in paths) / 1e6
        start = time.perf_counter()
        for path in paths:
            work = parse(path.name, path.read_bytes())
            assert work.title and work.chapters, path
        seconds = time.perf_counter() - start
    print(
        f"{args.files:,} AO3-style HTML downloads ({size:.0f} MB) imported in {seconds:.2f} s: "
        f"{args.files / seconds:.0f} files/s (target >= 50 files/s)"
    )


if __name__ == "__main__":
    main()
