"""Significance tests and intervals of a comparison: paired over matched seeds, else Welch's.

The rules they follow are stated in `actlab.experiments.statistics`, which builds the table
from them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

#: The accuracy tests over matched seeds, by config name, with the name the table shows.
TESTS = {"paired_t": "paired t", "wilcoxon": "Wilcoxon signed-rank"}


DEFAULT_TEST = "paired_t"


UNPAIRED = "Welch (unpaired)"


_CONSTANT_RTOL = 1e-9


_DIFFERENCE_DECIMALS = 12


@dataclass(frozen=True)
class Difference:
    """Accuracy against the baseline's: see the module docstring."""

    difference: float
    low: float
    high: float
    cohens_d: float
    pairs: int
    test: str
    p_value: float


def check_test(test: str) -> str:
    """`test` if it names an accuracy test of TESTS, else a ValueError saying which do."""
    if test not in TESTS:
        raise ValueError(f"test must be one of {', '.join(map(repr, TESTS))}, not {test!r}")
    return test


def holm_adjust(p_values: Sequence[float]) -> np.ndarray:
    """Holm step-down adjusted p-values, in input order; NaN entries stay NaN, not counted.

    The i-th smallest of m p-values becomes max over j <= i of min(1, (m - j) p_(j)),
    j from 0, which keeps the adjusted values in the order of the raw ones.
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = len(tested)
    running_max = 0.0
    for rank, index in enumerate(tested[np.argsort(p[tested], kind="stable")]):
        running_max = max(running_max, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running_max
    return adjusted


def welch_p_value(sample: np.ndarray, reference: np.ndarray) -> float:
    """Two-sided p-value of Welch's t-test; constant samples as in the module docstring."""
    sample, reference = np.asarray(sample, float), np.asarray(reference, float)
    if is_constant(sample) and is_constant(reference):
        same = math.isclose(sample[0], reference[0], rel_tol=_CONSTANT_RTOL, abs_tol=1e-12)
        return 1.0 if same else 0.0
    with warnings.catch_warnings():
        # "catastrophic cancellation" warnings for nearly constant data: the p-value is
        # still the right limit, and the constant case is handled above.
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(stats.ttest_ind(sample, reference, equal_var=False).pvalue)


def paired_p_value(differences: np.ndarray, test: str = DEFAULT_TEST) -> float:
    """Two-sided p-value of `test` on per-seed differences; zero spread as in the docstring."""
    d = np.asarray(differences, float)
    if not np.any(d):
        return 1.0
    if test == "wilcoxon":
        return float(stats.wilcoxon(d).pvalue)
    if np.all(d == d[0]):
        return 0.0
    return float(stats.ttest_1samp(d, 0.0).pvalue)


def accuracy_difference(
    accuracy: pd.Series, reference: pd.Series, test: str = DEFAULT_TEST, *, paired: bool = True
) -> Difference:
    """`accuracy` against the `reference` (baseline) accuracies, both indexed by seed:
    paired over matched seeds when `paired` and there are two, else unpaired (Welch)."""
    a, b = matched(accuracy, reference) if paired else (np.empty(0), np.empty(0))
    if len(a) >= 2:
        return _paired_difference(np.round(a - b, _DIFFERENCE_DECIMALS), test)
    return _unpaired_difference(accuracy.to_numpy(float), reference.to_numpy(float))


def _paired_difference(d: np.ndarray, test: str) -> Difference:
    low, high = np.clip(mean_interval(d), -1.0, 1.0)
    sd = sample_std(d)
    cohens_d = float(np.mean(d)) / sd if sd > 0 else math.nan
    return Difference(float(np.mean(d)), float(low), float(high), cohens_d, len(d), TESTS[test],
                      paired_p_value(d, test))  # fmt: skip


def _unpaired_difference(a: np.ndarray, b: np.ndarray) -> Difference:
    difference = sample_mean(a) - sample_mean(b)
    if min(len(a), len(b)) < 2:
        return Difference(difference, math.nan, math.nan, math.nan, 0, UNPAIRED, math.nan)
    low, high = np.clip(_welch_interval(a, b, difference, 0.95), -1.0, 1.0)
    pooled = math.sqrt(((len(a) - 1) * np.var(a, ddof=1) + (len(b) - 1) * np.var(b, ddof=1))
                       / (len(a) + len(b) - 2))  # fmt: skip
    cohens_d = difference / pooled if pooled > 0 else math.nan
    return Difference(difference, float(low), float(high), cohens_d, 0, UNPAIRED,
                      welch_p_value(a, b))  # fmt: skip


