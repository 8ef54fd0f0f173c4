"""summarize() against SciPy and hand computations on known samples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from actlab.experiments.significance import (
    UNPAIRED,
    paired_p_value,
    welch_p_value,
)
from actlab.experiments.statistics import (
    BASELINE,
    BETTER,
    NO_DIFFERENCE,
    ONE_SEED,
    SUMMARY_COLUMNS,
    TOO_FEW_RUNS,
    WORSE,
    summarize,
)
from actlab.experiments.store import Store
from actlab.experiments.tables import unpaired_note

ACCURACIES = {
    "relu": [0.900, 0.920, 0.910, 0.930, 0.890],
    "gelu": [0.930, 0.940, 0.950, 0.960, 0.920],
    "tanh": [0.850, 0.860, 0.840, 0.880, 0.870],
    "swish": [0.905, 0.915, 0.895, 0.925, 0.900],
}
LOSSES = {name: [1.0 - a for a in values] for name, values in ACCURACIES.items()}
# Seconds per training step after warm-up, per seed 0..4.
STEP_SECONDS = {
    "relu": [0.0020, 0.0022, 0.0019, 0.0021, 0.0020],
    "gelu": [0.0031, 0.0030, 0.0033, 0.0029, 0.0032],
    "tanh": [0.0025, 0.0026, 0.0024, 0.0027, 0.0025],
    "swish": [0.0040, 0.0043, 0.0039, 0.0041, 0.0046],
}


def run_rows(name: str, accuracies, status: str = "finished", first_seed: int = 0) -> list[dict]:
    return [
        {
            "activation": name,
            "seed": first_seed + seed,
            "status": status,
            "test_accuracy": accuracy,
            "test_loss": 1.0 - accuracy if accuracy is not None else None,
            "step_seconds": STEP_SECONDS.get(name, [0.001] * 9)[seed],
            "warmup_seconds": 1.5 + 0.1 * seed,
        }
        for seed, accuracy in enumerate(accuracies)
    ]


def known_runs() -> pd.DataFrame:
    rows = [row for name, values in ACCURACIES.items() for row in run_rows(name, values)]
    return pd.DataFrame(rows)


def welch_by_hand(a, b) -> float:
    """Welch's t and Welch-Satterthwaite degrees of freedom, written out."""
    a, b = np.asarray(a), np.asarray(b)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    t = (a.mean() - b.mean()) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return 2 * stats.t.sf(abs(t), df)


def test_step_time_interval_stays_positive() -> None:
    runs = pd.DataFrame(run_rows("relu", [0.9, 0.91]))
    runs["step_seconds"] = [0.001, 0.009]  # t-interval of the mean: 5 +- 50.8 ms
    row = summarize(runs, baseline="relu").iloc[0]
    half_width = stats.t.ppf(0.975, 1) * stats.sem([1.0, 9.0])
    assert row.step_ms_ci95_low == 0.0
    assert row.step_ms_ci95_high == pytest.approx(5.0 + half_width)


def test_columns_are_exactly_the_documented_ones() -> None:
    table = summarize(known_runs(), baseline="relu")
    assert tuple(table.columns) == SUMMARY_COLUMNS
    assert not any(column.endswith("_2std") or column == "std" for column in table.columns)


