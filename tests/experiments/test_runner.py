"""`compare` end to end on the offline digits task: runs, resume, failures, determinism."""

from __future__ import annotations

import math
import sqlite3

import keras
import numpy as np
import pytest
from keras import ops

import actlab
from actlab import activations
from actlab.experiments import Candidate, Store, compare

FAST = {"task": "digits_mlp", "epochs": 2, "quiet": True}


@pytest.fixture
def exploding_activation():
    """A user activation whose outputs overflow: training must diverge, not crash."""
    from actlab.activations import registry

    @activations.register(name="test_exploding", formula=r"e^{100 x}")
    def test_exploding(x):
        """Overflows for any positive input."""
        return ops.exp(100.0 * x) * 1e30

    yield "test_exploding"
    registry._SPECS.pop("test_exploding")


@pytest.fixture
def broken_activation():
    from actlab.activations import registry

    @activations.register(name="test_broken", formula="?")
    def test_broken(x):
        """Raises at model build time."""
        raise RuntimeError("this activation is broken on purpose")

    yield "test_broken"
    registry._SPECS.pop("test_broken")


def test_compare_trains_every_pair_and_answers_with_statistics(tmp_path):
    db = tmp_path / "a.db"
    result = compare(["relu", "tanhexp"], seeds=2, db=db, **FAST)
    runs = result.runs()
    assert sorted(zip(runs["label"], runs["seed"], strict=True)) == [
        ("relu", 0),
        ("relu", 1),
        ("tanhexp", 0),
        ("tanhexp", 1),
    ]
    assert set(runs["status"]) == {"finished"}
    assert runs["test_accuracy"].between(0.5, 1.0).all()  # digits is easy: far above chance
    history = result.history()
    assert len(history) == 4 * 2 and set(history["epoch"]) == {1, 2}
    assert history[["loss", "accuracy", "val_loss", "val_accuracy", "seconds"]].notna().all().all()
    table = result.table()
    assert list(table["activation"]) == ["relu", "tanhexp"]
    assert table.loc[0, "verdict"] == "baseline"
    relu = runs[runs["label"] == "relu"]["test_accuracy"]
    assert table.loc[0, "accuracy_mean"] == pytest.approx(relu.mean())
    assert table.loc[0, "accuracy_std"] == pytest.approx(relu.std(ddof=1))


def test_run_config_records_everything_needed_to_repeat_it(tmp_path):
    result = compare(["elu:alpha=0.5"], seeds=1, db=tmp_path / "c.db", **FAST)
    run = result.runs().iloc[0]
    config = run["config"]
    assert config["activation"] == "elu" and config["params"] == {"alpha": 0.5}
    assert config["seed"] == 0 and config["task"]["epochs"] == 2
    assert config["backend"] == keras.backend.backend()
    assert config["versions"]["keras"] == keras.__version__
    assert config["machine"]["cpus"] >= 1
    assert run["param_count"] > 0 and run["median_epoch_seconds"] > 0


def test_rerun_skips_finished_runs_and_adds_only_missing_ones(tmp_path):
    db = tmp_path / "r.db"
    compare(["relu"], seeds=1, db=db, **FAST)
    first = Store(db, readonly=True).runs()
    result = compare(["relu", "sigmoid"], seeds=2, db=db, **FAST)
    runs = result.runs()
    assert len(runs) == 4 and runs.groupby(["label", "seed"]).size().max() == 1
    again = runs[(runs["label"] == "relu") & (runs["seed"] == 0)].iloc[0]
    assert again["finished"] == first.iloc[0]["finished"]  # not retrained


def test_same_run_gives_the_same_numbers(tmp_path):
    a = compare(["tanhexp"], seeds=[3], db=tmp_path / "1.db", **FAST).history()
    b = compare(["tanhexp"], seeds=[3], db=tmp_path / "2.db", **FAST).history()
    np.testing.assert_allclose(a["loss"], b["loss"], rtol=1e-6)
    np.testing.assert_allclose(a["val_accuracy"], b["val_accuracy"], rtol=1e-6)


def test_divergence_and_failure_are_recorded_and_the_comparison_goes_on(
    tmp_path, exploding_activation, broken_activation
):
    result = compare(["relu", exploding_activation, broken_activation], seeds=2,
                     db=tmp_path / "d.db", **FAST)  # fmt: skip
    runs = result.runs().set_index(["label", "seed"])
    assert runs.loc[("relu", 0), "status"] == "finished"
    assert runs.loc[(exploding_activation, 0), "status"] == "diverged"
    assert runs.loc[(exploding_activation, 0), "diverged_epoch"] == 1
    assert runs.loc[(broken_activation, 1), "status"] == "failed"
    assert "broken on purpose" in runs.loc[(broken_activation, 1), "error"]
    table = result.table().set_index("activation")
    assert table.loc[exploding_activation, "runs_diverged"] == 2
    assert table.loc[broken_activation, "runs_failed"] == 2
    assert math.isnan(table.loc[broken_activation, "accuracy_mean"])


def test_bad_input_is_rejected_before_any_training(tmp_path):
    db = tmp_path / "bad.db"
    with pytest.raises(ValueError, match="unknown activation 'tanhexpp'"):
        compare(["relu", "tanhexpp"], db=db, **FAST)
    with pytest.raises(ValueError, match="not among the compared"):
        compare(["relu"], baseline="mish", db=db, **FAST)
    with pytest.raises(ValueError, match="seeds must be at least 1"):
        compare(["relu"], seeds=0, db=db, task="digits_mlp")
    with pytest.raises(ValueError, match="name:param=value"):
        Candidate.parse("elu:alpha")
    with pytest.raises(ValueError, match="alpha"):
        Candidate.parse("elu:alpha=-3")
    assert not db.exists() or Store(db, readonly=True).runs().empty


def test_a_database_that_is_not_actlabs_is_refused_and_left_alone(tmp_path):
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    before = db.read_bytes()
    with pytest.raises(actlab.experiments.StoreError, match="not an actlab"):
        compare(["relu"], seeds=1, db=db, **FAST)
    assert db.read_bytes() == before
