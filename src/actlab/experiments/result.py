"""A comparison's answer, read back from the store: the table, the runs, the histories.

`StoredComparison` is the one reader of a stored comparison, and `label_table` its one table;
`ComparisonResult` (what `compare` returns) and the report's data both read through them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from actlab.experiments.significance import DEFAULT_TEST
from actlab.experiments.statistics import summarize
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
class StoredComparison:
    """Comparison `name` of the store `db`, read (read-only) on each call."""

    db: Path
    name: str

    def runs(self) -> pd.DataFrame:
        """One row per run (see `Store.runs`)."""
        with Store(self.db, readonly=True) as store:
            return store.runs(self.name)

    def epochs(self) -> pd.DataFrame:
        """One row per (run, epoch) (see `Store.epochs`)."""
        with Store(self.db, readonly=True) as store:
            return store.epochs(self.name)

    def runs_and_epochs(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Both, read from one connection: the same moment of a store being written."""
        with Store(self.db, readonly=True) as store:
            return store.runs(self.name), store.epochs(self.name)

    def blob(self, run_id: int, kind: str) -> bytes | None:
        """The run's stored 'weights' (a ``.keras`` file's bytes) or 'predictions', or None."""
        with Store(self.db, readonly=True) as store:
            return store.run_blob(int(run_id), kind)

    def predictions(self, run_id: int) -> dict[str, np.ndarray] | None:
        """``{"y_true": ..., "y_pred": ...}`` of the run's test set, None if none are stored."""
        blob = self.blob(run_id, "predictions")
        return None if blob is None else npz_to_arrays(blob)


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
        return self._mine(self._stored.runs())

    def history(self) -> pd.DataFrame:
        """One row per (run, epoch): loss, accuracy, val_loss, val_accuracy, seconds."""
        return self._mine(self._stored.epochs())

    def table(self, alpha: float = 0.05) -> pd.DataFrame:
        """One row per activation, indexed by its label: accuracy mean, std, 95% CI, loss, step
        time and its ratio to the baseline with 95% CIs, the paired difference to the baseline
        with its 95% CI and effect size, p-values, verdict (see `summarize`)."""
        return label_table(self.runs(), self.baseline, self.test, alpha, self.labels)

    def predictions(self, run_id: int) -> dict[str, np.ndarray]:
        """Test labels and predictions of a finished run: ``{"y_true": ..., "y_pred": ...}``."""
        arrays = self._stored.predictions(run_id)
        if arrays is None:
            raise ValueError(f"run {run_id} has no stored predictions (it did not finish)")
        return arrays

    def mistakes_in_first(self, run_id: int, count: int) -> int:
        """Wrong predictions among the first `count` test images (article 002's picture)."""
        arrays = self.predictions(run_id)
        return int(np.sum(arrays["y_true"][:count] != arrays["y_pred"][:count]))

    def _repr_html_(self) -> str:
        """The table, as an HTML table in a notebook (see `actlab.notebook`)."""
        from actlab.notebook import comparison_html

        return comparison_html(self)

    @property
    def _stored(self) -> StoredComparison:
        return StoredComparison(self.db, self.name)

    def _mine(self, frame: pd.DataFrame) -> pd.DataFrame:
        keep = frame["label"].isin(self.labels) & frame["seed"].isin(self.seeds)
        return frame[keep].reset_index(drop=True)
