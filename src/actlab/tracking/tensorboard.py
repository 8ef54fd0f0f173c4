"""TensorBoard: one event folder per ended run, ``DIR/<comparison>/<label>/seed_<seed>``.

Each epoch's loss, accuracy, val_loss, val_accuracy, epoch_seconds and train_seconds are
scalars at step = the epoch; the test metrics and the time per step (step_ms) are scalars at
the last epoch's step. Written with TensorBoard's own framework-free writer, so it works on
every backend. A run written again (a failed run trained anew) replaces its events.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from actlab.tracking.extras import require
from actlab.tracking.records import RunRecord, epoch_points, last_epoch

#: Characters kept in a folder name; others become "_" (labels keep "(alpha=0.5)").
_UNSAFE = re.compile(r"[^\w.,=()\[\]+-]")


class TensorBoardTracker:
    """Writes ended runs as TensorBoard event folders under `log_dir`."""

    wants_model = False

    def __init__(self, log_dir: str | Path):
        self._summary = require("tensorboard.summary", "tensorboard", "Writing TensorBoard events")
        self.log_dir = Path(log_dir)
        if self.log_dir.exists() and not self.log_dir.is_dir():
            raise ValueError(f"--tensorboard {str(self.log_dir)!r} is a file; give a folder")

    @property
    def where(self) -> str:
        return str(self.log_dir)

    @property
    def export_option(self) -> str:
        return f"--tensorboard {self.log_dir}"

    def send(self, run: RunRecord, model: bytes | None = None) -> Path:
        """Write `run`'s scalars into its own folder (returned); `model` is not written."""
        folder = run_folder(self.log_dir, run)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("events.out.tfevents.*"):
            old.unlink()
        writer = self._summary.Writer(str(folder))
        try:
            for tag, value, step, wall_time in run_scalars(run):
                writer.add_scalar(tag, value, step, wall_time=wall_time)
        finally:
            writer.close()
        return folder


def run_folder(log_dir: Path, run: RunRecord) -> Path:
    """``log_dir/<comparison>/<label>/seed_<seed>``, each part a safe folder name."""
    return log_dir / _safe(run.comparison) / _safe(run.label) / f"seed_{run.seed}"


def run_scalars(run: RunRecord) -> list[tuple[str, float, int, float | None]]:
    """(tag, value, step, wall time): per-epoch metrics, then the run's results."""
    scalars = [
        (tag, value, step, wall)
        for step, wall, values in epoch_points(run)
        for tag, value in values.items()
    ]
    step = last_epoch(run)
    return scalars + [(tag, value, step, run.finished) for tag, value in run.results.items()]


def _safe(name: Any) -> str:
    safe = _UNSAFE.sub("_", str(name))
    return "_" if set(safe) <= {"."} else safe  # never "", "." or ".."
