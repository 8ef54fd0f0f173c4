"""Choosing the comparison and the baseline; what the report reads from the store."""

from __future__ import annotations

import pytest

from actlab.experiments import Store
from actlab.report import ReportError, load_comparison
from tests.report import stores


@pytest.fixture
def two_comparisons(tmp_path):
    db = tmp_path / "two.db"
    stores.write_comparison(db, "first", [stores.run("relu", 0), stores.run("relu", 1)])
    stores.write_comparison(
        db, "second",
        [stores.run("relu", 0, accuracy=0.8), stores.run("elu", 0, params={"alpha": 0.5})],
        config_extra={"baseline": "elu(alpha=0.5)"},
    )  # fmt: skip
    return db


def test_a_store_with_one_comparison_needs_no_name(trained_db):
    data = load_comparison(trained_db)
    assert data.labels == ["relu", "tanhexp"] and data.seeds == [0, 1]
    assert data.baseline == "relu"  # the first activation when the config names none
    assert len(data.runs) == 4 and set(data.runs["status"]) == {"finished"}


def test_several_comparisons_need_a_name_and_the_error_lists_them(two_comparisons):
    with pytest.raises(ReportError, match="holds 2 comparisons; choose one with --name: "
                       "'first', 'second'"):  # fmt: skip
        load_comparison(two_comparisons)
    with pytest.raises(ReportError, match=r"no comparison 'third' .*'first', 'second'"):
        load_comparison(two_comparisons, "third")
    assert load_comparison(two_comparisons, "first").name == "first"


def test_the_baseline_comes_from_the_option_then_the_config_then_the_first(two_comparisons):
    assert load_comparison(two_comparisons, "second").baseline == "elu(alpha=0.5)"
    assert load_comparison(two_comparisons, "second", baseline="relu").baseline == "relu"
    picked = load_comparison(two_comparisons, "second", baseline="elu:alpha=0.5")
    assert picked.baseline == "elu(alpha=0.5)"
    with pytest.raises(ReportError, match=r"baseline 'mish' is not among .*relu, elu\(alpha"):
        load_comparison(two_comparisons, "second", baseline="mish")


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


def test_a_config_that_nests_the_task_is_read_too(tmp_path):
    from actlab import tasks

    db = tmp_path / "nested.db"
    stores.write_comparison(db, "nested", [stores.run("relu", 0), stores.run("elu", 0)])
    with Store(db) as store:  # the shape a later runner may store: {"task": ..., "baseline": ...}
        config = {"task": tasks.get("digits_mlp", epochs=2).to_dict(), "baseline": "elu"}
        store.create_comparison("nested", "digits_mlp", config, replace_config=True)
    data = load_comparison(db)
    assert data.baseline == "elu" and data.task_config["dataset"] == "digits"
