"""The significance tests and intervals against SciPy and hand computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from actlab.experiments.significance import holm_adjust, ratio_interval


def test_time_ratio_pairs_the_seeds_both_sides_have() -> None:
    times = pd.Series([2.0, 3.0, 4.0], index=[0, 1, 2])
    reference = pd.Series([1.0, 2.0, 2.0, 9.0], index=[0, 1, 2, 3])  # seed 3: no partner
    ratio, low, high, pairs = ratio_interval(times, reference)
    logs = np.log([2.0, 1.5, 2.0])
    half_width = stats.t.ppf(0.975, 2) * np.std(logs, ddof=1) / math.sqrt(3)
    assert pairs == 3
    assert ratio == pytest.approx((2.0 * 1.5 * 2.0) ** (1 / 3), rel=1e-12)
    assert (low, high) == pytest.approx(
        (math.exp(logs.mean() - half_width), math.exp(logs.mean() + half_width))
    )


def test_time_ratio_of_single_runs_has_no_interval() -> None:
    ratio, low, high, pairs = ratio_interval(pd.Series([3.0], [0]), pd.Series([2.0], [0]))
    assert ratio == pytest.approx(1.5) and pairs == 0
    assert math.isnan(low) and math.isnan(high)
    empty = ratio_interval(pd.Series([], dtype=float), pd.Series([2.0], [0]))
    assert math.isnan(empty[0]) and empty[3] == 0


def test_holm_hand_example() -> None:
    np.testing.assert_allclose(holm_adjust([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    # monotonicity: 2 * 0.012 = 0.024 is raised to the 0.03 before it
    np.testing.assert_allclose(holm_adjust([0.012, 0.01, 0.5]), [0.03, 0.03, 0.5])
    np.testing.assert_allclose(holm_adjust([0.6, 0.7]), [1.0, 1.0])  # capped at 1
    np.testing.assert_allclose(holm_adjust([0.01, np.nan, 0.04]), [0.02, np.nan, 0.04])
    assert holm_adjust([]).shape == (0,)
