"""The results store: one SQLite file holding comparisons, their runs and every epoch.

Schema (version 2)::

    meta         key PRIMARY KEY, value          application='actlab', schema_version, created
    comparisons  id, name UNIQUE, task, config JSON, created
    runs         id, comparison_id -> comparisons, activation, params JSON, seed, status,
                 attempts, config JSON, test_loss, test_accuracy, param_count, total_seconds,
                 median_epoch_seconds, step_seconds, warmup_seconds, diverged_epoch, error,
                 started, finished, weights BLOB, predictions BLOB,
                 UNIQUE(comparison_id, activation, params, seed)
    epochs       run_id -> runs, epoch, loss, accuracy, val_loss, val_accuracy, seconds,
                 train_seconds, train_steps, timed_seconds, timed_steps,
                 PRIMARY KEY(run_id, epoch)

Times: an epoch's ``seconds`` is its wall time, validation included; ``train_seconds`` and
``train_steps`` are its training phase alone (first training batch to the end of the last,
validation and callbacks' work after it excluded); ``timed_seconds`` over ``timed_steps`` is
the steady part that speed is measured on (see ``actlab.experiments.training``). A run's
``step_seconds`` is its speed, recomputable from its epochs by `step_seconds`;
``warmup_seconds`` is the training phase of its first epoch (tracing, compilation), kept apart.

Version 1 stores (without the time columns added in version 2) are migrated in place when
opened for writing (ALTER TABLE ADD COLUMN in one transaction; their old runs keep NULL
there) and read as they are when opened read-only.

Life of a run: ``start_run`` (status 'running'), ``add_epoch`` after each epoch (optional,
for live progress), then ``finish_run`` or ``mark_run`` ('diverged', 'failed',
'interrupted'). Each call is one ``BEGIN IMMEDIATE`` transaction, so a run becomes
'finished' together with all its epoch rows or not at all, whatever kills the process.

Resuming: 'finished' and 'diverged' runs are *done* (a divergence is a result, and the same
seed would diverge again) and are skipped; a run left 'running' (its process died),
'interrupted' or 'failed' is redone by ``start_run``, which resets and reuses its row, so each
(activation, params, seed) of a comparison has exactly one row. Run one runner per comparison
at a time: a 'running' row is taken to be dead.

Values: NaN and +-inf metrics are stored as NULL (SQLite turns NaN into NULL anyway) and read
back as NaN; a divergence is recorded by ``status='diverged'`` and ``diverged_epoch``, never
by a loss value. JSON columns are canonical (sorted keys, no spaces), so equal params give
equal keys; NumPy scalars and arrays become numbers and lists, paths strings, and non-finite
floats the strings "nan", "inf", "-inf" (valid JSON for every reader). Times are ISO 8601 UTC
text. Epochs are numbered from 1, as Keras prints them.
"""

from __future__ import annotations

import io
import json
import math
import operator
import os
import re
import sqlite3
import statistics
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

APPLICATION = "actlab"
SCHEMA_VERSION = 2
#: Columns each schema version added, by table, as (name, SQL type): the migration's steps.
ADDED_COLUMNS = {
    2: {
        "runs": (("step_seconds", "REAL"), ("warmup_seconds", "REAL")),
        "epochs": (
            ("train_seconds", "REAL"),
            ("train_steps", "INTEGER"),
            ("timed_seconds", "REAL"),
            ("timed_steps", "INTEGER"),
        ),
    },
}
DEFAULT_PATH = "actlab.db"
STATUSES = ("running", "finished", "diverged", "failed", "interrupted")
#: Outcomes a resumed comparison keeps; every other status is run again.
DONE_STATUSES = frozenset({"finished", "diverged"})
EPOCH_FIELDS = ("loss", "accuracy", "val_loss", "val_accuracy", "seconds", "train_seconds",
                "train_steps", "timed_seconds", "timed_steps")  # fmt: skip
#: Epoch fields that count steps: integers, read back as nullable Int64.
EPOCH_COUNTS = ("train_steps", "timed_steps")
BLOB_KINDS = ("weights", "predictions")

#: (activation, canonical params JSON, seed): what makes a run unique in a comparison.
RunKey = tuple[str, str, int]

_SQLITE_HEADER = b"SQLite format 3\x00"
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

