"""The README's statements about the statistics, checked against SciPy on the code itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from actlab.experiments.significance import paired_p_value, ratio_interval


def test_the_paired_time_interval_excludes_1_exactly_when_the_log_ratio_t_test_rejects():
    generator = np.random.default_rng(11)
    outcomes = set()
    for trial in range(200):
        n = int(generator.integers(2, 8))
        reference = generator.uniform(1e-3, 5e-3, n)
        times = reference * np.exp(generator.normal(0.05 * (trial % 4), 0.08, n))
        seeds = np.arange(n)
        ratio, low, high, pairs = ratio_interval(pd.Series(times, seeds),
                                                 pd.Series(reference, seeds))  # fmt: skip
        p = stats.ttest_rel(np.log(times), np.log(reference)).pvalue
        if abs(p - 0.05) < 1e-9:
            continue  # on the boundary either answer is right
        assert pairs == n and low <= ratio <= high
        assert (low > 1 or high < 1) == (p < 0.05), (trial, p, low, high)
        outcomes.add(bool(p < 0.05))
    assert outcomes == {True, False}  # both cases were met


@pytest.mark.parametrize(("pairs", "smallest_p"), [(5, 2 / 32), (6, 2 / 64)])
def test_wilcoxon_needs_six_seeds_to_reach_p_below_005(pairs, smallest_p):
    # Every seed moved the same way: the most extreme signed-rank outcome, p = 2 / 2**n.
    d = np.linspace(0.001, 0.002 * pairs, pairs)
    assert paired_p_value(d, "wilcoxon") == pytest.approx(smallest_p)
    assert (paired_p_value(d, "wilcoxon") < 0.05) == (pairs >= 6)


def test_constant_and_zero_differences_as_the_readme_says():
    assert paired_p_value(np.zeros(4)) == 1.0 and paired_p_value(np.zeros(4), "wilcoxon") == 1.0
    assert paired_p_value(np.full(4, 0.01)) == 0.0  # every seed moved by the same amount
