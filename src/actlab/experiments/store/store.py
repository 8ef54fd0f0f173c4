"""`Store`: the results of comparisons in one SQLite file, and the life of a run in it.

Life of a run: ``start_run`` (status 'running'), ``add_epoch`` after each epoch (optional,
for live progress), then ``finish_run`` or ``mark_run`` ('diverged', 'failed',
'interrupted'). Each call is one ``BEGIN IMMEDIATE`` transaction, so a run becomes
'finished' together with all its epoch rows or not at all, whatever kills the process.

Resuming: 'finished' and 'diverged' runs are *done* (a divergence is a result, and the same
seed would diverge again) and are skipped; a run 'interrupted', 'failed' or left 'running' by
a dead process is redone by ``claim_run`` (or ``start_run``), which resets and reuses its
row, so each (activation, params, seed) of a comparison has exactly one row.

Claiming: a run is claimed in one ``BEGIN IMMEDIATE`` transaction that reads its row and
writes this Store's owner and heartbeat into it, so of several processes that claim the same
run, exactly one gets it; the others see it done, or running under a live owner, and leave
it. A running run's owner is alive while its heartbeat is fresh and, on this host, while its
process exists (`actlab.experiments.store.leases`); a dead owner's run is taken over. Only
the owner may add epochs to a run or end it.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import leases
from .codecs import RunKey, blob_bytes, metric, now, optional_int, run_key, to_json
from .comparisons import ComparisonWrites
from .connection import immediate, inserted_id
from .epochs import DERIVED_TIMES, epoch_number, epoch_rows
from .errors import (
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
        owner = ?, heartbeat = ?, test_loss = NULL, test_accuracy = NULL, param_count = NULL,
        total_seconds = NULL,
        median_epoch_seconds = NULL, step_seconds = NULL, warmup_seconds = NULL,
        diverged_epoch = NULL, error = NULL, finished = NULL,
        weights = NULL, predictions = NULL
    WHERE id = ?"""

_INSERT_EPOCH = (
    f"INSERT OR REPLACE INTO epochs (run_id, epoch, {', '.join(EPOCH_FIELDS)})"
    f" VALUES (?, ?{', ?' * len(EPOCH_FIELDS)})"
)


@dataclass(frozen=True)
class RunClaim:
    """What `Store.claim_run` found: `run_id` is set when this Store now holds the run.

    `status` is the run's status before the claim (None for a new run); `owner` and
    `heartbeat` those of a run left to another process (or its last owner).
    """

    run_id: int | None
    status: str | None
    owner: str | None = None
    heartbeat: float | None = None

    @property
    def claimed(self) -> bool:
        return self.run_id is not None

    @property
    def held_by_other(self) -> bool:
        """Running under another live owner: it may yet end, and then be done or not."""
        return self.run_id is None and self.status == "running"