_SCHEMA = (
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

_RESET_RUN = """
    UPDATE runs SET status = 'running', attempts = attempts + 1, config = ?, started = ?,
        test_loss = NULL, test_accuracy = NULL, param_count = NULL, total_seconds = NULL,
        median_epoch_seconds = NULL, step_seconds = NULL, warmup_seconds = NULL,
        diverged_epoch = NULL, error = NULL, finished = NULL,
        weights = NULL, predictions = NULL
    WHERE id = ?"""

_INSERT_EPOCH = (
    f"INSERT OR REPLACE INTO epochs (run_id, epoch, {', '.join(EPOCH_FIELDS)})"
    f" VALUES (?, ?{', ?' * len(EPOCH_FIELDS)})"
)

# {step_seconds} and the like: filled by _query, with NULL where an old store lacks them.
_RUNS_QUERY = """
    SELECT r.id AS run_id, c.name AS comparison, r.comparison_id, r.activation, r.params,
        r.seed, r.status, r.attempts, r.test_loss, r.test_accuracy, r.param_count,
        r.total_seconds, r.median_epoch_seconds, {step_seconds}, {warmup_seconds},
        r.diverged_epoch, r.error, r.started, r.finished, r.weights IS NOT NULL AS has_weights,
        r.predictions IS NOT NULL AS has_predictions, r.config
    FROM runs AS r JOIN comparisons AS c ON c.id = r.comparison_id"""

_EPOCHS_QUERY = """
    SELECT c.name AS comparison, e.run_id, r.activation, r.params, r.seed, r.status,
        e.epoch, e.loss, e.accuracy, e.val_loss, e.val_accuracy, e.seconds, {train_seconds},
        {train_steps}, {timed_seconds}, {timed_steps}
    FROM epochs AS e
        JOIN runs AS r ON r.id = e.run_id
        JOIN comparisons AS c ON c.id = r.comparison_id"""

_COMPARISONS_QUERY = """
    SELECT c.id, c.name, c.task, c.config, c.created, count(r.id) AS runs
    FROM comparisons AS c LEFT JOIN runs AS r ON r.comparison_id = c.id
    GROUP BY c.id ORDER BY c.id"""


class StoreError(Exception):
    """A results file cannot be opened or used; the message names the file and the fix."""


class StoreNotFoundError(StoreError):
    """The file to read does not exist."""


class NotSQLiteError(StoreError):
    """The file is not a SQLite database at all."""


class CorruptStoreError(StoreError):
    """SQLite finds the file damaged; actlab neither reads nor writes it."""


class NotActlabDatabaseError(StoreError):
    """The file is a SQLite database that actlab did not create."""


class NewerSchemaError(StoreError):
    """The file was written by a newer actlab, with a schema this code does not know."""


class ReadOnlyStoreError(StoreError):
    """Writing is needed but the file, its directory or the Store is read-only."""


class StoreLockedError(StoreError):
    """Another process kept the database locked for longer than the busy timeout."""


class UnknownComparisonError(StoreError):
    """No comparison has that name or id."""


class ComparisonMismatchError(StoreError):
    """A comparison of that name exists with another task or config."""


class UnknownRunError(StoreError):
    """No run has that id."""


class RunStateError(StoreError):
    """The run is not in a state that allows the operation (e.g. finishing a finished run)."""


class Store:
    """The results of comparisons, in one SQLite file (WAL mode, foreign keys on).

    ``Store(path)`` opens the file for writing and creates it (and its directory) if missing;
    ``Store(path, readonly=True)`` opens an existing file for queries only and never writes
    to it. ``timeout`` is how long, in seconds, to wait for another writer's lock.
    ``schema_version`` is the file's schema version: SCHEMA_VERSION once opened for writing
    (an older store is migrated), an older one's own when it is opened read-only.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_PATH,
        *,
        readonly: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.timeout = float(timeout)
        opener = _open_readonly if readonly else _open_writable
        self._conn, self.schema_version = opener(self.path, self.timeout)

    def __repr__(self) -> str:
        mode = "readonly" if self.readonly else "writable"
        return f"Store({str(self.path)!r}, {mode})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (the last one to close folds the WAL back into the file)."""
        self._conn.close()

    # -- comparisons ---------------------------------------------------------------------

    def create_comparison(
        self,
        name: str,
        task: str,
        config: Mapping[str, Any] | None = None,
        *,
        replace_config: bool = False,
    ) -> int:
        """Id of comparison `name`, created if new.

        An existing comparison must have the same task, and the same config unless
        `replace_config` is true (then the stored config is replaced by `config`).
        """
        config_json = to_json(config or {})
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, task, config FROM comparisons WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO comparisons (name, task, config, created) VALUES (?, ?, ?, ?)",
                    (name, task, config_json, _now()),
                )
                return int(cursor.lastrowid)
            comparison_id, stored_task, stored_config = row
            if stored_task != task:
                raise ComparisonMismatchError(
                    f"comparison {name!r} in {self.path} is for task {stored_task!r}, not "
                    f"{task!r}; choose another comparison name."
                )
            if stored_config != config_json:
                if not replace_config:
                    changed = _changed_keys(json.loads(stored_config), json.loads(config_json))
                    raise ComparisonMismatchError(
                        f"comparison {name!r} in {self.path} was run with another config "
                        f"(differs in: {', '.join(changed)}); choose another comparison name."
                    )
                conn.execute(
                    "UPDATE comparisons SET config = ? WHERE id = ?", (config_json, comparison_id)
                )
            return int(comparison_id)

    def has_comparison(self, name: str) -> bool:
        """Whether a comparison called `name` exists."""
        return self._fetchone("SELECT 1 FROM comparisons WHERE name = ?", (name,)) is not None

    def delete_comparison_if_empty(self, comparison_id: int) -> bool:
        """Remove the comparison if it holds no run (nothing is lost); whether it was."""
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM comparisons WHERE id = ?"
                " AND NOT EXISTS (SELECT 1 FROM runs WHERE comparison_id = ?)",
                (comparison_id, comparison_id),
            )
            return cursor.rowcount > 0

    def comparison_id(self, name: str) -> int:
        """Id of the comparison called `name`."""
        row = self._fetchone("SELECT id FROM comparisons WHERE name = ?", (name,))
        if row is None:
            raise UnknownComparisonError(self._unknown_comparison_message(name))
        return int(row[0])

    # -- runs ----------------------------------------------------------------------------

    def start_run(
        self,
        comparison_id: int,
        activation: str,
        params: Mapping[str, Any] | None,
        seed: int,
        config: Mapping[str, Any] | None = None,
        *,
        redo: bool = False,
    ) -> int:
        """Record that a run begins (status 'running') and return its id.

        A row left by an earlier attempt that did not end in a done status is reset and
        reused (its epochs deleted). A done run ('finished' or 'diverged') raises
        RunStateError unless `redo` is true.
        """
        activation, params_json, seed = run_key(activation, params, seed)
        config_json = to_json(config or {})
        with self._write() as conn:
            self._require_comparison(conn, comparison_id)
            row = conn.execute(
                "SELECT id, status FROM runs"
                " WHERE comparison_id = ? AND activation = ? AND params = ? AND seed = ?",
                (comparison_id, activation, params_json, seed),
            ).fetchone()
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO runs (comparison_id, activation, params, seed, status, config,"
                    " started) VALUES (?, ?, ?, ?, 'running', ?, ?)",
                    (comparison_id, activation, params_json, seed, config_json, _now()),
                )
                return int(cursor.lastrowid)
            run_id, status = row
            if status in DONE_STATUSES and not redo:
                raise RunStateError(
                    f"run {activation} {params_json} seed {seed} is already {status} in "
                    f"{self.path}; a resumed comparison skips it (pass redo=True to run it "
                    "again)."
                )
            conn.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
            conn.execute(_RESET_RUN, (config_json, _now(), run_id))
            return int(run_id)

    def add_epoch(
        self,
        run_id: int,
        epoch: int,
        *,
        loss: float | None = None,
        accuracy: float | None = None,
        val_loss: float | None = None,
        val_accuracy: float | None = None,
        seconds: float | None = None,
        train_seconds: float | None = None,
        train_steps: int | None = None,
        timed_seconds: float | None = None,
        timed_steps: int | None = None,
    ) -> None:
        """Record one epoch of a running run now (progress that survives a crash)."""
        record = {
            "epoch": epoch,
            "loss": loss,
            "accuracy": accuracy,
            "val_loss": val_loss,
            "val_accuracy": val_accuracy,
            "seconds": seconds,
            "train_seconds": train_seconds,
            "train_steps": train_steps,
            "timed_seconds": timed_seconds,
            "timed_steps": timed_steps,
        }
        rows = _epoch_rows(run_id, [record])
        with self._write() as conn:
            self._require_running(conn, run_id)
            conn.executemany(_INSERT_EPOCH, rows)

    def finish_run(
        self,
        run_id: int,
        *,
        test_loss: float | None,
        test_accuracy: float | None,
        epochs: Iterable[Mapping[str, Any]] | None = None,
        param_count: int | None = None,
        total_seconds: float | None = None,
        median_epoch_seconds: float | None = None,
        step_seconds: float | None = None,
        warmup_seconds: float | None = None,
        weights: bytes | None = None,
        predictions: bytes | None = None,
    ) -> None:
        """Mark a running run 'finished' with its results and epochs, in one transaction.

        `epochs` (dicts with 'epoch' and any of EPOCH_FIELDS) replaces the epochs recorded
        so far; None keeps those recorded with add_epoch. `median_epoch_seconds`,
        `step_seconds` and `warmup_seconds` default to what the stored epochs give (the
        module functions of the same names). `weights` and `predictions` are bytes (e.g. a
        ``.weights.h5`` file's content, or ``arrays_to_npz(y_true=..., y_pred=...)``).
        """
        self._end_run(
            run_id,
            "finished",
            epochs,
            test_loss=_metric(test_loss),
            test_accuracy=_metric(test_accuracy),
            param_count=_optional_int(param_count),
            total_seconds=_metric(total_seconds),
            median_epoch_seconds=_metric(median_epoch_seconds),
            step_seconds=_metric(step_seconds),
            warmup_seconds=_metric(warmup_seconds),
            weights=_blob(weights, "weights"),
            predictions=_blob(predictions, "predictions"),
        )

    def mark_run(
        self,
        run_id: int,
        status: str,
        *,
        error: str | BaseException | None = None,
        diverged_epoch: int | None = None,
        epochs: Iterable[Mapping[str, Any]] | None = None,
        param_count: int | None = None,
        total_seconds: float | None = None,
        median_epoch_seconds: float | None = None,
        step_seconds: float | None = None,
        warmup_seconds: float | None = None,
    ) -> None:
        """End a running run as 'diverged' (needs `diverged_epoch`), 'failed' or 'interrupted'.

        `error` is a message or an exception (stored as its one-line summary, see
        `exception_summary`, then its traceback; `error_reason` reads the summary back).
        `epochs` works as in finish_run. Diverged runs are done; failed and interrupted ones
        are redone on resume.
        """
        if status not in ("diverged", "failed", "interrupted"):
            raise ValueError(
                f"mark_run status must be 'diverged', 'failed' or 'interrupted', not "
                f"{status!r}; use finish_run for a finished run."
            )
        if (status == "diverged") != (diverged_epoch is not None):
            raise ValueError("diverged_epoch is required for, and only for, status 'diverged'.")
        self._end_run(
            run_id,
            status,
            epochs,
            error=_error_text(error),
            diverged_epoch=None if diverged_epoch is None else _epoch_number(diverged_epoch),
            param_count=_optional_int(param_count),
            total_seconds=_metric(total_seconds),
            median_epoch_seconds=_metric(median_epoch_seconds),
            step_seconds=_metric(step_seconds),
            warmup_seconds=_metric(warmup_seconds),
        )

    def is_done(
        self, comparison_id: int, activation: str, params: Mapping[str, Any] | None, seed: int
    ) -> bool:
        """Whether this run is finished or diverged, i.e. a resumed comparison skips it."""
        return run_key(activation, params, seed) in self.done_keys(comparison_id)

    def done_keys(self, comparison_id: int) -> set[RunKey]:
        """Keys (see run_key) of the comparison's finished and diverged runs."""
        rows = self._fetchall(
            "SELECT activation, params, seed FROM runs WHERE comparison_id = ?"
            " AND status IN ('finished', 'diverged')",
            (comparison_id,),
        )
        return {(activation, params, int(seed)) for activation, params, seed in rows}

    # -- queries -------------------------------------------------------------------------

    def comparisons(self) -> pd.DataFrame:
        """One row per comparison: id, name, task, config (dict), created, runs (count)."""
        frame = self._frame(_COMPARISONS_QUERY)
        frame["config"] = frame["config"].map(json.loads)
        frame["created"] = _timestamps(frame["created"])
        frame["runs"] = frame["runs"].astype("int64")
        return frame

    def runs(self, comparison: str | int | None = None) -> pd.DataFrame:
        """One row per run (all comparisons if None), params and config decoded to dicts.

        Columns: run_id, comparison, comparison_id, activation, params, label (e.g.
        "elu(alpha=0.5)"), seed, status, attempts, test_loss, test_accuracy, param_count,
        total_seconds, median_epoch_seconds, step_seconds, warmup_seconds, diverged_epoch,
        error, started, finished, has_weights, has_predictions, config. Runs of a version 1
        store have no step_seconds or warmup_seconds (NaN).
        """
        frame = self._filtered_frame(_RUNS_QUERY, "r.comparison_id", comparison, "r.id")
        frame["params"] = frame["params"].map(json.loads)
        frame.insert(frame.columns.get_loc("params") + 1, "label", _labels(frame))
        frame["config"] = frame["config"].map(json.loads)
        for column in ("test_loss", "test_accuracy", "total_seconds", "median_epoch_seconds",
                       "step_seconds", "warmup_seconds"):  # fmt: skip
            frame[column] = frame[column].astype("float64")
        for column in ("run_id", "comparison_id", "seed", "attempts"):
            frame[column] = frame[column].astype("int64")
        for column in ("param_count", "diverged_epoch"):
            frame[column] = frame[column].astype("Int64")
        for column in ("has_weights", "has_predictions"):
            frame[column] = frame[column].astype(bool)
        for column in ("started", "finished"):
            frame[column] = _timestamps(frame[column])
        return frame

    def epochs(self, comparison: str | int | None = None) -> pd.DataFrame:
        """Per-epoch history with each run's activation, params, label, seed and status."""
        frame = self._filtered_frame(
            _EPOCHS_QUERY, "r.comparison_id", comparison, "e.run_id, e.epoch"
        )
        frame["params"] = frame["params"].map(json.loads)
        frame.insert(frame.columns.get_loc("params") + 1, "label", _labels(frame))
        for column in ("run_id", "seed", "epoch"):
            frame[column] = frame[column].astype("int64")
        for column in EPOCH_FIELDS:
            frame[column] = frame[column].astype("Int64" if column in EPOCH_COUNTS else "float64")
        return frame

    def run_blob(self, run_id: int, kind: str) -> bytes | None:
        """The run's stored 'weights' or 'predictions' bytes, or None if none were stored."""
        if kind not in BLOB_KINDS:
            raise ValueError(f"kind must be one of {BLOB_KINDS}, not {kind!r}")
        row = self._fetchone(f"SELECT {kind} FROM runs WHERE id = ?", (run_id,))
        if row is None:
            raise UnknownRunError(f"no run {run_id} in {self.path}")
        return None if row[0] is None else bytes(row[0])

    # -- internals -----------------------------------------------------------------------

    def _end_run(
        self,
        run_id: int,
        status: str,
        epochs: Iterable[Mapping[str, Any]] | None,
        **columns: Any,
    ) -> None:
        rows = None if epochs is None else _epoch_rows(run_id, epochs)
        with self._write() as conn:
            self._require_running(conn, run_id)
            if rows is not None:
                conn.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
                conn.executemany(_INSERT_EPOCH, rows)
            stored = _stored_epochs(conn, run_id)
            for name, derive in _DERIVED_TIMES.items():
                if columns.get(name) is None:
                    columns[name] = derive(stored)
            columns |= {"status": status, "finished": _now()}
            # Column names come from this module, never from callers.
            assignments = ", ".join(f"{name} = ?" for name in columns)
            conn.execute(f"UPDATE runs SET {assignments} WHERE id = ?", (*columns.values(), run_id))

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise ReadOnlyStoreError(
                f"{self.path} was opened with readonly=True; open it with Store(path) to write."
            )
        with _immediate(self._conn, self.path, self.timeout) as conn:
            yield conn

    def _require_comparison(self, conn: sqlite3.Connection, comparison_id: int) -> None:
        found = conn.execute("SELECT 1 FROM comparisons WHERE id = ?", (comparison_id,))
        if found.fetchone() is None:
            raise UnknownComparisonError(self._unknown_comparison_message(comparison_id))

    def _require_running(self, conn: sqlite3.Connection, run_id: int) -> None:
        row = conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise UnknownRunError(f"no run {run_id} in {self.path}")
        if row[0] != "running":
            raise RunStateError(
                f"run {run_id} in {self.path} is {row[0]}, not running; call start_run to "
                "run it again."
            )

    def _unknown_comparison_message(self, comparison: str | int) -> str:
        names = [name for (name,) in self._fetchall("SELECT name FROM comparisons ORDER BY id")]
        known = ", ".join(repr(name) for name in names) or "none"
        return f"no comparison {comparison!r} in {self.path} (comparisons: {known})"

    def _resolve_comparison(self, comparison: str | int) -> int:
        if isinstance(comparison, str):
            return self.comparison_id(comparison)
        row = self._fetchone("SELECT id FROM comparisons WHERE id = ?", (comparison,))
        if row is None:
            raise UnknownComparisonError(self._unknown_comparison_message(comparison))
        return int(row[0])

    def _filtered_frame(
        self, query: str, column: str, comparison: str | int | None, order: str
    ) -> pd.DataFrame:
        query = query.format(**_added_columns_sql(self.schema_version))
        if comparison is None:
            return self._frame(f"{query} ORDER BY {order}")
        comparison_id = self._resolve_comparison(comparison)
        return self._frame(f"{query} WHERE {column} = ? ORDER BY {order}", (comparison_id,))

    def _frame(self, sql: str, parameters: Sequence[Any] = ()) -> pd.DataFrame:
        try:
            return pd.read_sql_query(sql, self._conn, params=tuple(parameters))
        except sqlite3.DatabaseError as exc:
            raise _translate(exc, self.path, self.timeout) from exc
        except pd.errors.DatabaseError as exc:  # pandas wraps the sqlite3 error, SQL and all
            cause = exc.__cause__
            if not isinstance(cause, sqlite3.DatabaseError):
                raise
            raise _translate(cause, self.path, self.timeout) from cause

    def _fetchall(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple]:
        try:
            return self._conn.execute(sql, tuple(parameters)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _translate(exc, self.path, self.timeout) from exc

    def _fetchone(self, sql: str, parameters: Sequence[Any] = ()) -> tuple | None:
        rows = self._fetchall(sql, parameters)
        return rows[0] if rows else None


# -- public helpers ----------------------------------------------------------------------


def to_json(value: Any) -> str:
    """Canonical JSON text of `value`: sorted keys, no spaces, plain types (see module doc)."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), allow_nan=False)


def params_key(params: Mapping[str, Any] | None) -> str:
    """The canonical JSON form of an activation's parameters, as stored and compared."""
    return to_json(dict(params or {}))


def run_key(activation: str, params: Mapping[str, Any] | None, seed: int) -> RunKey:
    """The (activation, params JSON, seed) key of a run, as returned by Store.done_keys."""
    return (str(activation), params_key(params), operator.index(seed))


def run_label(activation: str, params: Mapping[str, Any] | None) -> str:
    """How a run's activation is shown: "relu", or "elu(alpha=0.5)" with sorted params."""
    if not params:
        return activation
    inside = ", ".join(f"{name}={value}" for name, value in sorted(params.items()))
    return f"{activation}({inside})"


def exception_summary(error: BaseException) -> str:
    """``"ValueError: the message"`` on one line: the exception's own words.

    Keras re-raises an error as a new one that quotes it (adding a layer call's arguments,
    with ANSI codes, or "Unable to automatically build the model"); the earliest error that
    the later ones only quote is summarised instead.
    """
    while True:
        inner = error.__cause__ or error.__context__
        quoted = "" if inner is None else _flat_message(inner)
        if not quoted or quoted not in _flat_message(error):
            break
        error = inner
    message = _flat_message(error)
    name = type(error).__name__
    return f"{name}: {message}" if message else name


def _flat_message(error: BaseException) -> str:
    return " ".join(_strip_ansi(str(error)).split())


def error_reason(error: Any) -> str:
    """The one-line reason of a run's stored error: its first line (this actlab stores the
    exception's summary there), or the last line of an older store's bare traceback."""
    if not isinstance(error, str) or not error.strip():
        return ""
    lines = [line.strip() for line in _strip_ansi(error).strip().splitlines() if line.strip()]
    return lines[-1] if lines[0].startswith("Traceback") else lines[0]


def median_epoch_seconds(epochs: Iterable[Mapping[str, Any]]) -> float | None:
    """The median of the epochs' wall `seconds` (validation included), None without any."""
    seconds = [value for value in _epoch_values(epochs, "seconds")]
    return statistics.median(seconds) if seconds else None


def step_seconds(epochs: Iterable[Mapping[str, Any]]) -> float | None:
    """A run's speed: seconds per training step after warm-up, from its epoch records.

    The timed steps of epochs 2 and later (sum of ``timed_seconds`` over sum of
    ``timed_steps``); for a run with no later epoch, epoch 1's timed steps (those after its
    warm-up batches). None when no step was timed.
    """
    timed = [
        (record.get("epoch"), float(record["timed_seconds"]), int(record["timed_steps"]))
        for record in epochs
        if _is_finite(record.get("timed_seconds")) and _is_finite(record.get("timed_steps"))
        and record["timed_steps"] > 0
    ]  # fmt: skip
    chosen = [item for item in timed if item[0] != 1] or timed
    steps = sum(count for _, _, count in chosen)
    return sum(seconds for _, seconds, _ in chosen) / steps if steps else None


def warmup_seconds(epochs: Iterable[Mapping[str, Any]]) -> float | None:
    """The training phase of epoch 1 (tracing and compilation included), None if unknown."""
    first = [record for record in epochs if record.get("epoch") == 1]
    values = _epoch_values(first, "train_seconds")
    return values[0] if values else None


_DERIVED_TIMES = {
    "median_epoch_seconds": median_epoch_seconds,
    "step_seconds": step_seconds,
    "warmup_seconds": warmup_seconds,
}


def epochs_from_history(
    history: Any, seconds: Sequence[float] | None = None
) -> list[dict[str, Any]]:
    """Epoch records (numbered from 1) from a Keras History or its ``.history`` dict."""
    logs = getattr(history, "history", history)
    count = max((len(values) for values in logs.values()), default=0)
    records = []
    for index in range(count):
        record: dict[str, Any] = {"epoch": index + 1}
        for field in EPOCH_FIELDS:
            values = seconds if field == "seconds" else logs.get(field)
            if values is not None and index < len(values):
                record[field] = values[index]
        records.append(record)
    return records


def arrays_to_npz(**arrays: Any) -> bytes:
    """Compressed ``.npz`` bytes of named arrays, e.g. for a run's test predictions."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{name: np.asarray(value) for name, value in arrays.items()})
    return buffer.getvalue()


def npz_to_arrays(blob: bytes) -> dict[str, np.ndarray]:
    """The named arrays of ``.npz`` bytes (no pickles are loaded)."""
    with np.load(io.BytesIO(blob), allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


# -- opening -----------------------------------------------------------------------------


def _open_readonly(path: Path, timeout: float) -> tuple[sqlite3.Connection, int]:
    _check_existing_file(path)
    conn = _connect_readonly(path, timeout)
    try:
        _check_integrity(conn, path, timeout)
        version = _schema_version(conn, path, timeout)
        if version is None:
            raise NotActlabDatabaseError(
                f"{path} is an empty SQLite database, not an actlab results store; check the "
                "path, or run a comparison to fill it."
            )
        _check_version(version, path)
    except BaseException:
        conn.close()
        raise
    return conn, version


def _open_writable(path: Path, timeout: float) -> tuple[sqlite3.Connection, int]:
    if path.exists():
        _check_existing_file(path)
        _check_writable(path)
        # Validate through a read-only connection: it cannot change a foreign file, not even
        # by checkpointing that file's own WAL when it closes.
        with closing(_connect_readonly(path, timeout)) as probe:
            _check_integrity(probe, path, timeout)
            version = _schema_version(probe, path, timeout)
        _check_version(version, path)
    else:
        _prepare_directory(path)
        version = None
    conn = _connect(str(path), path, timeout)
    try:
        if version is None:
            _create_schema(conn, path, timeout)
        else:
            _ensure_wal(conn, path, timeout)
            # Takes the write lock: fails now, with a clear error, if another writer holds it.
            _migrate(conn, path, timeout)
    except BaseException:
        conn.close()
        raise
    return conn, SCHEMA_VERSION


def _connect(target: str, path: Path, timeout: float, uri: bool = False) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(target, timeout=timeout, isolation_level=None, uri=uri)
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise _translate(exc, path, timeout) from exc
    return conn


def _connect_readonly(path: Path, timeout: float) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    conn = _connect(uri, path, timeout, uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if _is_busy(exc):
            raise _translate(exc, path, timeout) from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _translate(exc, path, timeout) from exc
    # A WAL database in a directory we may not write: SQLite cannot create the -shm file a
    # reader needs, so read the file as immutable (nobody can be writing WAL there anyway).
    return _connect(f"{uri}&immutable=1", path, timeout, uri=True)


def _check_integrity(conn: sqlite3.Connection, path: Path, timeout: float) -> None:
    """Refuse a damaged file before anything reads or writes it (PRAGMA quick_check)."""
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        raise _translate(exc, path, timeout) from exc
    if problems != ["ok"]:
        raise _corrupted(path, "; ".join(problems))


def _corrupted(path: Path, detail: str) -> CorruptStoreError:
    return CorruptStoreError(
        f"{path} is corrupted (SQLite: {' '.join(detail.split())}); actlab will neither read "
        "nor write it. Restore it from a copy, or start a new store with another --db path."
    )


def _check_existing_file(path: Path) -> None:
    if not path.exists():
        raise StoreNotFoundError(
            f"{path} does not exist; check the path, or run a comparison to create it."
        )
    if path.is_dir():
        raise StoreError(
            f"{path} is a directory, not a results file; pass a file path such as "
            f"{path / DEFAULT_PATH}."
        )
    if not path.is_file():
        raise StoreError(
            f"{path} is not a regular file (a device, pipe or socket), so it cannot hold a "
            f"results store; pass a file path such as {DEFAULT_PATH}."
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


def _schema_version(conn: sqlite3.Connection, path: Path, timeout: float) -> int | None:
    """The actlab schema version of the database, None if it has no tables at all."""
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
    except sqlite3.DatabaseError as exc:
        raise _translate(exc, path, timeout) from exc
    if not tables:
        return None
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.OperationalError as exc:  # no meta table: someone else's database
        if _is_busy(exc):
            raise _translate(exc, path, timeout) from exc
        meta = {}
    except sqlite3.DatabaseError as exc:  # a damaged page: say so, not "not actlab's"
        raise _translate(exc, path, timeout) from exc
    if meta.get("application") != APPLICATION:
        shown = ", ".join(tables[:6]) + (", ..." if len(tables) > 6 else "")
        raise NotActlabDatabaseError(
            f"{path} is a SQLite database but not an actlab results store (tables: {shown}; "
            "no meta row application='actlab'). actlab leaves it untouched: pass another "
            "path, e.g. actlab.db."
        )
    try:
        return int(meta.get("schema_version"))
    except (TypeError, ValueError):
        raise StoreError(
            f"{path} is an actlab store whose schema_version "
            f"{meta.get('schema_version')!r} is unreadable; it is damaged, restore it from "
            "a copy."
        ) from None


def _check_version(version: int | None, path: Path) -> None:
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


def _create_schema(conn: sqlite3.Connection, path: Path, timeout: float) -> None:
    _ensure_wal(conn, path, timeout)
    with _immediate(conn, path, timeout):
        version = _schema_version(conn, path, timeout)  # another process may have won the race
        if version is not None:
            _check_version(version, path)
            return
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [
                ("application", APPLICATION),
                ("schema_version", str(SCHEMA_VERSION)),
                ("created", _now()),
            ],
        )


_OLDER_VERSIONS = frozenset(range(1, SCHEMA_VERSION))


def _migrate(conn: sqlite3.Connection, path: Path, timeout: float) -> None:
    """Bring an older store up to SCHEMA_VERSION in one transaction: all steps or none."""
    with _immediate(conn, path, timeout):
        version = _schema_version(conn, path, timeout)  # another process may have migrated it
        _check_version(version, path)
        for added_in in range(version + 1, SCHEMA_VERSION + 1):
            for table, columns in ADDED_COLUMNS[added_in].items():
                for name, sql_type in columns:  # names and types come from this module
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}")
        if version != SCHEMA_VERSION:
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )


def _ensure_wal(conn: sqlite3.Connection, path: Path, timeout: float) -> None:
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _translate(exc, path, timeout) from exc
    if mode != "wal":
        raise StoreError(
            f"{path}: SQLite cannot use WAL mode there (journal mode {mode!r}); keep the "
            "results file on a local disk."
        )


@contextmanager
def _immediate(
    conn: sqlite3.Connection, path: Path, timeout: float
) -> Iterator[sqlite3.Connection]:
    """A write transaction: BEGIN IMMEDIATE takes the write lock first, COMMIT or ROLLBACK."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise _translate(exc, path, timeout) from exc
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError):
            raise _translate(exc, path, timeout) from exc
        raise