def test_means_spreads_and_intervals_match_hand_computation() -> None:
    table = summarize(known_runs(), baseline="relu").set_index("activation")
    for name, values in ACCURACIES.items():
        n = len(values)
        mean = sum(values) / n
        std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
        half_width = stats.t.ppf(0.975, n - 1) * std / math.sqrt(n)
        row = table.loc[name]
        assert row.runs_finished == n and row.runs_diverged == 0 and row.runs_failed == 0
        assert row.accuracy_mean == pytest.approx(mean, rel=1e-12)
        assert row.accuracy_std == pytest.approx(std, rel=1e-12)
        assert row.accuracy_sem == pytest.approx(std / math.sqrt(n), rel=1e-12)
        assert row.accuracy_ci95_low == pytest.approx(mean - half_width, rel=1e-12)
        assert row.accuracy_ci95_high == pytest.approx(mean + half_width, rel=1e-12)
        assert row.loss_mean == pytest.approx(np.mean(LOSSES[name]), rel=1e-12)
        assert row.loss_std == pytest.approx(np.std(LOSSES[name], ddof=1), rel=1e-12)
        step_ms = [1000 * t for t in STEP_SECONDS[name]]
        low, high = stats.t.interval(0.95, n - 1, loc=np.mean(step_ms), scale=stats.sem(step_ms))
        assert row.step_ms_mean == pytest.approx(np.mean(step_ms), rel=1e-12)
        assert (row.step_ms_ci95_low, row.step_ms_ci95_high) == pytest.approx((low, high))
        assert row.warmup_seconds_mean == pytest.approx(1.7)  # 1.5 + 0.1 * mean seed
        assert row.diff_to_baseline == pytest.approx(mean - np.mean(ACCURACIES["relu"]))


def test_time_ratio_is_paired_by_seed_against_scipy_and_by_hand() -> None:
    table = summarize(known_runs(), baseline="relu").set_index("activation")
    relu = np.array(STEP_SECONDS["relu"])
    for name in ("gelu", "tanh", "swish"):
        logs = np.log(np.array(STEP_SECONDS[name]) / relu)
        n = len(logs)
        half_width = stats.t.ppf(0.975, n - 1) * np.std(logs, ddof=1) / math.sqrt(n)
        scipy_low, scipy_high = stats.ttest_1samp(logs, 0.0).confidence_interval(0.95)
        row = table.loc[name]
        assert row.time_pairs == n
        assert row.time_ratio == pytest.approx(math.exp(logs.mean()), rel=1e-12)
        assert row.time_ratio_ci95_low == pytest.approx(math.exp(logs.mean() - half_width))
        assert row.time_ratio_ci95_high == pytest.approx(math.exp(logs.mean() + half_width))
        assert (row.time_ratio_ci95_low, row.time_ratio_ci95_high) == pytest.approx(
            (math.exp(scipy_low), math.exp(scipy_high)), rel=1e-10
        )
    # geometric-mean ratio: the mean log ratio is the ratio of geometric means when paired
    assert table.loc["gelu", "time_ratio"] == pytest.approx(
        stats.gmean(STEP_SECONDS["gelu"]) / stats.gmean(relu), rel=1e-12
    )
    baseline = table.loc["relu"]
    assert (baseline.time_ratio, baseline.time_ratio_ci95_low, baseline.time_ratio_ci95_high) == (
        1.0, 1.0, 1.0,
    )  # fmt: skip


def test_time_ratio_without_matching_seeds_is_unpaired_welch_on_logs() -> None:
    runs = pd.DataFrame(run_rows("relu", ACCURACIES["relu"])
                        + run_rows("gelu", ACCURACIES["gelu"], first_seed=10))  # fmt: skip
    row = summarize(runs, baseline="relu").set_index("activation").loc["gelu"]
    a, b = np.log(STEP_SECONDS["gelu"]), np.log(STEP_SECONDS["relu"])
    low, high = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert row.time_pairs == 0
    assert row.time_ratio == pytest.approx(
        stats.gmean(STEP_SECONDS["gelu"]) / stats.gmean(STEP_SECONDS["relu"]), rel=1e-12
    )
    assert row.time_ratio_ci95_low == pytest.approx(math.exp(low), rel=1e-10)
    assert row.time_ratio_ci95_high == pytest.approx(math.exp(high), rel=1e-10)


