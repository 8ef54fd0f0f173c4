"""The read side of a `Store`: comparisons, runs and epochs as DataFrames, and stored blobs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .codecs import run_label, timestamps
from .connection import fetchall, read_frame
from .errors import UnknownComparisonError, UnknownRunError
from .schema import BLOB_KINDS, EPOCH_COUNTS, EPOCH_FIELDS, added_columns_sql

# {step_seconds} and the like: filled by _filtered_frame, with NULL where an old store lacks
# them.
_RUNS_QUERY = """
    SELECT r.id AS run_id, c.name AS comparison, r.comparison_id, r.activation, r.params,
        r.seed, r.status, r.attempts, r.test_loss, r.test_accuracy, r.param_count,
        r.total_seconds, r.median_epoch_seconds, {step_seconds}, {warmup_seconds},
        r.diverged_epoch, r.error, r.started, r.finished, {owner},
        r.weights IS NOT NULL AS has_weights,
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


class StoreQueries:
    """The queries of `Store`, on the connection it opened."""

    path: Path
    timeout: float
    schema_version: int
    _conn: sqlite3.Connection

    def has_comparison(self, name: str) -> bool:
        """Whether a comparison called `name` exists."""
        return self._fetchone("SELECT 1 FROM comparisons WHERE name = ?", (name,)) is not None

    def comparison_id(self, name: str) -> int:
        """Id of the comparison called `name`."""
        row = self._fetchone("SELECT id FROM comparisons WHERE name = ?", (name,))
        if row is None:
            raise UnknownComparisonError(self._unknown_comparison_message(name))
        return int(row[0])

    def comparisons(self) -> pd.DataFrame:
        """One row per comparison: id, name, task, config (dict), created, runs (count)."""
        frame = self._frame(_COMPARISONS_QUERY)
        frame["config"] = frame["config"].map(json.loads)
        frame["created"] = timestamps(frame["created"])
        frame["runs"] = frame["runs"].astype("int64")
        return frame

    def runs(self, comparison: str | int | None = None) -> pd.DataFrame:
        """One row per run (all comparisons if None), params and config decoded to dicts.

        Columns: run_id, comparison, comparison_id, activation, params, label (e.g.
        "elu(alpha=0.5)"), seed, status, attempts, test_loss, test_accuracy, param_count,
        total_seconds, median_epoch_seconds, step_seconds, warmup_seconds, diverged_epoch,
        error, started, finished, owner (the process that claimed it, ``host:pid:token``),
        has_weights, has_predictions, config. Runs of a version 1 store have no step_seconds
        or warmup_seconds (NaN), those of a version 2 store no owner (None).
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
            frame[column] = timestamps(frame[column])
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
        query = query.format(**added_columns_sql(self.schema_version))
        if comparison is None:
            return self._frame(f"{query} ORDER BY {order}")
        comparison_id = self._resolve_comparison(comparison)
        return self._frame(f"{query} WHERE {column} = ? ORDER BY {order}", (comparison_id,))

    def _frame(self, sql: str, parameters: Sequence[Any] = ()) -> pd.DataFrame:
        return read_frame(self._conn, self.path, self.timeout, sql, parameters)

    def _fetchall(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple]:
        return fetchall(self._conn, self.path, self.timeout, sql, parameters)

    def _fetchone(self, sql: str, parameters: Sequence[Any] = ()) -> tuple | None:
        rows = self._fetchall(sql, parameters)
        return rows[0] if rows else None


def _labels(frame: pd.DataFrame) -> list[str]:
    return [run_label(a, p) for a, p in zip(frame["activation"], frame["params"], strict=True)]
