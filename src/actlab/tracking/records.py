"""A stored run as the trackers see it: read back from the store once it is committed.

The trackers never see a run before the store has it, so what MLflow or TensorBoard shows is
what `actlab runs` shows, whether it was sent live by `compare` or later by `actlab export`.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from actlab.experiments.store import Store

#: The statuses a run ends in: only these are sent (an interrupted run is trained again).
ENDED = ("finished", "diverged", "failed")
#: Per-epoch values sent as metrics, under these names, with the epoch as the step.
EPOCH_METRICS = {
    "loss": "loss",
    "accuracy": "accuracy",
    "val_loss": "val_loss",
    "val_accuracy": "val_accuracy",
    "seconds": "epoch_seconds",
    "train_seconds": "train_seconds",
}


@dataclass(frozen=True)
class RunRecord:
    """One ended run of a store: its identity, recipe, outcome and per-epoch history."""

    db: str
    run_id: int
    comparison: str
    activation: str
    label: str
    params: dict[str, Any]
    seed: int
    attempt: int
    status: str
    config: dict[str, Any]
    results: dict[str, float]
    error: str | None
    started: float | None
    finished: float | None
    epochs: list[dict[str, float]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The run as actlab names it, e.g. ``elu(alpha=0.5) seed 0``."""
        return f"{self.label} seed {self.seed}"


def epoch_points(run: RunRecord) -> Iterator[tuple[int, float, dict[str, float]]]:
    """(epoch, wall time, {metric: value}) of each of the run's epochs, metrics named as in
    EPOCH_METRICS; the wall time (seconds since the Unix epoch) adds up the epochs' seconds
    from the run's start."""
    wall = run.started if run.started is not None else time.time()
    for epoch in run.epochs:
        wall += epoch.get("seconds", 0.0)
        values = {EPOCH_METRICS[k]: v for k, v in epoch.items() if k != "epoch"}
        yield int(epoch["epoch"]), wall, values


def last_epoch(run: RunRecord) -> int:
    """The step a run's results are logged at: its last epoch (0 if it has none)."""
    return int(run.epochs[-1]["epoch"]) if run.epochs else 0


def ended_runs(store: Store, comparison: str | int | None = None) -> list[RunRecord]:
    """The ended runs (finished, diverged, failed) of one comparison, or of all of them."""
    runs, epochs = store.runs(comparison), store.epochs(comparison)
    runs = runs[runs["status"].isin(ENDED)]
    by_run = {run_id: frame for run_id, frame in epochs.groupby("run_id")}
    empty = epochs.iloc[:0]
    return [
        _record(str(store.path), row, by_run.get(row.run_id, empty))
        for row in runs.itertuples(index=False)
    ]


def ended_run(store: Store, comparison_id: int, run_id: int) -> RunRecord | None:
    """Run `run_id` of the comparison, or None if it has not ended."""
    return next((r for r in ended_runs(store, comparison_id) if r.run_id == run_id), None)


def _record(db: str, row: Any, epochs: pd.DataFrame) -> RunRecord:
    results = {
        "test_loss": row.test_loss,
        "test_accuracy": row.test_accuracy,
        "step_ms": row.step_seconds * 1000.0,
        "warmup_seconds": row.warmup_seconds,
        "total_seconds": row.total_seconds,
        "param_count": row.param_count,
        "diverged_epoch": row.diverged_epoch,
    }
    return RunRecord(
        db=db,
        run_id=int(row.run_id),
        comparison=str(row.comparison),
        activation=str(row.activation),
        label=str(row.label),
        params=dict(row.params),
        seed=int(row.seed),
        attempt=int(row.attempts),
        status=str(row.status),
        config=dict(row.config),
        results={k: float(v) for k, v in results.items() if _is_number(v)},
        error=None if _missing(row.error) else str(row.error),
        started=_seconds(row.started),
        finished=_seconds(row.finished),
        epochs=[_epoch(e) for e in epochs.to_dict("records")],
    )


def _epoch(row: dict[str, Any]) -> dict[str, float]:
    values = {"epoch": float(row["epoch"])}
    values.update({k: float(row[k]) for k in EPOCH_METRICS if _is_number(row.get(k))})
    return values


def _is_number(value: Any) -> bool:
    return not _missing(value) and isinstance(value, numbers.Real) and math.isfinite(value)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _seconds(stamp: Any) -> float | None:
    """Seconds since the Unix epoch of a stored timestamp, None if there is none."""
    if _missing(stamp) or pd.isna(stamp):
        return None
    return pd.Timestamp(stamp).timestamp()