def test_p_values_are_paired_t_over_seeds_and_holm_adjusted() -> None:
    table = summarize(known_runs(), baseline="relu").set_index("activation")
    others = ["gelu", "tanh", "swish"]
    raw = {}
    for name in others:
        scipy_p = stats.ttest_rel(ACCURACIES[name], ACCURACIES["relu"]).pvalue
        assert table.loc[name, "p_value"] == pytest.approx(scipy_p, rel=1e-8)
        assert table.loc[name, "test"] == "paired t" and table.loc[name, "accuracy_pairs"] == 5
        raw[name] = scipy_p
    # Holm by hand: smallest p times 3, next times 2, largest times 1, kept non-decreasing.
    first, second, third = sorted(others, key=raw.get)
    expected = {first: 3 * raw[first]}
    expected[second] = max(expected[first], 2 * raw[second])
    expected[third] = min(1.0, max(expected[second], raw[third]))
    for name in others:
        assert table.loc[name, "p_holm"] == pytest.approx(expected[name], rel=1e-8)
    assert math.isnan(table.loc["relu", "p_value"]) and math.isnan(table.loc["relu", "p_holm"])
    assert pd.isna(table.loc["relu", "test"])  # the baseline is not tested


def test_difference_interval_and_effect_size_are_paired() -> None:
    table = summarize(known_runs(), baseline="relu").set_index("activation")
    for name in ("gelu", "tanh", "swish"):
        d = np.subtract(ACCURACIES[name], ACCURACIES["relu"])
        low, high = stats.ttest_rel(ACCURACIES[name], ACCURACIES["relu"]).confidence_interval()
        row = table.loc[name]
        assert row.diff_to_baseline == pytest.approx(d.mean(), rel=1e-9)
        assert (row.diff_ci95_low, row.diff_ci95_high) == pytest.approx((low, high), rel=1e-8)
        assert row.cohens_d == pytest.approx(d.mean() / d.std(ddof=1), rel=1e-8)
    # gelu by hand: d = 0.03, 0.02, 0.04, 0.03, 0.03: mean 0.03, sd sqrt(0.0002 / 4)
    sd = math.sqrt(0.0002 / 4)
    half_width = 2.7764451051977987 * sd / math.sqrt(5)  # t(0.975, 4 df), from a t table
    gelu = table.loc["gelu"]
    assert gelu.cohens_d == pytest.approx(0.03 / sd, rel=1e-8)
    assert (gelu.diff_ci95_low, gelu.diff_ci95_high) == pytest.approx(
        (0.03 - half_width, 0.03 + half_width), rel=1e-8
    )


def test_pairing_by_seed_finds_a_difference_that_welch_misses() -> None:
    base = [0.80, 0.90, 0.85, 0.95]  # seeds differ a lot; each seed gains about 0.01
    gains = [0.011, 0.009, 0.010, 0.012]
    better = [a + gain for a, gain in zip(base, gains, strict=True)]
    runs = pd.DataFrame(run_rows("relu", base) + run_rows("gelu", better))
    row = summarize(runs, baseline="relu").set_index("activation").loc["gelu"]
    assert stats.ttest_ind(better, base, equal_var=False).pvalue > 0.5  # unpaired: nothing
    assert row.p_value == pytest.approx(stats.ttest_rel(better, base).pvalue, rel=1e-8)
    assert row.p_value < 1e-3 and row.verdict == BETTER
    assert row.diff_to_baseline == pytest.approx(np.mean(gains))


def test_wilcoxon_is_the_robust_alternative() -> None:
    # Exact null distribution by hand, 5 distinct |d|: each of the 2**5 sign patterns is
    # equally likely; all positive is the most extreme, so two-sided p = 2 / 32.
    assert paired_p_value(np.array([0.01, 0.02, 0.03, 0.04, 0.05]), "wilcoxon") == pytest.approx(
        2 / 32
    )
    # Only the smallest negative: W- = 1, reached or beaten by {} and {1}: p = 2 * 2 / 32.
    assert paired_p_value(np.array([-0.01, 0.02, 0.03, 0.04, 0.05]), "wilcoxon") == pytest.approx(
        4 / 32
    )
    assert paired_p_value(np.zeros(3), "wilcoxon") == 1.0
    table = summarize(known_runs(), baseline="relu", test="wilcoxon").set_index("activation")
    paired_t = summarize(known_runs(), baseline="relu").set_index("activation")
    for name in ("gelu", "tanh", "swish"):
        d = np.round(np.subtract(ACCURACIES[name], ACCURACIES["relu"]), 12)
        assert table.loc[name, "p_value"] == pytest.approx(stats.wilcoxon(d).pvalue)
        assert table.loc[name, "test"] == "Wilcoxon signed-rank"
        assert table.loc[name, "diff_ci95_low"] == paired_t.loc[name, "diff_ci95_low"]
    # five pairs cannot reach p < 0.0625, so the strong gelu gain is no verdict here
    assert table.loc["gelu", "verdict"] == NO_DIFFERENCE