class Store(ComparisonWrites, StoreQueries):
    """The results of comparisons, in one SQLite file (WAL mode, foreign keys on).

    ``Store(path)`` opens the file for writing and creates it (and its directory) if missing;
    ``Store(path, readonly=True)`` opens an existing file for queries only and never writes
    to it. ``timeout`` is how long, in seconds, to wait for another writer's lock.
    ``schema_version`` is the file's schema version: SCHEMA_VERSION once opened for writing
    (an older store is migrated), an older one's own when it is opened read-only.
    ``owner`` names this Store in the runs it claims; ``lease_seconds`` is how long another
    process's running run stays its own without a heartbeat (see `leases`).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_DB,
        *,
        readonly: bool = False,
        timeout: float = 10.0,
        lease_seconds: float = leases.LEASE_SECONDS,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.timeout = float(timeout)
        self.lease_seconds = float(lease_seconds)
        opener = open_readonly if readonly else open_writable
        self._conn, self.schema_version = opener(self.path, self.timeout)
        self.owner = leases.new_owner()
        self._heartbeat = leases.Heartbeat(self.path, self.owner)
        leases.register(self.owner)

    def __repr__(self) -> str:
        mode = "readonly" if self.readonly else "writable"
        return f"Store({str(self.path)!r}, {mode})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (the last one to close folds the WAL back into the file);
        runs this Store still holds are no longer its own (another process may take them)."""
        self._heartbeat.stop()
        leases.unregister(self.owner)
        self._conn.close()

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
        """Record that a run begins (status 'running', owned by this Store) and return its id.

        As `claim_run`, but a run it cannot claim raises RunStateError: a done run
        ('finished' or 'diverged') unless `redo` is true, and a run another live process
        is training.
        """
        claim = self.claim_run(comparison_id, activation, params, seed, config, redo=redo)
        if claim.run_id is not None:
            return claim.run_id
        activation, params_json, seed = run_key(activation, params, seed)
        if claim.status in DONE_STATUSES:
            raise RunStateError(
                f"run {activation} {params_json} seed {seed} is already {claim.status} in "
                f"{self.path}; a resumed comparison skips it (pass redo=True to run it "
                "again)."
            )
        raise RunStateError(
            f"run {activation} {params_json} seed {seed} in {self.path} is being trained by "
            f"{leases.describe(claim.owner, claim.heartbeat)}; it is taken over only once "
            f"that process is gone (or silent for {self.lease_seconds:g} s)."
        )

    def claim_run(
        self,
        comparison_id: int,
        activation: str,
        params: Mapping[str, Any] | None,
        seed: int,
        config: Mapping[str, Any] | None = None,
        *,
        redo: bool = False,
        retry_failed: bool = True,
    ) -> RunClaim:
        """Claim a run for this Store, atomically: it becomes 'running' with this owner.

        A new run gets a row; a row left 'interrupted', 'failed' (unless `retry_failed` is
        false) or 'running' by a dead owner (or by this Store) is reset and reused, its
        epochs deleted and its attempts counted. A done run ('finished', 'diverged'; unless
        `redo`) and a run another live process is training are left as they are: the claim
        comes back without a run_id, saying what it found.
        """
        activation, params_json, seed = run_key(activation, params, seed)
        config_json = to_json(config or {})
        with self._write() as conn:
            self._require_comparison(conn, comparison_id)
            row = conn.execute(
                "SELECT id, status, owner, heartbeat FROM runs"
                " WHERE comparison_id = ? AND activation = ? AND params = ? AND seed = ?",
                (comparison_id, activation, params_json, seed),
            ).fetchone()
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO runs (comparison_id, activation, params, seed, status, config,"
                    " started, owner, heartbeat) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?)",
                    (comparison_id, activation, params_json, seed, config_json, now(),
                     self.owner, time.time()),
                )  # fmt: skip
                self._heartbeat.start()
                return RunClaim(inserted_id(cursor), None)
            run_id, status, owner, heartbeat = row
            left = RunClaim(None, status, owner, heartbeat)
            if status in DONE_STATUSES and not redo:
                return left
            if status == "failed" and not retry_failed:
                return left
            if status == "running" and owner != self.owner and self._owner_alive(owner, heartbeat):
                return left
            conn.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
            conn.execute(_RESET_RUN, (config_json, now(), self.owner, time.time(), run_id))
            self._heartbeat.start()
            return RunClaim(int(run_id), status, owner, heartbeat)

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
            conn.execute("UPDATE runs SET heartbeat = ? WHERE id = ?", (time.time(), run_id))

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
        config: Mapping[str, Any] | None = None,
    ) -> None:
        """Mark a running run 'finished' with its results and epochs, in one transaction.

        `epochs` (dicts with 'epoch' and any of EPOCH_FIELDS) replaces the epochs recorded
        so far; None keeps those recorded with add_epoch. `median_epoch_seconds`,
        `step_seconds` and `warmup_seconds` default to what the stored epochs give (the
        module functions of the same names). `weights` and `predictions` are bytes (e.g. a
        ``.weights.h5`` file's content, or ``arrays_to_npz(y_true=..., y_pred=...)``).
        `config`, when given, replaces the one stored when the run started (e.g. with the
        environment of the worker process that trained it).
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
            **_config_column(config),
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
        config: Mapping[str, Any] | None = None,
    ) -> None:
        """End a running run as 'diverged' (needs `diverged_epoch`), 'failed' or 'interrupted'.

        `error` is a message or an exception (stored as its one-line summary, see
        `exception_summary`, then its traceback; `error_reason` reads the summary back).
        `epochs` and `config` work as in finish_run. Diverged runs are done; failed and
        interrupted ones are redone on resume.
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
            **_config_column(config),
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

    def held_by_others(self, comparison_id: int) -> set[RunKey]:
        """Keys of the comparison's runs that other live processes are training now."""
        rows = self._fetchall(
            "SELECT activation, params, seed, owner, heartbeat FROM runs"
            " WHERE comparison_id = ? AND status = 'running' AND owner IS NOT ?",
            (comparison_id, self.owner),
        )
        return {
            (activation, params, int(seed))
            for activation, params, seed, owner, heartbeat in rows
            if self._owner_alive(owner, heartbeat)
        }

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
        """The run must be running and this Store's (or ownerless, from an older actlab)."""
        row = conn.execute("SELECT status, owner FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise UnknownRunError(f"no run {run_id} in {self.path}")
        status, owner = row
        if status != "running":
            raise RunStateError(
                f"run {run_id} in {self.path} is {status}, not running; call start_run to "
                "run it again."
            )
        if owner is not None and owner != self.owner:
            raise RunStateError(
                f"run {run_id} in {self.path} was taken over by {leases.describe(owner, None)} "
                f"after this process was silent for over {self.lease_seconds:g} s; its "
                "result is that process's to write."
            )

    def _owner_alive(self, owner: str | None, heartbeat: float | None) -> bool:
        return leases.is_alive(owner, heartbeat, self.lease_seconds)


def _config_column(config: Mapping[str, Any] | None) -> dict[str, str]:
    return {} if config is None else {"config": to_json(config)}


def _stored_epochs(conn: sqlite3.Connection, run_id: int) -> list[dict[str, Any]]:
    names = ("epoch", *EPOCH_FIELDS)
    rows = conn.execute(
        f"SELECT {', '.join(names)} FROM epochs WHERE run_id = ? ORDER BY epoch", (run_id,)
    )
    return [dict(zip(names, row, strict=True)) for row in rows]