def _is_busy(exc: sqlite3.DatabaseError) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)


def _translate(exc: sqlite3.DatabaseError, path: Path, timeout: float) -> StoreError:
    """The StoreError, with file and fix, that stands for a sqlite3 error."""
    name = getattr(exc, "sqlite_errorname", "")
    if _is_busy(exc):
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
        return _corrupted(path, str(exc))
    if name == "SQLITE_NOTADB" or "file is not a database" in str(exc):
        # The header check passed (see _check_existing_file): the rest of page 1 is damaged.
        return _corrupted(path, str(exc))
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


# -- values ------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # "nan", "inf", "-inf"
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} as JSON: {value!r}")


def _metric(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _optional_int(value: Any) -> int | None:
    return None if value is None else operator.index(value)


def _epoch_number(value: Any) -> int:
    number = operator.index(value)
    if number < 1:
        raise ValueError(f"epochs are numbered from 1, as Keras prints them; got {number}")
    return number


def _epoch_rows(run_id: int, epochs: Iterable[Mapping[str, Any]]) -> list[tuple]:
    rows, seen = [], set()
    for position, record in enumerate(epochs, start=1):
        unknown = set(record) - {"epoch", *EPOCH_FIELDS}
        if unknown:
            raise ValueError(
                f"unknown epoch field(s) {sorted(unknown)}; expected 'epoch' and {EPOCH_FIELDS}"
            )
        number = _epoch_number(record.get("epoch", position))
        if number in seen:
            raise ValueError(f"epoch {number} is given twice")
        seen.add(number)
        rows.append((run_id, number, *(_epoch_value(record, field) for field in EPOCH_FIELDS)))
    return rows


def _stored_epochs(conn: sqlite3.Connection, run_id: int) -> list[dict[str, Any]]:
    names = ("epoch", *EPOCH_FIELDS)
    rows = conn.execute(
        f"SELECT {', '.join(names)} FROM epochs WHERE run_id = ? ORDER BY epoch", (run_id,)
    )
    return [dict(zip(names, row, strict=True)) for row in rows]


def _is_finite(value: Any) -> bool:
    return value is not None and math.isfinite(float(value))


def _epoch_values(epochs: Iterable[Mapping[str, Any]], field: str) -> list[float]:
    return [float(e[field]) for e in epochs if _is_finite(e.get(field))]


def _added_columns_sql(version: int) -> dict[str, str]:
    """Each column a schema version added, as the runs/epochs queries select it."""
    selected = {}
    for added_in, tables in ADDED_COLUMNS.items():
        for table, columns in tables.items():
            for name, _ in columns:
                present = added_in <= version
                selected[name] = f"{table[0]}.{name}" if present else f"NULL AS {name}"
    return selected


def _epoch_value(record: Mapping[str, Any], field: str) -> float | int | None:
    value = record.get(field)
    return _optional_int(value) if field in EPOCH_COUNTS else _metric(value)


def _blob(value: Any, name: str) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise TypeError(
        f"{name} must be bytes (e.g. Path('model.weights.h5').read_bytes()), not "
        f"{type(value).__name__}"
    )


def _strip_ansi(text: str) -> str:
    return _ANSI_ESCAPE.sub("", text)


def _error_text(error: str | BaseException | None) -> str | None:
    """An exception as its one-line summary, a blank line, then its traceback."""
    if isinstance(error, BaseException):
        trace = "".join(traceback.format_exception(error)).rstrip()
        return f"{exception_summary(error)}\n\n{_strip_ansi(trace)}"
    return None if error is None else str(error)


def _changed_keys(old: Any, new: Any, prefix: str = "") -> list[str]:
    """The keys whose values differ, those of nested dicts as dotted paths (task.epochs)."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return [prefix[:-1] or "config"]
    return [
        changed for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key)
        for changed in _changed_keys(old.get(key), new.get(key), f"{prefix}{key}.")
    ]  # fmt: skip


def _labels(frame: pd.DataFrame) -> list[str]:
    return [run_label(a, p) for a, p in zip(frame["activation"], frame["params"], strict=True)]


def _timestamps(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column, utc=True, format="ISO8601")