def test_fewer_than_two_matched_seeds_fall_back_to_welch_and_say_so() -> None:
    a, b = ACCURACIES["gelu"][:3], ACCURACIES["relu"][:3]
    runs = pd.DataFrame(run_rows("relu", b) + run_rows("gelu", a, first_seed=2))  # seed 2 only
    table = summarize(runs, baseline="relu").set_index("activation")
    row = table.loc["gelu"]
    welch = stats.ttest_ind(a, b, equal_var=False)
    assert row.test == UNPAIRED and row.accuracy_pairs == 0
    assert row.p_value == pytest.approx(welch.pvalue, rel=1e-10)
    assert row.diff_to_baseline == pytest.approx(np.mean(a) - np.mean(b))
    low, high = welch.confidence_interval(0.95)
    assert (row.diff_ci95_low, row.diff_ci95_high) == pytest.approx((low, high), rel=1e-10)
    pooled = math.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2)  # equal sizes
    assert row.cohens_d == pytest.approx((np.mean(a) - np.mean(b)) / pooled)
    assert "Unpaired: gelu had fewer than two seeds" in unpaired_note(table)
    assert unpaired_note(summarize(known_runs(), baseline="relu").set_index("activation")) == ""


def test_intervals_of_accuracy_stay_inside_their_range() -> None:
    runs = pd.DataFrame(run_rows("relu", [0.78, 0.83]) + run_rows("gelu", [0.9, 0.3]))
    table = summarize(runs, baseline="relu").set_index("activation")
    low, high = stats.t.interval(0.95, 1, loc=0.805, scale=stats.sem([0.78, 0.83]))
    assert high > 1.0  # the plain t-interval, as the table showed it before
    relu = table.loc["relu"]
    assert relu.accuracy_ci95_low == pytest.approx(low) and relu.accuracy_ci95_high == 1.0
    gelu = table.loc["gelu"]
    assert (gelu.accuracy_ci95_low, gelu.accuracy_ci95_high) == (0.0, 1.0)
    d_low, d_high = stats.ttest_rel([0.9, 0.3], [0.78, 0.83]).confidence_interval()
    assert d_low < -1 and d_high > 1
    assert (gelu.diff_ci95_low, gelu.diff_ci95_high) == (-1.0, 1.0)


def test_verdicts_and_order() -> None:
    table = summarize(known_runs(), baseline="relu")
    assert table["activation"].tolist() == ["relu", "gelu", "swish", "tanh"]  # by mean accuracy
    verdicts = dict(zip(table["activation"], table["verdict"], strict=True))
    assert verdicts == {"relu": BASELINE, "gelu": BETTER, "tanh": WORSE, "swish": NO_DIFFERENCE}
    ordered = summarize(known_runs(), baseline="relu", order=["tanh", "relu", "gelu"])
    assert ordered["activation"].tolist() == ["relu", "tanh", "gelu", "swish"]


def test_alpha_decides_the_verdict_but_not_the_interval() -> None:
    strict = summarize(known_runs(), baseline="relu", alpha=1e-12).set_index("activation")
    loose = summarize(known_runs(), baseline="relu").set_index("activation")
    assert strict.loc["gelu", "verdict"] == NO_DIFFERENCE
    assert strict.loc["gelu", "accuracy_ci95_low"] == loose.loc["gelu", "accuracy_ci95_low"]


