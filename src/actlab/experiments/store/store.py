"""`Store`: the results of comparisons in one SQLite file, and the life of a run in it.

Life of a run: ``start_run`` (status 'running'), ``add_epoch`` after each epoch (optional,
for live progress), then ``finish_run`` or ``mark_run`` ('diverged', 'failed',
'interrupted'). Each call is one ``BEGIN IMMEDIATE`` transaction, so a run becomes
'finished' together with all its epoch rows or not at all, whatever kills the process.

Resuming: 'finished' and 'diverged' runs are *done* (a divergence is a result, and the same
seed would diverge again) and are skipped; a run left 'running' (its process died),
'interrupted' or 'failed' is redone by ``start_run``, which resets and reuses its row, so each
(activation, params, seed) of a comparison has exactly one row. Run one runner per comparison
at a time: a 'running' row is taken to be dead.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .codecs import RunKey, blob_bytes, metric, now, optional_int, run_key, to_json
from .connection import immediate
from .epochs import DERIVED_TIMES, epoch_number, epoch_rows
from .errors import (
    ComparisonMismatchError,
    ReadOnlyStoreError,
    RunStateError,
    UnknownComparisonError,
    UnknownRunError,
)
from .failures import error_text
from .opening import DEFAULT_DB, open_readonly, open_writable
from .queries import StoreQueries
from .schema import EPOCH_FIELDS

#: Outcomes a resumed comparison keeps; every other status is run again.
DONE_STATUSES = frozenset({"finished", "diverged"})

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


class Store(StoreQueries):
    """The results of comparisons, in one SQLite file (WAL mode, foreign keys on).

    ``Store(path)`` opens the file for writing and creates it (and its directory) if missing;
    ``Store(path, readonly=True)`` opens an existing file for queries only and never writes
    to it. ``timeout`` is how long, in seconds, to wait for another writer's lock.
    ``schema_version`` is the file's schema version: SCHEMA_VERSION once opened for writing
    (an older store is migrated), an older one's own when it is opened read-only.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_DB,
        *,
        readonly: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.timeout = float(timeout)
        opener = open_readonly if readonly else open_writable
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
                    (name, task, config_json, now()),
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

    def delete_comparison_if_empty(self, comparison_id: int) -> bool:
        """Remove the comparison if it holds no run (nothing is lost); whether it was."""
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM comparisons WHERE id = ?"
                " AND NOT EXISTS (SELECT 1 FROM runs WHERE comparison_id = ?)",
                (comparison_id, comparison_id),
            )
            return cursor.rowcount > 0

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
                    (comparison_id, activation, params_json, seed, config_json, now()),
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
            conn.execute(_RESET_RUN, (config_json, now(), run_id))
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
        rows = epoch_rows(run_id, [record])
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
            test_loss=metric(test_loss),
            test_accuracy=metric(test_accuracy),
            param_count=optional_int(param_count),
            total_seconds=metric(total_seconds),
            median_epoch_seconds=metric(median_epoch_seconds),
            step_seconds=metric(step_seconds),
            warmup_seconds=metric(warmup_seconds),
            weights=blob_bytes(weights, "weights"),
            predictions=blob_bytes(predictions, "predictions"),
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
            error=error_text(error),
            diverged_epoch=None if diverged_epoch is None else epoch_number(diverged_epoch),
            param_count=optional_int(param_count),
            total_seconds=metric(total_seconds),
            median_epoch_seconds=metric(median_epoch_seconds),
            step_seconds=metric(step_seconds),
            warmup_seconds=metric(warmup_seconds),
        )

    def done_keys(self, comparison_id: int) -> set[RunKey]:
        """Keys (see run_key) of the comparison's finished and diverged runs: those a resumed
        comparison skips."""
        rows = self._fetchall(
            "SELECT activation, params, seed FROM runs WHERE comparison_id = ?"
            " AND status IN ('finished', 'diverged')",
            (comparison_id,),
        )
        return {(activation, params, int(seed)) for activation, params, seed in rows}

    # -- internals -----------------------------------------------------------------------

    def _end_run(
        self,
        run_id: int,
        status: str,
        epochs: Iterable[Mapping[str, Any]] | None,
        **columns: Any,
    ) -> None:
        rows = None if epochs is None else epoch_rows(run_id, epochs)
        with self._write() as conn:
            self._require_running(conn, run_id)
            if rows is not None:
                conn.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
                conn.executemany(_INSERT_EPOCH, rows)
            stored = _stored_epochs(conn, run_id)
            for name, derive in DERIVED_TIMES.items():
                if columns.get(name) is None:
                    columns[name] = derive(stored)
            columns |= {"status": status, "finished": now()}
            # Column names come from this module, never from callers.
            assignments = ", ".join(f"{name} = ?" for name in columns)
            conn.execute(f"UPDATE runs SET {assignments} WHERE id = ?", (*columns.values(), run_id))

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise ReadOnlyStoreError(
                f"{self.path} was opened with readonly=True; open it with Store(path) to write."
            )
        with immediate(self._conn, self.path, self.timeout) as conn:
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


def _stored_epochs(conn: sqlite3.Connection, run_id: int) -> list[dict[str, Any]]:
    names = ("epoch", *EPOCH_FIELDS)
    rows = conn.execute(
        f"SELECT {', '.join(names)} FROM epochs WHERE run_id = ? ORDER BY epoch", (run_id,)
    )
    return [dict(zip(names, row, strict=True)) for row in rows]


def _changed_keys(old: Any, new: Any, prefix: str = "") -> list[str]:
    """The keys whose values differ, those of nested dicts as dotted paths (task.epochs)."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return [prefix[:-1] or "config"]
    return [
        changed for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key)
        for changed in _changed_keys(old.get(key), new.get(key), f"{prefix}{key}.")
    ]  # fmt: skip
