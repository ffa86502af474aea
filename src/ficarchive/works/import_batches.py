"""Imports from the site: files are stored, read by a background task, then posted.

Reading a file can cost seconds of CPU (a large Word document, or one made to be slow), so
the upload request only stores the bytes, one ImportFile per file, and queues
`parse_import_file` for each. The person then sees what was found, read back from the
stored result, and confirms; confirming never reads a file again. With
FICARCHIVE_TASKS=immediate (the default) the tasks run inside the upload request, so the
result is ready when the next page is shown; with `database`, `ficarchive worker` runs them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from ficarchive.accounts.models import User
from ficarchive.formats.importers import LIMIT_BYTES, parse
from ficarchive.formats.work import FormatError, ParsedWork
from ficarchive.tasks import task
from ficarchive.works.exchange import ImportChoices, create_from_parsed, import_problems
from ficarchive.works.models import ImportBatch, ImportFile, Work

logger = logging.getLogger(__name__)

MAX_FILES = 50
MAX_WAITING = 5  # unconfirmed imports per person: each can hold up to 50 files
KEEP_HOURS = 24  # unconfirmed imports older than this are deleted (delete_old_drafts)
SLOW_MINUTES = 5  # after this, the waiting page says the worker may not be running
NAME_MAX = 100

Status = ImportFile.Status


# -- storing and reading ----------------------------------------------------------------------


def check_upload(name: str, size: int) -> None:
    """Refuse a file over the importers' limit before its bytes are read."""
    if size > LIMIT_BYTES:
        raise ValidationError(
            f"{name} is {size / 1e6:.1f} MB; files can be at most {LIMIT_BYTES // 1_000_000} MB."
        )


def _file_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[-NAME_MAX:] or "upload"


def start_import(
    owner: User,
    files: Iterable[tuple[str, bytes]],
    *,
    split_chapters: bool = False,
    fandoms: list[str] | None = None,
) -> ImportBatch:
    """Store the files (name, bytes) and queue reading them. Raises ValidationError, storing
    nothing, when there are no files, too many, one is too large, or the person already has
    MAX_WAITING imports waiting. `files` may be a generator: one file is in memory at a time."""
    batch, file_ids = _store(owner, files, split_chapters, fandoms or [])
    # Queued once the files are committed, so that tasks run immediately (the default) read
    # them without holding SQLite's write lock, and a worker never looks for a file that
    # isn't there yet.
    for file_id in file_ids:
        parse_import_file.enqueue(file_id)
    return batch


@transaction.atomic
def _store(
    owner: User, files: Iterable[tuple[str, bytes]], split_chapters: bool, fandoms: list[str]
) -> tuple[ImportBatch, list[int]]:
    if ImportBatch.objects.filter(owner=owner).count() >= MAX_WAITING:
        raise ValidationError(
            f"You have {MAX_WAITING} imports waiting to be posted or discarded; "
            "finish one of them first."
        )
    batch = ImportBatch.objects.create(
        owner=owner, split_chapters=split_chapters, fandoms=list(fandoms)
    )
    file_ids = []
    for position, (name, data) in enumerate(files):
        if position >= MAX_FILES + 1:  # the files, and pasted text
            raise ValidationError(f"Import at most {MAX_FILES} files at a time.")
        check_upload(name, len(data))
        file = ImportFile.objects.create(
            batch=batch, position=position, name=_file_name(name), data=data
        )
        file_ids.append(file.pk)
    if not file_ids:
        raise ValidationError("Choose at least one file, or paste some text.")
    return batch, file_ids


@task()
def parse_import_file(file_id: int) -> str:
    """Read one stored file (see read_file). Retry-safe: only a waiting file is updated."""
    return read_file(file_id)


