"""What a tune answers: the best trial and its configuration, and the confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import optuna
import pandas as pd

from actlab.experiments import Candidate, ComparisonResult


@dataclass(frozen=True)
class TuneResult:
    """The study `study_name` in `storage`, its best trial, and (unless the tune was asked
    not to confirm) the comparison of the best configuration with the baseline on fresh
    seeds, on the test set.

    `best_value` is the best trial's `metric` on the validation split (mean over the trial
    seeds); only `confirmation` says whether the tuned activation is better.
    """

    study_name: str
    storage: str
    db: Path
    metric: str
    best_trial: int
    best_value: float
    best_params: dict[str, Any]
    best: Candidate
    learning_rate: float | None
    trial_seeds: list[int]
    confirmation: ComparisonResult | None = field(default=None)

    @property
    def best_label(self) -> str:
        return self.best.label

    def study(self) -> optuna.Study:
        """The Optuna study, loaded from its storage."""
        return optuna.load_study(study_name=self.study_name, storage=self.storage)

    def trials(self) -> pd.DataFrame:
        """One row per trial: number, value, state, params_*, user_attrs_* (see Optuna's
        ``Study.trials_dataframe``)."""
        return self.study().trials_dataframe()

    def importances(self) -> dict[str, float]:
        """Each searched parameter's importance for the metric, over the complete trials
        (Optuna's `get_param_importances` with its default evaluator)."""
        return optuna.importance.get_param_importances(self.study())

    def write_report(self, output: str | Path, output_format: str = "html") -> list[Path]:
        """The study's report (trials, history, importances, slices) as one HTML page, or
        Markdown + PNGs; the files written."""
        from actlab.tune.report import write_study_report

        return write_study_report(output, self.study(), output_format)

    def verdict(self) -> str | None:
        """The confirmation's verdict for the best configuration against the baseline
        (``"better"``, ``"worse"``, ``"no significant difference"``, ...), None without one."""
        if self.confirmation is None or self.best.label == self.confirmation.baseline:
            return None
        return str(self.confirmation.table().loc[self.best.label, "verdict"])
