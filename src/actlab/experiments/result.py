"""A comparison's answer, read back from the store: the table, the runs, the histories."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from actlab.experiments.statistics import summarize
from actlab.experiments.store import Store, npz_to_arrays
from actlab.experiments.store import run_label as run_label


@dataclass(frozen=True)
class ComparisonResult:
    """The runs of comparison `name` in `db` restricted to the asked activations and seeds."""

    db: Path
    name: str
    labels: list[str]
    seeds: list[int]
    baseline: str

    def runs(self) -> pd.DataFrame:
        """One row per run (activation, params, label, seed, status, test metrics, times...)."""
        with Store(self.db, readonly=True) as store:
            frame = store.runs(self.name)
        return self._mine(frame)

    def history(self) -> pd.DataFrame:
        """One row per (run, epoch): loss, accuracy, val_loss, val_accuracy, seconds."""
        with Store(self.db, readonly=True) as store:
            frame = store.epochs(self.name)
        return self._mine(frame)

    def table(self, alpha: float = 0.05) -> pd.DataFrame:
        """One row per activation: accuracy mean, std, 95% CI, loss, step time and its ratio
        to the baseline with 95% CIs, p-values, verdict (see `summarize`)."""
        runs = self.runs().drop(columns=["activation"]).rename(columns={"label": "activation"})
        return summarize(runs, baseline=self.baseline, alpha=alpha, order=self.labels)

    def predictions(self, run_id: int) -> dict[str, np.ndarray]:
        """Test labels and predictions of a finished run: ``{"y_true": ..., "y_pred": ...}``."""
        with Store(self.db, readonly=True) as store:
            blob = store.run_blob(run_id, "predictions")
        if blob is None:
            raise ValueError(f"run {run_id} has no stored predictions (it did not finish)")
        return npz_to_arrays(blob)

    def mistakes_in_first(self, run_id: int, count: int) -> int:
        """Wrong predictions among the first `count` test images (seed 002's picture)."""
        arrays = self.predictions(run_id)
        return int(np.sum(arrays["y_true"][:count] != arrays["y_pred"][:count]))

    def _mine(self, frame: pd.DataFrame) -> pd.DataFrame:
        keep = frame["label"].isin(self.labels) & frame["seed"].isin(self.seeds)
        return frame[keep].reset_index(drop=True)
