"""Choosing the comparison and the baseline; what the report reads from the store."""

from __future__ import annotations

import pytest

import actlab
from actlab.experiments import Store
from actlab.report import ReportError, load_comparison
from tests.report import stores


@pytest.fixture(scope="module")
def two_comparisons(tmp_path_factory):
    """Two comparisons written by `actlab.compare`, the second with its own baseline and test."""
    db = tmp_path_factory.mktemp("two") / "two.db"
    fast = {"task": "digits_mlp", "epochs": 1, "seeds": 2, "db": db, "quiet": True}
    actlab.compare(["relu"], name="first", **fast)
    actlab.compare(["relu", "elu:alpha=0.5"], name="second", baseline="elu:alpha=0.5",
                   test="wilcoxon", **fast)  # fmt: skip
    return db


def test_a_store_with_one_comparison_needs_no_name(trained_db):
    data = load_comparison(trained_db)
    assert data.labels == ["relu", "tanhexp"] and data.seeds == [0, 1]
    assert data.baseline == "relu" and data.test == "paired_t"  # compare's defaults, stored
    assert len(data.runs) == 4 and set(data.runs["status"]) == {"finished"}


def test_several_comparisons_need_a_name_and_the_error_lists_them(two_comparisons):
    with pytest.raises(ReportError, match="holds 2 comparisons; choose one with --name: "
                       "'first', 'second'"):  # fmt: skip
        load_comparison(two_comparisons)
    with pytest.raises(ReportError, match=r"no comparison 'third' .*'first', 'second'"):
        load_comparison(two_comparisons, "third")
    assert load_comparison(two_comparisons, "first").name == "first"


def test_the_baseline_comes_from_the_option_then_the_stored_comparison(two_comparisons):
    stored = load_comparison(two_comparisons, "second")
    assert stored.baseline == "elu(alpha=0.5)" and stored.test == "wilcoxon"
    summary = stored.summary()
    assert list(summary.index) == ["elu(alpha=0.5)", "relu"]
    assert summary.loc["relu", "test"] == "Wilcoxon signed-rank"
    assert stored.task_config["dataset"] == "digits" and stored.task_config["epochs"] == 1
    assert load_comparison(two_comparisons, "second", baseline="relu").baseline == "relu"
    picked = load_comparison(two_comparisons, "second", baseline="elu:alpha=0.5")
    assert picked.baseline == "elu(alpha=0.5)"
    with pytest.raises(ReportError, match=r"baseline 'mish' is not among .*relu, elu\(alpha"):
        load_comparison(two_comparisons, "second", baseline="mish")


def test_an_older_store_without_a_stored_baseline_tests_against_the_first(tmp_path):
    db = tmp_path / "old.db"  # an older actlab stored the task recipe alone, no baseline
    stores.write_comparison(db, "old", [stores.run("tanhexp", 0), stores.run("relu", 0)])
    data = load_comparison(db)
    assert data.baseline == "tanhexp" and data.test == "paired_t"
    assert data.task_config["dataset"] == "digits"


def test_an_empty_store_says_to_run_a_comparison_first(tmp_path):
    Store(tmp_path / "empty.db").close()
    with pytest.raises(ReportError, match="no comparisons yet; run `actlab compare` first"):
        load_comparison(tmp_path / "empty.db")


def test_best_run_is_the_most_accurate_finished_one(hostile_db, hostile_activation):
    data = load_comparison(hostile_db)
    best = data.best_run()
    assert (best["label"], best["seed"]) == (hostile_activation, 0)
    assert sorted(data.unfinished()["status"]) == ["diverged", "failed"]
    assert data.environments()[0][1] == 6
