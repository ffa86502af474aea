"""Benchmark: how long a very long work takes to become an EPUB, a PDF (and HTML, TXT), and
how much memory that takes.

Builds one work of --words words in --chapters chapters from the demo prose generator
(one chapter's worth of generated paragraphs, reshuffled per chapter, so building the work
is quick), then renders each format in a fresh child process and prints the seconds, the
output size and the child's peak RSS (resource.getrusage) next to the peak of a child that
only builds the work. Then the same work's HTML download through calibre's ebook-convert
to EPUB, for comparison, when calibre is installed.

    .venv/bin/python bench/export.py                       # 500,000 words, 60 chapters
    .venv/bin/python bench/export.py --words 50000 --formats epub
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ficarchive.formats.export import FORMATS, ExportContext  # noqa: E402
from ficarchive.formats.export import html as html_export  # noqa: E402
from ficarchive.formats.prose import ProseGenerator  # noqa: E402
from ficarchive.formats.sanitize import sanitize_html  # noqa: E402
from ficarchive.formats.work import ParsedChapter, ParsedWork, SeriesPart  # noqa: E402

CONTEXT = ExportContext(
    archive_name="Ficarchive Bench",
    work_url="https://bench.example.org/works/1",
    generated=date(2025, 1, 1),
    identifier="urn:ficarchive:bench.example.org:work:1",
)


def build_work(words: int, chapters: int, seed: int = 7) -> ParsedWork:
    prose = ProseGenerator(seed)
    per_chapter = words // chapters
    paragraphs = sanitize_html(prose.chapter_text(per_chapter)).split("\n")
    shuffle = random.Random(seed)
    items = []
    for number in range(1, chapters + 1):
        shuffle.shuffle(paragraphs)
        items.append(
            ParsedChapter(
                title=prose.chapter_title(),
                summary=f"<p>{prose.summary()}</p>",
                notes=f"<p>{prose.note()}</p>" if number % 5 == 0 else "",
                text="\n".join(paragraphs),
                words=per_chapter,
            )
        )
    return ParsedWork(
        title=prose.title(),
        creators=["Bench Writer"],
        rating="General Audiences",
        warnings=["No Archive Warnings Apply"],
        fandoms=["Original Work"],
        additional_tags=["Long", "Benchmark"],
        language="en",
        series=[SeriesPart("Bench Series", 1)],
        summary=f"<p>{prose.summary()}</p>",
        published=date(2024, 1, 1),
        updated=date(2024, 12, 1),
        complete=True,
        chapters=items,
    )


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(key: str, words: int, chapters: int) -> None:
    """Runs in a fresh process: build the work, render one format, print JSON figures."""
    if key != "build" and not FORMATS[key].available():
        print(json.dumps({"unavailable": True}))
        return
    work = build_work(words, chapters)
    built = peak_mib()
    start = time.perf_counter()
    size = len(FORMATS[key].render(work, CONTEXT)) if key != "build" else 0
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "bytes": size, "peak": peak_mib(), "built": built}))


def run_child(key: str, words: int, chapters: int) -> dict:
    command = [sys.executable, __file__, "--child", key, "--words", str(words),
               "--chapters", str(chapters)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def calibre(words: int, chapters: int) -> None:
    program = shutil.which("ebook-convert")
    if program is None:
        print("calibre: ebook-convert isn't installed here; skipping the HTML→EPUB comparison.")
        return
    work = build_work(words, chapters)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "work.html"
        source.write_text(html_export.document(work, CONTEXT), encoding="utf-8")
        start = time.perf_counter()
        result = subprocess.run(
            [program, str(source), str(Path(folder) / "work.epub")],
            capture_output=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    status = "ok" if result.returncode == 0 else f"failed ({result.returncode})"
    print(f"calibre ebook-convert HTML→EPUB: {seconds:.2f} s, peak {peak:.0f} MiB, {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=500_000)
    parser.add_argument("--chapters", type=int, default=60)
    parser.add_argument("--formats", default="epub,pdf,html,txt")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.words, args.chapters)
        return

    print(f"A work of {args.words:,} words in {args.chapters} chapters; one process per row.")
    base = run_child("build", args.words, args.chapters)
    print(f"{'build only':<10} peak {base.get('peak', 0):7.0f} MiB")
    for key in args.formats.split(","):
        # Asked in the child: importing WeasyPrint here would raise every child's peak RSS
        # (a child's ru_maxrss starts from its parent's size at fork).
        figures = run_child(key, args.words, args.chapters)
        if "unavailable" in figures:
            print(f"{key:<10} not available here")
            continue
        if "error" in figures:
            print(f"{key:<10} failed: {figures['error']}")
            continue
        print(
            f"{key:<10} {figures['seconds']:7.2f} s  {figures['bytes'] / 1e6:7.2f} MB  "
            f"peak {figures['peak']:7.0f} MiB (+{figures['peak'] - figures['built']:.0f} "
            "over the built work)"
        )
    calibre(args.words, args.chapters)


if __name__ == "__main__":
    main()