def test_one_seed_gives_no_test() -> None:
    runs = pd.DataFrame(run_rows("relu", [0.9]) + run_rows("gelu", [0.95]))
    table = summarize(runs, baseline="relu").set_index("activation")
    assert table.loc["gelu", "verdict"] == ONE_SEED
    assert table.loc["gelu", "runs_finished"] == 1
    assert table.loc["gelu", "accuracy_mean"] == 0.95
    assert table.loc["gelu", "diff_to_baseline"] == pytest.approx(0.05)
    for column in ("accuracy_std", "accuracy_sem", "accuracy_ci95_low", "p_value", "p_holm"):
        assert math.isnan(table.loc["gelu", column])


def test_one_seed_on_the_baseline_side_gives_no_test() -> None:
    runs = pd.DataFrame(run_rows("relu", [0.9]) + run_rows("gelu", [0.95, 0.96, 0.94]))
    assert summarize(runs, baseline="relu").loc[1, "verdict"] == ONE_SEED


def test_failed_and_diverged_runs_are_counted_but_not_averaged() -> None:
    runs = pd.DataFrame(
        run_rows("relu", [0.90, 0.92, 0.97])
        + run_rows("elu", [0.80, 0.83])
        + run_rows("elu", [None], status="diverged", first_seed=2)
        + run_rows("elu", [0.10], status="failed", first_seed=3)  # a partial value, ignored
        + run_rows("elu", [0.99], status="running", first_seed=4)  # not counted at all
    )
    row = summarize(runs, baseline="relu").set_index("activation").loc["elu"]
    assert (row.runs_finished, row.runs_diverged, row.runs_failed) == (2, 1, 1)
    assert row.accuracy_mean == pytest.approx(0.815)
    # paired over seeds 0 and 1, the ones both finished: relu's seed 2 has no partner
    assert row.accuracy_pairs == 2
    assert row.diff_to_baseline == pytest.approx(((0.80 - 0.90) + (0.83 - 0.92)) / 2)
    assert row.p_value == pytest.approx(stats.ttest_rel([0.80, 0.83], [0.90, 0.92]).pvalue)


def test_fewer_than_two_finished_runs_gives_no_test() -> None:
    runs = pd.DataFrame(
        run_rows("relu", [0.90, 0.92, 0.91])
        + run_rows("elu", [0.80])
        + run_rows("elu", [None, None], status="diverged", first_seed=1)
    )
    row = summarize(runs, baseline="relu").set_index("activation").loc["elu"]
    assert row.verdict == TOO_FEW_RUNS and math.isnan(row.p_value)


def test_activation_with_no_finished_run() -> None:
    runs = pd.DataFrame(
        run_rows("relu", [0.90, 0.92, 0.91]) + run_rows("elu", [None] * 3, status="diverged")
    )
    table = summarize(runs, baseline="relu")
    assert table["activation"].tolist() == ["relu", "elu"]
    row = table.set_index("activation").loc["elu"]
    assert row.verdict == TOO_FEW_RUNS and row.runs_diverged == 3
    assert math.isnan(row.accuracy_mean) and math.isnan(row.time_ratio)


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")  # the test's own SciPy call
@pytest.mark.parametrize("first_seed", [0, 10], ids=["paired", "unpaired"])
def test_zero_variance_samples(first_seed) -> None:
    runs = pd.DataFrame(
        run_rows("relu", [1.0, 1.0, 1.0])
        + run_rows("gelu", [1.0, 1.0, 1.0], first_seed=first_seed)  # identical: p = 1
        + run_rows("tanh", [0.75, 0.75, 0.75], first_seed=first_seed)  # constantly lower: p = 0
        + run_rows("elu", [0.5, 1.0, 1.0], first_seed=first_seed)  # an ordinary test
    )
    table = summarize(runs, baseline="relu").set_index("activation")
    assert table.loc["gelu", "p_value"] == 1.0 and table.loc["gelu", "verdict"] == NO_DIFFERENCE
    assert table.loc["gelu", "accuracy_std"] == 0.0
    assert table.loc["tanh", "p_value"] == 0.0 and table.loc["tanh", "verdict"] == WORSE
    assert math.isnan(table.loc["tanh", "cohens_d"])  # no spread: no effect size
    if first_seed == 0:
        expected = stats.ttest_rel([0.5, 1.0, 1.0], [1.0, 1.0, 1.0]).pvalue
    else:
        expected = stats.ttest_ind([0.5, 1.0, 1.0], [1.0, 1.0, 1.0], equal_var=False).pvalue
    assert table.loc["elu", "p_value"] == pytest.approx(expected)