def matched(sample: pd.Series, reference: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The values of the seeds both series have, aligned (none when an index repeats)."""
    if not (sample.index.is_unique and reference.index.is_unique):
        return np.empty(0), np.empty(0)
    common = sample.index.intersection(reference.index)
    return sample.loc[common].to_numpy(float), reference.loc[common].to_numpy(float)


def ratio_interval(
    times: pd.Series, reference: pd.Series, *, paired: bool = True, confidence: float = 0.95
) -> tuple[float, float, float, int]:
    """Geometric-mean ratio of `times` to `reference` times, its interval, and the pairs used.

    Both are indexed by seed. Paired (when `paired` and at least two seeds are on both
    sides): exp of the mean of log(time / reference) over common seeds, and exp of its
    t-interval. Otherwise unpaired: exp(mean log time - mean log reference) and exp of
    Welch's interval for that difference (NaN with fewer than two times on a side).
    Returns (ratio, low, high, pairs), pairs = 0 when unpaired.
    """
    log_ratios, a, b = _log_times(times, reference, paired)
    if log_ratios is not None:
        low, high = mean_interval(log_ratios, confidence)
        return math.exp(np.mean(log_ratios)), math.exp(low), math.exp(high), len(log_ratios)
    if len(a) == 0 or len(b) == 0:
        return math.nan, math.nan, math.nan, 0
    difference = float(np.mean(a) - np.mean(b))
    low, high = _welch_interval(a, b, difference, confidence)
    return math.exp(difference), math.exp(low), math.exp(high), 0


def time_p_value(times: pd.Series, reference: pd.Series, *, paired: bool = True) -> float:
    """Two-sided p-value for "the geometric-mean time ratio is 1", as `ratio_interval` pairs.

    Paired: the t-test of log(time / reference) over common seeds; unpaired: Welch's t-test
    of the log times. NaN with fewer than two times (or pairs) on a side.
    """
    log_ratios, a, b = _log_times(times, reference, paired)
    if log_ratios is not None:
        return paired_p_value(log_ratios)
    if min(len(a), len(b)) < 2:
        return math.nan
    return welch_p_value(a, b)


def _log_times(
    times: pd.Series, reference: pd.Series, paired: bool
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """What a time comparison tests: the per-seed log ratios, when `paired` finds two common
    seeds (else None), and the log times of each side (positive times only)."""
    times, reference = times[times > 0], reference[reference > 0]
    a, b = matched(times, reference) if paired else (np.empty(0), np.empty(0))
    log_ratios = np.log(a / b) if len(a) >= 2 else None
    return log_ratios, np.log(times.to_numpy(float)), np.log(reference.to_numpy(float))


def _welch_interval(
    a: np.ndarray, b: np.ndarray, difference: float, confidence: float
) -> tuple[float, float]:
    if min(len(a), len(b)) < 2:
        return math.nan, math.nan
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    if va + vb == 0:
        return difference, difference
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half_width = stats.t.ppf((1 + confidence) / 2, df) * math.sqrt(va + vb)
    return difference - half_width, difference + half_width


def mean_interval(sample: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """The t-distribution confidence interval of the mean of `sample` (NaN if n < 2)."""
    n = len(sample)
    if n < 2:
        return math.nan, math.nan
    mean = float(np.mean(sample))
    half_width = stats.t.ppf((1 + confidence) / 2, n - 1) * standard_error(sample)
    return mean - half_width, mean + half_width


def is_constant(sample: np.ndarray) -> bool:
    return len(sample) > 0 and bool(np.allclose(sample, sample[0], rtol=_CONSTANT_RTOL, atol=1e-12))


def sample_mean(sample: np.ndarray) -> float:
    return float(np.mean(sample)) if len(sample) else math.nan


def sample_std(sample: np.ndarray) -> float:
    return float(np.std(sample, ddof=1)) if len(sample) > 1 else math.nan


def standard_error(sample: np.ndarray) -> float:
    return sample_std(sample) / math.sqrt(len(sample)) if len(sample) > 1 else math.nan