def read_file(file_id: int) -> str:
    """Parse a waiting file and store what was found, or the reason it can't be read, in
    words for the person importing. Returns the new status ("gone" when the import was
    confirmed or discarded meanwhile). Safe to run twice: only a waiting file is updated."""
    file = ImportFile.objects.filter(pk=file_id, status=Status.PENDING).first()
    if file is None:
        return "gone"
    split = ImportBatch.objects.filter(pk=file.batch_id).values_list("split_chapters", flat=True)
    try:
        work = parse(file.name, bytes(file.data), split_chapters=bool(split.first()))
    except FormatError as error:
        changes = {"status": Status.FAILED, "error": str(error)}
    except Exception:  # a bug or an exhausted resource must not leave the file waiting forever
        logger.exception("Reading import file %s failed", file_id)
        changes = _internal_error(file.name)
    else:
        changes = {"status": Status.PARSED, "result": work.as_json(), "data": b""}
    waiting = ImportFile.objects.filter(pk=file_id, status=Status.PENDING)
    try:
        with transaction.atomic():
            waiting.update(**changes)
    except DatabaseError:  # a result the database refuses to store
        logger.exception("Storing what was read from import file %s failed", file_id)
        changes = _internal_error(file.name)
        waiting.update(**changes)
    return str(changes["status"])


def _internal_error(name: str) -> dict:
    return {
        "status": Status.FAILED,
        "error": f"{name} could not be read because of an error in the archive; "
        "the archive's staff can find the details in its log.",
    }


# -- showing ----------------------------------------------------------------------------------


@dataclass
class FileResult:
    """One file as the person importing sees it."""

    name: str
    status: str
    error: str = ""
    work: ParsedWork | None = None
    problems: list[str] = field(default_factory=list)  # why it can't be posted as it is

    @property
    def status_label(self) -> str:
        return Status(self.status).label


def _choices(batch: ImportBatch, post: bool = True) -> ImportChoices:
    return ImportChoices(pseud=batch.owner.default_pseud, post=post, fandoms=batch.fandoms)


def results(batch: ImportBatch, *, works: bool = True) -> list[FileResult]:
    """What was found in each file so far, from the stored results (nothing is parsed);
    without `works`, only each file's status, for the page that waits for them."""
    out = []
    files = batch.files.defer("data") if works else batch.files.defer("data", "result")
    for file in files:
        item = FileResult(name=file.name, status=file.status, error=file.error)
        if works and file.status == Status.PARSED:
            item.work = ParsedWork.from_json(file.result)
            item.problems = import_problems(item.work, _choices(batch))
        out.append(item)
    return out


def is_waiting(batch: ImportBatch) -> bool:
    """Whether some file of the batch hasn't been read yet."""
    return batch.files.filter(status=Status.PENDING).exists()


def is_slow(batch: ImportBatch) -> bool:
    """Waiting longer than reading ever takes: the worker is probably not running."""
    return batch.created_at < timezone.now() - timedelta(minutes=SLOW_MINUTES)


# -- posting ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    imported: list[Work] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "name: reason", one per file


def confirm_import(owner: User, batch_id: int, *, post: bool) -> Outcome:
    """Post (or save as drafts) the works of a read batch, then forget the batch, in one
    transaction: a second confirmation finds nothing to do. Each work goes in whole or not
    at all and the others still go in. Raises ImportBatch.DoesNotExist when the batch isn't
    the owner's (or is gone) and ValidationError, changing nothing, while files are
    still waiting to be read."""
    outcome = Outcome()
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id, owner=owner)
        if is_waiting(batch):
            raise ValidationError("Some files are still being read; try again in a moment.")
        for file in batch.files.defer("data"):
            if file.status == Status.FAILED:
                outcome.failed.append(file.error)
                continue
            try:
                work = create_from_parsed(ParsedWork.from_json(file.result), _choices(batch, post))
            except ValidationError as error:
                outcome.failed.append(f"{file.name}: {' '.join(error.messages)}")
            else:
                outcome.imported.append(work)
        batch.delete()
    return outcome


def discard_import(owner: User, batch_id: int) -> bool:
    """Forget an import without posting anything; False when there was nothing to forget."""
    deleted, _ = ImportBatch.objects.filter(pk=batch_id, owner=owner).delete()
    return bool(deleted)


def delete_old_imports(hours: int = KEEP_HOURS) -> int:
    """Delete imports nobody confirmed within `hours`, with their files; returns how many."""
    cutoff = timezone.now() - timedelta(hours=hours)
    old = ImportBatch.objects.filter(created_at__lt=cutoff)
    count = old.count()
    old.delete()
    return count
