"""SQLite connections to a results file: connecting, write transactions, the integrity check,
and sqlite3 (and pandas) errors translated into StoreErrors that name the file and the fix."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from .errors import CorruptStoreError, ReadOnlyStoreError, StoreError, StoreLockedError


def connect(target: str, path: Path, timeout: float, uri: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with foreign keys on."""
    try:
        conn = sqlite3.connect(target, timeout=timeout, isolation_level=None, uri=uri)
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path, timeout) from exc
    return conn


def connect_readonly(path: Path, timeout: float) -> sqlite3.Connection:
    """A connection that cannot write to the file, not even by checkpointing its WAL."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    conn = connect(uri, path, timeout, uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if is_busy(exc):
            raise translate(exc, path, timeout) from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise translate(exc, path, timeout) from exc
    # A WAL database in a directory we may not write: SQLite cannot create the -shm file a
    # reader needs, so read the file as immutable (nobody can be writing WAL there anyway).
    return connect(f"{uri}&immutable=1", path, timeout, uri=True)


def check_integrity(conn: sqlite3.Connection, path: Path, timeout: float) -> None:
    """Refuse a damaged file before anything reads or writes it (PRAGMA quick_check)."""
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path, timeout) from exc
    if problems != ["ok"]:
        raise corrupted(path, "; ".join(problems))


def ensure_wal(conn: sqlite3.Connection, path: Path, timeout: float) -> None:
    """Put the file in WAL mode (readers never wait for the writer), or refuse it."""
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path, timeout) from exc
    if mode != "wal":
        raise StoreError(
            f"{path}: SQLite cannot use WAL mode there (journal mode {mode!r}); keep the "
            "results file on a local disk."
        )


@contextmanager
def immediate(conn: sqlite3.Connection, path: Path, timeout: float) -> Iterator[sqlite3.Connection]:
    """A write transaction: BEGIN IMMEDIATE takes the write lock first, COMMIT or ROLLBACK."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path, timeout) from exc
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError):
            raise translate(exc, path, timeout) from exc
        raise


def fetchall(
    conn: sqlite3.Connection, path: Path, timeout: float, sql: str, parameters: Sequence[Any] = ()
) -> list[tuple]:
    """The rows of a query, with a sqlite3 error translated."""
    try:
        return conn.execute(sql, tuple(parameters)).fetchall()
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path, timeout) from exc


def read_frame(
    conn: sqlite3.Connection, path: Path, timeout: float, sql: str, parameters: Sequence[Any] = ()
) -> pd.DataFrame:
    """A query's rows as a DataFrame, with a sqlite3 error translated (its SQL left out)."""
    try:
        return pd.read_sql_query(sql, conn, params=tuple(parameters))
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path, timeout) from exc
    except pd.errors.DatabaseError as exc:  # pandas wraps the sqlite3 error, SQL and all
        cause = exc.__cause__
        if not isinstance(cause, sqlite3.DatabaseError):
            raise
        raise translate(cause, path, timeout) from cause


def is_busy(exc: sqlite3.DatabaseError) -> bool:
    """Whether the error means another connection holds the lock."""
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)


def translate(exc: sqlite3.DatabaseError, path: Path, timeout: float) -> StoreError:
    """The StoreError, with file and fix, that stands for a sqlite3 error."""
    name = getattr(exc, "sqlite_errorname", "")
    if is_busy(exc):
        return StoreLockedError(
            f"{path} is locked by another process writing to it (waited {timeout:g} s); let it "
            "finish and try again, or use another results file."
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in str(exc):
        return ReadOnlyStoreError(
            f"{path} cannot be written ({exc}); it can still be read (actlab runs, report and "
            "export only read); to add runs, make the file and its directory writable."
        )
    if name.startswith("SQLITE_CORRUPT") or "malformed" in str(exc):
        return corrupted(path, str(exc))
    if name == "SQLITE_NOTADB" or "file is not a database" in str(exc):
        # The header check passed (see opening.py): the rest of page 1 is damaged.
        return corrupted(path, str(exc))
    if name.startswith("SQLITE_FULL") or "disk is full" in str(exc):
        return StoreError(
            f"{path} cannot be written: the disk is full ({exc}); nothing was written. Free "
            "space on it and run the same command again."
        )
    if isinstance(exc, sqlite3.IntegrityError):
        return StoreError(f"{path}: the schema rejected a row ({exc}); nothing was written.")
    return StoreError(
        f"{path}: SQLite error {name or type(exc).__name__}: {exc}. If the file is damaged, "
        "restore it from a copy."
    )


def corrupted(path: Path, detail: str) -> CorruptStoreError:
    """The error for a file SQLite finds damaged: actlab neither reads nor writes it."""
    return CorruptStoreError(
        f"{path} is corrupted (SQLite: {' '.join(detail.split())}); actlab will neither read "
        "nor write it. Restore it from a copy, or start a new store with another --db path."
    )


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote."""
    assert cursor.lastrowid is not None  # an INSERT of one row sets it
    return cursor.lastrowid
