"""Backups: the database and the media files in one .tar with a manifest.

SQLite is copied with its online backup API (a consistent copy while the archive runs,
WAL included); PostgreSQL with `pg_dump --format=custom`. A restore checks the whole
archive (manifest, engine, checksums, the dump itself) before it touches anything, so a
wrong or damaged file changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connection

from ficarchive import page_cache

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


@dataclass
class Manifest:
    format_version: int
    engine: str
    created: str
    ficarchive_version: str
    files: dict[str, str]  # member name -> sha256

    @property
    def database_member(self) -> str:
        return DUMP_NAMES[self.engine]


def current_engine() -> str:
    """'sqlite' or 'postgresql': the database this archive runs on."""
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def _version() -> str:
    try:
        return metadata.version("ficarchive")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- PostgreSQL command-line tools -------------------------------------------------------


def _pg_args_and_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from Django's own settings."""
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed: run scripts/install-system-deps "
            "(Debian's postgresql-client package)."
        ) from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from None


# --- Backup --------------------------------------------------------------------------------


def _dump_database(engine: str, target: Path) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        args, env = _pg_args_and_env()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args], env)


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def create_backup(destination: Path) -> Manifest:
    """Write the database and the media files to `destination` (a .tar), atomically: a
    backup that fails half-way leaves no file behind that looks complete."""
    engine = current_engine()
    media_root = Path(settings.MEDIA_ROOT)
    destination = Path(destination)
    with tempfile.TemporaryDirectory(dir=destination.parent) as scratch:
        dump = Path(scratch) / DUMP_NAMES[engine]
        _dump_database(engine, dump)
        media = {MEDIA_PREFIX + p.relative_to(media_root).as_posix(): p for p in _media_files()}
        files = {dump.name: _sha256(dump)} | {name: _sha256(p) for name, p in media.items()}
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            engine=engine,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            ficarchive_version=_version(),
            files=files,
        )
        partial = Path(scratch) / "backup.tar"
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(asdict(manifest), indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for name, path in media.items():
                tar.add(path, arcname=name)
        os.replace(partial, destination)
    return manifest


# --- Restore -------------------------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    """The archive's manifest, or a BackupError saying why the file isn't a usable backup."""
    try:
        member = tar.extractfile(MANIFEST)
        raw = json.loads(member.read()) if member else None
        manifest = Manifest(**raw)
    except (KeyError, ValueError, TypeError, tarfile.TarError, OSError):
        raise BackupError("This is not a Ficarchive backup: it has no valid manifest.") from None
    if manifest.format_version != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format version {manifest.format_version}; this Ficarchive "
            f"reads version {FORMAT_VERSION}."
        )
    if manifest.engine not in DUMP_NAMES:
        raise BackupError(f"This backup names an unknown database engine: {manifest.engine!r}.")
    return manifest


def inspect_backup(source: Path) -> Manifest:
    """Check the whole archive without changing anything: readable, same engine, every
    file present with its recorded checksum."""
    try:
        with tarfile.open(source, "r") as tar:
            tar.getmembers()  # reads the whole index: a truncated file fails here
            manifest = read_manifest(tar)
            _check_engine(manifest)
            _check_members(tar, manifest)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(
            f"{source} is not a readable backup (damaged, incomplete or another kind of "
            f"file): {error or type(error).__name__}."
        ) from None
    return manifest


def _check_engine(manifest: Manifest) -> None:
    engine = current_engine()
    if manifest.engine != engine:
        raise BackupError(
            f"This backup was made from a {manifest.engine} archive and this archive runs on "
            f"{engine}: restore it into a {manifest.engine} archive instead."
        )


def _check_members(tar: tarfile.TarFile, manifest: Manifest) -> None:
    if manifest.database_member not in manifest.files:
        raise BackupError("This backup has no database in it.")
    seen: set[str] = set()
    for member in tar.getmembers():
        if member.name == MANIFEST:
            continue
        if member.name not in manifest.files or not member.isfile():
            raise BackupError(f"This backup holds an unexpected entry: {member.name}.")
        file = tar.extractfile(member)
        digest = hashlib.sha256()
        for block in iter(lambda f=file: f.read(1 << 20), b""):
            digest.update(block)
        if digest.hexdigest() != manifest.files[member.name]:
            raise BackupError(f"This backup is damaged: {member.name} does not match its checksum.")
        seen.add(member.name)
    missing = set(manifest.files) - seen
    if missing:
        raise BackupError(f"This backup is incomplete: {', '.join(sorted(missing))} missing.")


def restore_backup(source: Path) -> Manifest:
    """Replace the database and media files with those in the backup at `source`."""
    manifest = inspect_backup(source)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent) as scratch:
        with tarfile.open(source, "r") as tar:
            tar.extractall(scratch, filter="data")
        dump = Path(scratch) / manifest.database_member
        if manifest.engine == "sqlite":
            _check_sqlite(dump)
            _restore_sqlite(dump)
        else:
            _restore_postgresql(dump)
        _swap_media(Path(scratch) / MEDIA_PREFIX, media_root)
    # The restored rows didn't pass through our connection's write hook: drop cached pages.
    page_cache.bump()
    return manifest


def _check_sqlite(dump: Path) -> None:
    copy = sqlite3.connect(dump)
    try:
        result = copy.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The database in this backup is damaged: {error}") from None
    finally:
        copy.close()
    if result != ("ok",):
        raise BackupError(f"The database in this backup is damaged: {result[0]}")


def _restore_sqlite(dump: Path) -> None:
    """Copy the backup over the live database through SQLite's backup API, which takes
    the write lock and replaces every page at once: readers see the old or the new."""
    connection.ensure_connection()
    copy = sqlite3.connect(dump)
    try:
        copy.backup(connection.connection)
    finally:
        copy.close()


def _restore_postgresql(dump: Path) -> None:
    """pg_restore in one transaction: if any statement fails, nothing is changed."""
    args, env = _pg_args_and_env()
    _run(["pg_restore", "--list", str(dump)], env)  # a damaged dump fails here, before any change
    connection.close()  # our own idle connection must not hold locks on tables being dropped
    _run(
        [
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "--exit-on-error", *args, str(dump),
        ],
        env,
    )  # fmt: skip


def _swap_media(new: Path, media_root: Path) -> None:
    """Put the backup's media files in place of the current ones."""
    new.mkdir(exist_ok=True)
    old = media_root.with_name(media_root.name + ".before-restore")
    if old.exists():
        shutil.rmtree(old)
    if media_root.exists():
        media_root.rename(old)
    new.rename(media_root)
    if old.exists():
        shutil.rmtree(old)
