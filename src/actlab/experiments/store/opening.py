"""Opening a results file: checked to be an actlab store SQLite finds sound before anything
reads or writes it, created (with its directory) or migrated when opened for writing."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from .connection import check_integrity, connect, connect_readonly, ensure_wal
from .errors import (
    NotActlabDatabaseError,
    NotSQLiteError,
    ReadOnlyStoreError,
    StoreError,
    StoreNotFoundError,
)
from .schema import SCHEMA_VERSION, check_version, create_schema, migrate, schema_version

#: Where the store is when no path is given (the CLI's --db, `compare`'s db).
DEFAULT_DB = Path("actlab.db")

_SQLITE_HEADER = b"SQLite format 3\x00"


def open_readonly(path: Path, timeout: float) -> tuple[sqlite3.Connection, int]:
    """A connection that only reads `path`, and the file's own schema version."""
    _check_existing_file(path)
    conn = connect_readonly(path, timeout)
    try:
        check_integrity(conn, path, timeout)
        version = schema_version(conn, path, timeout)
        if version is None:
            raise NotActlabDatabaseError(
                f"{path} is an empty SQLite database, not an actlab results store; check the "
                "path, or run a comparison to fill it."
            )
        check_version(version, path)
    except BaseException:
        conn.close()
        raise
    return conn, version


def open_writable(path: Path, timeout: float) -> tuple[sqlite3.Connection, int]:
    """A connection that writes `path` (created or migrated first), and SCHEMA_VERSION."""
    if path.exists():
        _check_existing_file(path)
        _check_writable(path)
        # Validate through a read-only connection: it cannot change a foreign file, not even
        # by checkpointing that file's own WAL when it closes.
        with closing(connect_readonly(path, timeout)) as probe:
            check_integrity(probe, path, timeout)
            version = schema_version(probe, path, timeout)
        check_version(version, path)
    else:
        _prepare_directory(path)
        version = None
    conn = connect(str(path), path, timeout)
    try:
        if version is None:
            create_schema(conn, path, timeout)
        else:
            ensure_wal(conn, path, timeout)
            # Takes the write lock: fails now, with a clear error, if another writer holds it.
            migrate(conn, path, timeout)
    except BaseException:
        conn.close()
        raise
    return conn, SCHEMA_VERSION


def _check_existing_file(path: Path) -> None:
    """Refuse a path that is missing, not a regular file, or not a SQLite database."""
    if not path.exists():
        raise StoreNotFoundError(
            f"{path} does not exist; check the path, or run a comparison to create it."
        )
    if path.is_dir():
        raise StoreError(
            f"{path} is a directory, not a results file; pass a file path such as "
            f"{path / DEFAULT_DB}."
        )
    if not path.is_file():
        raise StoreError(
            f"{path} is not a regular file (a device, pipe or socket), so it cannot hold a "
            f"results store; pass a file path such as {DEFAULT_DB}."
        )
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}; check its permissions.") from exc
    if header and header != _SQLITE_HEADER:  # an empty file is an empty database
        raise NotSQLiteError(
            f"{path} is not a SQLite database (it lacks the SQLite header), so it cannot be an "
            "actlab results file; check the path, or pass a new path to create one."
        )


def _check_writable(path: Path) -> None:
    if _on_read_only_mount(path):
        raise ReadOnlyStoreError(
            f"{path} cannot be written: it is on a read-only file system. It can still be "
            "read (actlab runs, report and export only read); to add runs, copy it to a "
            "writable place and pass that path."
        )
    for target, what in ((path, "the file"), (path.parent, "its directory")):
        if not _is_writable(target):
            raise ReadOnlyStoreError(
                f"{path} cannot be written: {what} is read-only. It can still be read "
                "(actlab runs, report and export only read); to add runs, make it writable "
                f"(chmod u+w {target}) or copy it to a writable place."
            )


def _on_read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _prepare_directory(path: Path) -> None:
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReadOnlyStoreError(
            f"cannot create {path}: directory {directory} cannot be made ({exc.strerror}); "
            "choose a writable location."
        ) from exc
    if not _is_writable(directory):
        raise ReadOnlyStoreError(
            f"cannot create {path}: directory {directory} is read-only; choose a writable location."
        )


def _is_writable(target: Path) -> bool:
    # root passes os.access for every file, but mode bits without any w still mean "keep".
    return os.access(target, os.W_OK) and bool(target.stat().st_mode & 0o222)
