"""A comparison's answer, read back from the store: the table, the runs, the histories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from actlab.experiments.statistics import DEFAULT_TEST, summarize
from actlab.experiments.store import Store, npz_to_arrays
from actlab.experiments.store import run_label as run_label


def label_table(
    runs: pd.DataFrame, baseline: str, test: str, alpha: float, order: Sequence[str]
) -> pd.DataFrame:
    """`summarize` of store runs (see `Store.runs`) by activation label, e.g.
    ``elu(alpha=0.5)``: one row per label, indexed by it (the index is named "activation")."""
    by_label = runs.drop(columns=["activation"]).rename(columns={"label": "activation"})
    table = summarize(by_label, baseline=baseline, alpha=alpha, order=order, test=test)
    return table.set_index("activation")


@dataclass(frozen=True)
class ComparisonResult:
    """The runs of comparison `name` in `db` restricted to the asked activations and seeds,
    tested against `baseline` with `test` ('paired_t' or 'wilcoxon', see `summarize`)."""

    db: Path
    name: str
    labels: list[str]
    seeds: list[int]
    baseline: str
    test: str = DEFAULT_TEST

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
        """One row per activation, indexed by its label: accuracy mean, std, 95% CI, loss, step
        time and its ratio to the baseline with 95% CIs, the paired difference to the baseline
        with its 95% CI and effect size, p-values, verdict (see `summarize`)."""
        return label_table(self.runs(), self.baseline, self.test, alpha, self.labels)

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
