"""The answer of a comparison: per-activation accuracy, loss and time against a baseline.

Rules that shape the numbers:

* Only runs with status 'finished' enter means, spreads, times and tests; 'diverged' and
  'failed' runs are counted (``runs_diverged``, ``runs_failed``); other statuses ('running',
  'interrupted') are ignored. A finished run without a finite accuracy (or loss) is left out
  of that metric's sample.
* ``accuracy_std`` is the sample standard deviation (ddof=1), ``accuracy_sem`` = std/sqrt(n),
  and ``accuracy_ci95_low``/``_high`` the 95% t-interval of the mean clipped to [0, 1],
  whatever ``alpha`` is (``alpha`` only decides verdicts). The mean accuracy cannot leave
  [0, 1], so clipping drops only impossible values and keeps the interval's coverage (a
  logit-scale interval would cover another centre, and fails at accuracy 0 or 1). With one
  finished run these are NaN.
* Accuracy against the baseline is paired by seed: the seeds both have a finished accuracy
  for (every activation of a comparison is trained on the same seeds, hence the same initial
  weights and data order where shapes allow) give per-seed differences d = accuracy -
  baseline accuracy, rounded to 12 decimals (floating-point noise then neither breaks ties
  nor makes a constant difference vary); ``accuracy_pairs`` counts them. With at least two
  pairs, ``diff_to_baseline`` is mean(d), ``diff_ci95_low``/``_high`` its 95% paired
  t-interval, ``cohens_d`` the effect size for paired data mean(d) / sd(d) (NaN when sd(d) is
  0), and ``p_value`` the chosen ``test``: 'paired_t' (scipy.stats.ttest_1samp of d against 0,
  the paired t-test) or 'wilcoxon' (scipy.stats.wilcoxon of d, SciPy's defaults: zero
  differences dropped, exact for small samples without ties; it cannot go below 2 / 2**n, so
  p < 0.05 needs six pairs). All-zero differences give p = 1; a constant non-zero difference
  gives the paired t-test p = 0 (every seed moved the same way).
* With fewer than two pairs the comparison is unpaired: ``diff_to_baseline`` is the
  difference of mean accuracies, its interval Welch's, ``cohens_d`` uses the pooled standard
  deviation, and ``p_value`` is Welch's t-test (scipy.stats.ttest_ind, equal_var=False);
  ``accuracy_pairs`` is 0 and the ``test`` column says 'Welch (unpaired)'. Both intervals of
  the difference are clipped to [-1, 1]. ``p_holm`` is the Holm step-down adjustment of the
  p-values over the activations that could be tested, and the verdict compares ``p_holm``
  with ``alpha`` ('better' or 'worse' by the sign of ``diff_to_baseline``).
* Zero variance (Welch): when both samples are constant, Welch's statistic is 0/0 or x/0;
  equal constants give p = 1 ('no significant difference'), different constants p = 0 (every
  run of one beat every run of the other). Floating-point noise (1e-9 relative) counts as
  equal.
* Time: a run's speed is its ``step_seconds``, seconds per training step after warm-up (see
  `actlab.experiments.training`). ``step_ms_mean`` is their mean over finished runs in
  milliseconds, ``step_ms_ci95_low``/``_high`` its 95% t-interval (clipped at 0);
  ``warmup_seconds_mean`` the
  mean training time of the first epoch (tracing, compilation), which speed leaves out.
  ``time_ratio`` is the geometric-mean ratio of step times to the baseline's, with its 95%
  interval ``time_ratio_ci95_low``/``_high``: paired by seed when at least two seeds have a
  time on both sides (the mean of log(time / baseline time) over those seeds, its
  t-interval, exponentiated; ``time_pairs`` counts the pairs), otherwise unpaired (the
  difference of mean log times with Welch's interval, exponentiated; ``time_pairs`` = 0).
  ``time_p_value`` is the matching test of "ratio = 1": the paired t-test of those log
  ratios (constant ones as for accuracy), or Welch's t-test of the log times; it is < 0.05
  exactly when the 95% interval excludes 1. No Holm correction (time gives no verdict).
* A test needs two finished runs on each side: with a single seed on either side the verdict
  is 'no test possible (1 seed)', with more seeds but fewer than two finished runs it is
  'no test possible (n<2)'; their p-values are NaN and not counted by Holm, and their
  ``test`` is None (as the baseline's).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from actlab.experiments.significance import (
    DEFAULT_TEST,
    accuracy_difference,
    check_test,
    holm_adjust,
    mean_interval,
    ratio_interval,
    sample_mean,
    sample_std,
    standard_error,
    time_p_value,
)

SUMMARY_COLUMNS = (
    "activation",
    "runs_finished",
    "runs_diverged",
    "runs_failed",
    "accuracy_mean",
    "accuracy_std",
    "accuracy_sem",
    "accuracy_ci95_low",
    "accuracy_ci95_high",
    "loss_mean",
    "loss_std",
    "step_ms_mean",
    "step_ms_ci95_low",
    "step_ms_ci95_high",
    "warmup_seconds_mean",
    "time_ratio",
    "time_ratio_ci95_low",
    "time_ratio_ci95_high",
    "time_pairs",
    "time_p_value",
    "diff_to_baseline",
    "diff_ci95_low",
    "diff_ci95_high",
    "cohens_d",
    "accuracy_pairs",
    "test",
    "p_value",
    "p_holm",
    "verdict",
)
REQUIRED_COLUMNS = ("activation", "status", "test_accuracy", "test_loss", "step_seconds",
                    "warmup_seconds")  # fmt: skip

BASELINE = "baseline"
BETTER = "better"
WORSE = "worse"
NO_DIFFERENCE = "no significant difference"
ONE_SEED = "no test possible (1 seed)"
TOO_FEW_RUNS = "no test possible (n<2)"


@dataclass(frozen=True)
class _Group:
    """The runs of one activation, reduced to what the summary needs."""

    name: str
    seeds: int
    finished: int
    diverged: int
    failed: int
    accuracy: pd.Series  # indexed by seed (by position when runs have no seeds)
    loss: np.ndarray
    step_seconds: pd.Series  # indexed like accuracy
    warmup_seconds: np.ndarray
    has_seeds: bool


def summarize(
    runs: pd.DataFrame,
    baseline: str,
    alpha: float = 0.05,
    order: Sequence[str] | None = None,
    test: str = DEFAULT_TEST,
) -> pd.DataFrame:
    """One row per activation of `runs` (one row per run), compared with `baseline`.

    `test` is the accuracy test over matched seeds, 'paired_t' or 'wilcoxon'. Rows: the
    baseline first, then the activations named in `order`, then the rest by decreasing mean
    accuracy (activations without a mean last, ties by name). Columns are SUMMARY_COLUMNS;
    see the module docstring for the rules.
    """
    _check_columns(runs)
    check_test(test)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}")
    groups = {group.name: group for group in _groups(runs)}
    if baseline not in groups:
        known = ", ".join(sorted(groups)) or "none"
        raise ValueError(f"baseline {baseline!r} has no runs (activations: {known})")
    rows = {name: _describe(group, groups[baseline], test) for name, group in groups.items()}
    _add_holm(rows, baseline)
    for name, row in rows.items():
        row["verdict"] = _verdict(row, is_baseline=name == baseline, alpha=alpha)
    names = _row_order(rows, baseline, order)
    return pd.DataFrame([rows[name] for name in names], columns=list(SUMMARY_COLUMNS))


def _check_columns(runs: pd.DataFrame) -> None:
    missing = [column for column in REQUIRED_COLUMNS if column not in runs.columns]
    if missing:
        raise ValueError(f"runs lacks column(s) {missing}; it needs {list(REQUIRED_COLUMNS)}")


def _groups(runs: pd.DataFrame) -> list[_Group]:
    return [_group(str(name), frame) for name, frame in runs.groupby("activation", sort=False)]


def _group(name: str, frame: pd.DataFrame) -> _Group:
    finished = frame[frame["status"] == "finished"]
    has_seeds = "seed" in frame.columns
    seeds = frame["seed"].nunique() if has_seeds else len(frame)
    index = finished["seed"].to_numpy() if has_seeds else range(len(finished))
    return _Group(
        name=name,
        seeds=int(seeds),
        finished=len(finished),
        diverged=int((frame["status"] == "diverged").sum()),
        failed=int((frame["status"] == "failed").sum()),
        accuracy=_finite_by(finished["test_accuracy"], index),
        loss=_finite(finished["test_loss"]),
        step_seconds=_finite_by(finished["step_seconds"], index),
        warmup_seconds=_finite(finished["warmup_seconds"]),
        has_seeds=has_seeds,
    )


def _describe(group: _Group, baseline: _Group, test: str) -> dict[str, Any]:
    why_no_test = None if group is baseline else _why_no_test(group, baseline)
    tested = group is not baseline and why_no_test is None
    return {
        "activation": group.name,
        "runs_finished": group.finished,
        "runs_diverged": group.diverged,
        "runs_failed": group.failed,
        **_accuracy_columns(group),
        **_time_columns(group, baseline),
        **_difference_columns(group, baseline, test, tested),
        "why_no_test": why_no_test,
    }


def _accuracy_columns(group: _Group) -> dict[str, float]:
    accuracy = group.accuracy.to_numpy(float)
    low, high = np.clip(mean_interval(accuracy), 0.0, 1.0)
    return {
        "accuracy_mean": sample_mean(accuracy),
        "accuracy_std": sample_std(accuracy),
        "accuracy_sem": standard_error(accuracy),
        "accuracy_ci95_low": float(low),
        "accuracy_ci95_high": float(high),
        "loss_mean": sample_mean(group.loss),
        "loss_std": sample_std(group.loss),
    }


def _time_columns(group: _Group, baseline: _Group) -> dict[str, float]:
    step_ms = group.step_seconds.to_numpy(float) * 1000.0
    step_low, step_high = mean_interval(step_ms)
    step_low = np.maximum(step_low, 0.0)  # a time is positive
    paired = group.has_seeds and baseline.has_seeds
    ratio, ratio_low, ratio_high, pairs = ratio_interval(
        group.step_seconds, baseline.step_seconds, paired=paired
    )
    is_baseline = group is baseline
    return {
        "step_ms_mean": sample_mean(step_ms),
        "step_ms_ci95_low": step_low,
        "step_ms_ci95_high": step_high,
        "warmup_seconds_mean": sample_mean(group.warmup_seconds),
        "time_ratio": ratio,
        "time_ratio_ci95_low": ratio_low,
        "time_ratio_ci95_high": ratio_high,
        "time_pairs": pairs,
        "time_p_value": math.nan
        if is_baseline
        else time_p_value(group.step_seconds, baseline.step_seconds, paired=paired),
    }


def _difference_columns(group: _Group, baseline: _Group, test: str, tested: bool) -> dict[str, Any]:
    paired = group.has_seeds and baseline.has_seeds
    found = accuracy_difference(group.accuracy, baseline.accuracy, test, paired=paired)
    return {
        "diff_to_baseline": found.difference,
        "diff_ci95_low": found.low,
        "diff_ci95_high": found.high,
        "cohens_d": found.cohens_d,
        "accuracy_pairs": found.pairs,
        "test": found.test if tested else None,
        "p_value": found.p_value if tested else math.nan,
    }


def _why_no_test(group: _Group, baseline: _Group) -> str | None:
    if min(group.seeds, baseline.seeds) <= 1:
        return ONE_SEED
    if min(len(group.accuracy), len(baseline.accuracy)) < 2:
        return TOO_FEW_RUNS
    return None


def _add_holm(rows: dict[str, dict[str, Any]], baseline: str) -> None:
    others = [name for name in rows if name != baseline]
    adjusted = holm_adjust([rows[name]["p_value"] for name in others])
    rows[baseline]["p_holm"] = math.nan
    for name, p in zip(others, adjusted, strict=True):
        rows[name]["p_holm"] = float(p)


def _verdict(row: dict[str, Any], *, is_baseline: bool, alpha: float) -> str:
    reason = row.pop("why_no_test")
    if is_baseline:
        return BASELINE
    if reason is not None:
        return reason
    if row["p_holm"] < alpha:
        return BETTER if row["diff_to_baseline"] > 0 else WORSE
    return NO_DIFFERENCE


def _row_order(
    rows: dict[str, dict[str, Any]], baseline: str, order: Sequence[str] | None
) -> list[str]:
    named = [name for name in (order or ()) if name != baseline]
    unknown = [name for name in named if name not in rows]
    if unknown:
        raise ValueError(f"order names activations without runs: {unknown}")
    if len(set(named)) != len(named):
        raise ValueError("order names an activation twice")
    rest = [name for name in rows if name != baseline and name not in named]
    rest.sort(key=lambda name: _by_mean_accuracy(rows[name]))
    return [baseline, *named, *rest]


def _by_mean_accuracy(row: dict[str, Any]) -> tuple[bool, float, str]:
    mean = row["accuracy_mean"]
    return (math.isnan(mean), -mean if not math.isnan(mean) else 0.0, row["activation"])


def _finite(column: pd.Series) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    return values[np.isfinite(values)]


def _finite_by(column: pd.Series, index) -> pd.Series:
    """The finite values of `column` in a fresh Series with `index` (the runs' seeds)."""
    values = pd.Series(pd.to_numeric(column, errors="coerce").to_numpy(dtype=float), index=index)
    return values[np.isfinite(values)]