def test_floating_point_noise_is_not_a_difference() -> None:
    assert welch_p_value(np.array([0.1 + 0.2] * 3), np.array([0.3] * 3)) == 1.0


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="baseline 'selu'"):
        summarize(known_runs(), baseline="selu")
    with pytest.raises(ValueError, match="test_loss"):
        summarize(known_runs().drop(columns=["test_loss"]), baseline="relu")
    with pytest.raises(ValueError, match="without runs"):
        summarize(known_runs(), baseline="relu", order=["mish"])
    with pytest.raises(ValueError, match="test must be one of 'paired_t', 'wilcoxon', not 'anova'"):
        summarize(known_runs(), baseline="relu", test="anova")


def timed_epochs(step_seconds: float, warmup_seconds: float) -> list[dict]:
    """Two epochs of 11 steps: epoch 1 slow (warm-up), epoch 2 at `step_seconds` a step."""
    return [
        {"epoch": 1, "loss": 0.6, "seconds": warmup_seconds + 1, "train_seconds": warmup_seconds,
         "train_steps": 11, "timed_seconds": 100 * step_seconds * 5, "timed_steps": 5},
        {"epoch": 2, "loss": 0.5, "seconds": 10 * step_seconds + 1,
         "train_seconds": 11 * step_seconds, "train_steps": 11,
         "timed_seconds": 10 * step_seconds, "timed_steps": 10},
    ]  # fmt: skip


def test_summarize_reads_the_store_frame(tmp_path) -> None:
    with Store(tmp_path / "results.db") as store:
        cid = store.create_comparison("cmp", "xor")
        for name in ("relu", "gelu"):
            for seed, accuracy in enumerate(ACCURACIES[name]):
                run_id = store.start_run(cid, name, {}, seed)
                step = {"relu": 0.002, "gelu": 0.003}[name]
                # gelu's first epoch is far slower: it must not count towards its speed
                warmup = {"relu": 1.0, "gelu": 30.0}[name]
                store.finish_run(
                    run_id,
                    epochs=timed_epochs(step, warmup),
                    test_loss=1 - accuracy,
                    test_accuracy=accuracy,
                )
        run_id = store.start_run(cid, "gelu", {}, 99)
        store.mark_run(run_id, "diverged", diverged_epoch=1)
        runs = store.runs(cid)
    table = summarize(runs, baseline="relu").set_index("activation")
    assert table.loc["gelu", "runs_diverged"] == 1
    assert table.loc["gelu", "time_ratio"] == pytest.approx(1.5)
    assert table.loc["gelu", "step_ms_mean"] == pytest.approx(3.0)
    assert table.loc["gelu", "warmup_seconds_mean"] == pytest.approx(30.0)
    assert table.loc["gelu", "time_pairs"] == 5
    assert table.loc["gelu", "verdict"] == BETTER


def test_time_has_a_p_value_paired_over_seeds_on_the_log_scale() -> None:
    rng = np.random.default_rng(7)
    base = rng.uniform(1.0, 2.0, 5)
    slower = base * rng.uniform(1.1, 1.4, 5)
    runs = pd.DataFrame(
        [
            {"activation": name, "seed": seed, "status": "finished", "test_accuracy": 0.9,
             "test_loss": 0.3, "step_seconds": t, "warmup_seconds": 1.0}
            for name, times in (("relu", base), ("gelu", slower))
            for seed, t in enumerate(times)
        ]
    )  # fmt: skip
    table = summarize(runs, baseline="relu").set_index("activation")
    expected = stats.ttest_rel(np.log(slower), np.log(base)).pvalue
    assert table.loc["gelu", "time_p_value"] == pytest.approx(expected, rel=1e-10)
    assert math.isnan(table.loc["relu", "time_p_value"])
