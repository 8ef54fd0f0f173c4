"""What a report shows, read once from the results store: one comparison and its runs."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from actlab.activations import BoundActivation as Candidate
from actlab.experiments.result import StoredComparison, label_table
from actlab.experiments.runner import stored_recipe
from actlab.experiments.significance import DEFAULT_TEST
from actlab.experiments.store import Store

FINISHED = "finished"


class ReportError(ValueError):
    """The report cannot be made as asked; the message says why and what to do."""


@dataclass(frozen=True)
class ComparisonData:
    """One comparison of a store: its config, runs, epochs and the baseline to test against."""

    db: Path
    name: str
    task: str
    config: dict
    runs: pd.DataFrame = field(repr=False)
    epochs: pd.DataFrame = field(repr=False)
    baseline: str = ""

    @property
    def test(self) -> str:
        """The accuracy test the comparison was run with ('paired_t' unless it stored one)."""
        return str(self.config.get("test", DEFAULT_TEST))

    @property
    def labels(self) -> list[str]:
        """Activation labels in the order they were compared (first run first)."""
        return list(dict.fromkeys(self.runs["label"]))

    @property
    def task_config(self) -> dict:
        """The task recipe: the config's "task" entry, or (an older store) the config itself."""
        return stored_recipe(self.config)

    @property
    def seeds(self) -> list[int]:
        return sorted(int(seed) for seed in self.runs["seed"].unique())

    def candidates(self) -> list[Candidate]:
        """Each compared activation with the parameters it was run with."""
        first = self.runs.drop_duplicates("label")
        return [Candidate(row.activation, dict(row.params)) for row in first.itertuples()]

    def finished(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] == FINISHED]

    def summary(self, alpha: float = 0.05) -> pd.DataFrame:
        """The comparison's table (see `ComparisonResult.table`), indexed by label."""
        return label_table(self.runs, self.baseline, self.test, alpha, self.labels)

    def best_run(self) -> pd.Series | None:
        """The finished run with stored predictions and the highest test accuracy."""
        runs = self.finished()
        runs = runs[runs["has_predictions"]].dropna(subset=["test_accuracy"])
        if runs.empty:
            return None
        return runs.sort_values(["test_accuracy", "run_id"], ascending=[False, True]).iloc[0]

    def unfinished(self) -> pd.DataFrame:
        """Runs that diverged, failed, were interrupted or are still running."""
        return self.runs[self.runs["status"] != FINISHED]

    def predictions(self, run_id: int) -> dict[str, np.ndarray]:
        """``{"y_true", "y_pred"}`` of a finished run."""
        arrays = self._stored.predictions(run_id)
        if arrays is None:
            raise ReportError(f"run {run_id} has no stored predictions")
        return arrays

    def model_bytes(self, run_id: int) -> bytes:
        """The run's trained model as the bytes of a ``.keras`` file."""
        blob = self._stored.blob(run_id, "weights")
        if blob is None:
            raise ReportError(f"run {run_id} has no stored model (compared with keep_models=False)")
        return blob

    def environments(self) -> list[tuple[dict, int]]:
        """Distinct (backend, device, dtype policy, versions, machine) of the runs, with how
        many runs had each."""
        counts = Counter(json.dumps(_environment(config), sort_keys=True)
                         for config in self.runs["config"])  # fmt: skip
        return [(json.loads(text), count) for text, count in counts.most_common()]

    def overrides(self) -> dict:
        """Task fields the comparison changed from the named task (from the runs' configs)."""
        for config in self.runs["config"]:
            if isinstance(config, dict) and config.get("overrides"):
                return dict(config["overrides"])
        return {}

    @property
    def _stored(self) -> StoredComparison:
        return StoredComparison(self.db, self.name)


def load_comparison(
    db: str | Path, name: str | None = None, baseline: str | None = None
) -> ComparisonData:
    """Comparison `name` of `db` (the only one if None), with its baseline resolved.

    The baseline is `baseline` if given, else the one stored in the comparison's config
    (key ``"baseline"``), else the first activation compared.
    """
    db = Path(db)
    with Store(db, readonly=True) as store:
        row = _chosen_comparison(store.comparisons(), name, db)
    runs, epochs = StoredComparison(db, str(row["name"])).runs_and_epochs()
    if runs.empty:
        raise ReportError(f"comparison {row['name']!r} in {db} has no runs yet")
    data = ComparisonData(db=db, name=str(row["name"]), task=str(row["task"]),
                          config=dict(row["config"]), runs=runs, epochs=epochs)  # fmt: skip
    chosen = resolve_baseline(baseline, data.config, data.labels)
    return replace(data, baseline=chosen)


def resolve_baseline(requested: str | None, config: dict, labels: list[str]) -> str:
    """The label to test against: `requested`, the config's "baseline", or the first label."""
    if requested is None:
        stored = config.get("baseline")
        return stored if stored in labels else labels[0]
    if requested in labels:
        return requested
    try:
        label = Candidate.parse(requested).label
    except (ValueError, TypeError):
        label = None
    if label not in labels:
        raise ReportError(
            f"baseline {requested!r} is not among the compared activations ({', '.join(labels)})"
        )
    return label


def _chosen_comparison(comparisons: pd.DataFrame, name: str | None, db: Path) -> pd.Series:
    names = list(comparisons["name"])
    if name is not None:
        if name not in names:
            known = ", ".join(repr(n) for n in names) or "none"
            raise ReportError(f"no comparison {name!r} in {db} (comparisons: {known})")
        return comparisons[comparisons["name"] == name].iloc[0]
    if not names:
        raise ReportError(f"{db} holds no comparisons yet; run `actlab compare` first")
    if len(names) > 1:
        raise ReportError(
            f"{db} holds {len(names)} comparisons; choose one with --name: "
            + ", ".join(repr(n) for n in names)
        )
    return comparisons.iloc[0]


def _environment(config) -> dict:
    config = config if isinstance(config, dict) else {}
    return {key: config.get(key) for key in ("backend", "device", "dtype_policy", "versions",
                                             "machine")}  # fmt: skip
