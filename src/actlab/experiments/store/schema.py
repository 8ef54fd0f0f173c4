"""The results file's schema: its tables, its version, and the migration of older versions.

Schema (version 3)::

    meta         key PRIMARY KEY, value          application='actlab', schema_version, created
    comparisons  id, name UNIQUE, task, config JSON, created
    runs         id, comparison_id -> comparisons, activation, params JSON, seed, status,
                 attempts, config JSON, test_loss, test_accuracy, param_count, total_seconds,
                 median_epoch_seconds, step_seconds, warmup_seconds, diverged_epoch, error,
                 started, finished, owner, heartbeat, weights BLOB, predictions BLOB,
                 UNIQUE(comparison_id, activation, params, seed)
    epochs       run_id -> runs, epoch, loss, accuracy, val_loss, val_accuracy, seconds,
                 train_seconds, train_steps, timed_seconds, timed_steps,
                 PRIMARY KEY(run_id, epoch)

What the time columns hold is told in `actlab.experiments.store.epochs`. Epochs are
numbered from 1, as Keras prints them. A run's ``owner`` (``host:pid:token``) is the Store
that claimed it, ``heartbeat`` the Unix time that owner was last known alive (see
`actlab.experiments.store.leases`).

Older stores are migrated in place when opened for writing (ALTER TABLE ADD COLUMN, every
step in one transaction; their old runs keep NULL in the new columns) and read as they are
when opened read-only: version 1 lacks the time columns of version 2, version 2 the
``owner`` and ``heartbeat`` of version 3 (its running runs count as ownerless, so dead).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .codecs import now
from .connection import ensure_wal, immediate, is_busy, translate
from .errors import NewerSchemaError, NotActlabDatabaseError, StoreError

APPLICATION = "actlab"
SCHEMA_VERSION = 3
#: Columns each schema version added, by table, as (name, SQL type): the migration's steps.
ADDED_COLUMNS: dict[int, dict[str, tuple[tuple[str, str], ...]]] = {
    2: {
        "runs": (("step_seconds", "REAL"), ("warmup_seconds", "REAL")),
        "epochs": (
            ("train_seconds", "REAL"),
            ("train_steps", "INTEGER"),
            ("timed_seconds", "REAL"),
            ("timed_steps", "INTEGER"),
        ),
    },
    3: {"runs": (("owner", "TEXT"), ("heartbeat", "REAL"))},
}
EPOCH_FIELDS = ("loss", "accuracy", "val_loss", "val_accuracy", "seconds", "train_seconds",
                "train_steps", "timed_seconds", "timed_steps")  # fmt: skip
#: Epoch fields that count steps: integers, read back as nullable Int64.
EPOCH_COUNTS = ("train_steps", "timed_steps")
BLOB_KINDS = ("weights", "predictions")

_TABLES = (
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE comparisons (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        task TEXT NOT NULL,
        config TEXT NOT NULL DEFAULT '{}',
        created TEXT NOT NULL
    )""",
    # Blobs last: reading the other columns then never touches their overflow pages.
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        comparison_id INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
        activation TEXT NOT NULL,
        params TEXT NOT NULL DEFAULT '{}',
        seed INTEGER NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('running', 'finished', 'diverged', 'failed', 'interrupted')),
        attempts INTEGER NOT NULL DEFAULT 1,
        config TEXT NOT NULL DEFAULT '{}',
        test_loss REAL,
        test_accuracy REAL,
        param_count INTEGER,
        total_seconds REAL,
        median_epoch_seconds REAL,
        step_seconds REAL,
        warmup_seconds REAL,
        diverged_epoch INTEGER,
        error TEXT,
        started TEXT NOT NULL,
        finished TEXT,
        owner TEXT,
        heartbeat REAL,
        weights BLOB,
        predictions BLOB,
        UNIQUE (comparison_id, activation, params, seed),
        CHECK (status = 'running' OR finished IS NOT NULL),
        CHECK (status <> 'diverged' OR diverged_epoch IS NOT NULL)
    )""",
    """CREATE TABLE epochs (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL CHECK (epoch >= 1),
        loss REAL,
        accuracy REAL,
        val_loss REAL,
        val_accuracy REAL,
        seconds REAL,
        train_seconds REAL,
        train_steps INTEGER,
        timed_seconds REAL,
        timed_steps INTEGER,
        PRIMARY KEY (run_id, epoch)
    ) WITHOUT ROWID""",
)

_OLDER_VERSIONS = frozenset(range(1, SCHEMA_VERSION))


def schema_version(conn: sqlite3.Connection, path: Path, timeout: float) -> int | None:
    """The actlab schema version of the database, None if it has no tables at all."""
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path, timeout) from exc
    if not tables:
        return None
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.OperationalError as exc:  # no meta table: someone else's database
        if is_busy(exc):
            raise translate(exc, path, timeout) from exc
        meta = {}
    except sqlite3.DatabaseError as exc:  # a damaged page: say so, not "not actlab's"
        raise translate(exc, path, timeout) from exc
    if meta.get("application") != APPLICATION:
        shown = ", ".join(tables[:6]) + (", ..." if len(tables) > 6 else "")
        raise NotActlabDatabaseError(
            f"{path} is a SQLite database but not an actlab results store (tables: {shown}; "
            "no meta row application='actlab'). actlab leaves it untouched: pass another "
            "path, e.g. actlab.db."
        )
    try:
        return int(meta.get("schema_version", ""))
    except (TypeError, ValueError):
        raise StoreError(
            f"{path} is an actlab store whose schema_version "
            f"{meta.get('schema_version')!r} is unreadable; it is damaged, restore it from "
            "a copy."
        ) from None


def check_version(version: int | None, path: Path) -> None:
    """Refuse a version this actlab cannot read: a newer one, or one never released."""
    if version is None or version == SCHEMA_VERSION or version in _OLDER_VERSIONS:
        return
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path} was written by a newer actlab (schema version {version}; this actlab "
            f"knows up to {SCHEMA_VERSION}). Upgrade actlab (pip install -U actlab) to "
            "open it."
        )
    raise StoreError(
        f"{path} has actlab schema version {version}, which no actlab release wrote; it is "
        "damaged, restore it from a copy."
    )


def create_schema(conn: sqlite3.Connection, path: Path, timeout: float) -> None:
    """Create the tables and meta rows of a new store (unless another process just did)."""
    ensure_wal(conn, path, timeout)
    with immediate(conn, path, timeout):
        version = schema_version(conn, path, timeout)  # another process may have won the race
        if version is not None:
            check_version(version, path)
            return
        for statement in _TABLES:
            conn.execute(statement)
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [
                ("application", APPLICATION),
                ("schema_version", str(SCHEMA_VERSION)),
                ("created", now()),
            ],
        )


def migrate(conn: sqlite3.Connection, path: Path, timeout: float) -> None:
    """Bring an older store up to SCHEMA_VERSION in one transaction: all steps or none."""
    with immediate(conn, path, timeout):
        version = schema_version(conn, path, timeout)  # another process may have migrated it
        check_version(version, path)
        assert version is not None  # open_writable migrates existing stores only
        for added_in in range(version + 1, SCHEMA_VERSION + 1):
            for table, columns in ADDED_COLUMNS[added_in].items():
                for name, sql_type in columns:  # names and types come from this module
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}")
        if version != SCHEMA_VERSION:
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )


def added_columns_sql(version: int) -> dict[str, str]:
    """Each column a schema version added, as the runs/epochs queries select it."""
    selected = {}
    for added_in, tables in ADDED_COLUMNS.items():
        for table, columns in tables.items():
            for name, _ in columns:
                present = added_in <= version
                selected[name] = f"{table[0]}.{name}" if present else f"NULL AS {name}"
    return selected
