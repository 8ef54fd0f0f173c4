"""Sending runs to the tools users already look at: MLflow and TensorBoard.

`compare(..., mlflow=URI, tensorboard=DIR)` sends each run once the store has committed it
(`Trackers.run_ended`, called on the runner's result path); `export` sends the ended runs of an
existing store. A tracker that fails during a comparison is warned about once and left out for
the rest of it: the comparison and its store go on, and `export` sends the missing runs later.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from actlab.tracking.extras import MissingExtraError
from actlab.tracking.records import RunRecord, ended_run, ended_runs

if TYPE_CHECKING:
    from actlab.experiments.store import Store

__all__ = [
    "MissingExtraError",
    "RunRecord",
    "Tracker",
    "Trackers",
    "TrackingWarning",
    "export",
    "open_trackers",
]


class TrackingWarning(UserWarning):
    """A tracker failed during a comparison; the comparison went on without it."""


class Tracker(Protocol):
    """Where runs are sent: `send` one ended run (with its ``.keras`` bytes, if wanted)."""

    wants_model: bool

    @property
    def where(self) -> str:
        """Where the runs go (a URI or a folder), for messages."""

    @property
    def export_option(self) -> str:
        """The option of ``actlab export`` that sends runs here, e.g. ``--mlflow URI``."""

    def send(self, run: RunRecord, model: bytes | None = None) -> object: ...


def open_trackers(
    mlflow: str | bool | None = None, tensorboard: str | Path | None = None
) -> list[Tracker]:
    """The trackers asked for: MLflow at URI `mlflow` (True: MLflow's default store), and
    TensorBoard event folders under `tensorboard`. A missing package raises
    MissingExtraError naming its extra."""
    trackers: list[Tracker] = []
    if mlflow is not None and mlflow is not False:
        from actlab.tracking.mlflow import MlflowTracker

        trackers.append(MlflowTracker(None if mlflow is True else str(mlflow)))
    if tensorboard is not None:
        from actlab.tracking.tensorboard import TensorBoardTracker

        trackers.append(TensorBoardTracker(tensorboard))
    return trackers


class Trackers:
    """The trackers of one comparison; one that fails is warned about once and dropped."""

    def __init__(self, trackers: Sequence[Tracker] = ()):
        self._active = list(trackers)

    def __bool__(self) -> bool:
        return bool(self._active)

    @property
    def want_models(self) -> bool:
        """Whether a tracker logs the model (so a run keeps it even when the store won't)."""
        return any(t.wants_model for t in self._active)

    def run_ended(
        self, store: Store, comparison_id: int, run_id: int, model: bytes | None = None
    ) -> None:
        """Send run `run_id`, now committed to `store`, to every tracker still working."""
        if not self._active:
            return
        try:
            run = ended_run(store, comparison_id, run_id)
        except Exception as error:  # reading back for the trackers must not stop the comparison
            self._fail(list(self._active), error, store.path)
            return
        if run is None:
            return
        if model is None and self.want_models:
            model = store.run_blob(run_id, "weights")
        for tracker in list(self._active):
            try:
                tracker.send(run, model if tracker.wants_model else None)
            except Exception as error:  # a tracker down never fails or loses a comparison
                self._fail([tracker], error, store.path)

    def _fail(self, trackers: list[Tracker], error: Exception, db: Path) -> None:
        for tracker in trackers:
            self._active.remove(tracker)
            warnings.warn(
                TrackingWarning(
                    f"sending runs to {tracker.where} failed ({type(error).__name__}: "
                    f"{error}); the comparison goes on and keeps every run in its store: "
                    f"send them later with actlab export --db {db} {tracker.export_option}"
                ),
                stacklevel=3,
            )


@dataclass(frozen=True)
class Exported:
    """What `export` did at one tracker: runs sent, runs that were there already."""

    where: str
    sent: int
    skipped: int


def export(
    db: str | Path,
    *,
    mlflow: str | bool | None = None,
    tensorboard: str | Path | None = None,
    comparison: str | None = None,
) -> list[Exported]:
    """Send the ended runs of store `db` (of one comparison, or all) to the trackers asked
    for, and say what each did. Runs MLflow already holds (same store, same run id) are not
    sent again. Errors are raised: nothing is running that a failed tracker could stop."""
    from actlab.experiments.store import Store

    trackers = open_trackers(mlflow=mlflow, tensorboard=tensorboard)
    if not trackers:
        raise ValueError("export to what? Give mlflow=URI and/or tensorboard=DIR")
    sent, skipped = [0] * len(trackers), [0] * len(trackers)
    with Store(db, readonly=True) as store:
        for run in ended_runs(store, comparison):
            wanted = any(t.wants_model for t in trackers)
            model = store.run_blob(run.run_id, "weights") if wanted else None
            for i, tracker in enumerate(trackers):
                if tracker.send(run, model if tracker.wants_model else None) is None:
                    skipped[i] += 1
                else:
                    sent[i] += 1
    return [Exported(t.where, n, k) for t, n, k in zip(trackers, sent, skipped, strict=True)]
