"""`compare` end to end on the offline digits task: runs, resume, failures, determinism."""

from __future__ import annotations

import contextlib
import math
import signal
import sqlite3

import keras
import numpy as np
import pandas as pd
import pytest
from keras import ops

import actlab
from actlab import activations, tasks
from actlab.experiments import Candidate, ComparisonInterrupted, Store, compare
from actlab.experiments import training as training_module
from actlab.experiments.training import train_one

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
    assert table.index.name == "activation" and list(table.index) == ["relu", "tanhexp"]
    assert table.loc["relu", "verdict"] == "baseline"
    relu = runs[runs["label"] == "relu"]["test_accuracy"]
    assert table.loc["relu", "accuracy_mean"] == pytest.approx(relu.mean())
    assert table.loc["relu", "accuracy_std"] == pytest.approx(relu.std(ddof=1))
    tanhexp = runs[runs["label"] == "tanhexp"].set_index("seed")["test_accuracy"]
    differences = tanhexp - runs[runs["label"] == "relu"].set_index("seed")["test_accuracy"]
    assert table.loc["tanhexp", "accuracy_pairs"] == 2
    assert table.loc["tanhexp", "diff_to_baseline"] == pytest.approx(differences.mean())


def test_run_config_records_everything_needed_to_repeat_it(tmp_path):
    result = compare(["elu:alpha=0.5"], seeds=1, db=tmp_path / "c.db", **FAST)
    run = result.runs().iloc[0]
    config = run["config"]
    assert config["activation"] == "elu" and config["params"] == {"alpha": 0.5}
    assert config["seed"] == 0 and config["task"]["epochs"] == 2
    assert config["backend"] == keras.backend.backend()
    assert config["versions"]["keras"] == keras.__version__
    assert config["machine"]["cpus"] >= 1
    assert config["dtype_policy"] == keras.config.dtype_policy().name == "float32"
    assert config["device"].startswith(("cpu: ", "gpu: ")) and len(config["device"]) > 5
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


def test_runs_go_seed_by_seed_and_resume_keeps_that_order(tmp_path):
    db = tmp_path / "order.db"
    compare(["tanhexp"], seeds=[1], db=db, **FAST)  # done before: skipped below
    result = compare(["relu", "tanhexp"], seeds=2, db=db, **FAST)
    runs = result.runs().sort_values("run_id")
    assert list(zip(runs["label"], runs["seed"], strict=True)) == [
        ("tanhexp", 1), ("relu", 0), ("tanhexp", 0), ("relu", 1),
    ]  # fmt: skip
    started = runs.set_index(["label", "seed"])["started"]
    assert started[("relu", 0)] < started[("tanhexp", 0)] < started[("relu", 1)]


def test_time_per_step_leaves_out_the_first_epoch_and_validation(tmp_path):
    result = compare(["relu"], seeds=1, db=tmp_path / "t.db", task="digits_mlp", epochs=3,
                     quiet=True)  # fmt: skip
    x_train = tasks.get("digits_mlp").load_data()[0]
    steps = math.ceil(len(x_train) / 64)  # the task's batch size
    warmup = min(5, max(1, (steps - 1) // 2))
    history = result.history().set_index("epoch")
    assert history["train_steps"].tolist() == [steps] * 3
    # epoch 1: its first `warmup` batches untimed; every epoch: its last batch untimed
    assert history["timed_steps"].tolist() == [steps - 1 - warmup, steps - 1, steps - 1]
    assert (history["timed_seconds"] < history["train_seconds"]).all()
    assert (history["train_seconds"] < history["seconds"]).all()  # validation is outside
    run = result.runs().iloc[0]
    later = history.loc[[2, 3]]
    assert run["step_seconds"] == pytest.approx(
        later["timed_seconds"].sum() / later["timed_steps"].sum()
    )
    assert run["warmup_seconds"] == history.loc[1, "train_seconds"]


def test_a_one_epoch_run_is_timed_after_its_warm_up_batches(tmp_path):
    result = compare(["relu"], seeds=1, db=tmp_path / "one.db", task="digits_mlp", epochs=1,
                     quiet=True)  # fmt: skip
    epoch = result.history().iloc[0]
    run = result.runs().iloc[0]
    assert 0 < epoch["timed_steps"] < epoch["train_steps"] - 1
    assert run["step_seconds"] == pytest.approx(epoch["timed_seconds"] / epoch["timed_steps"])
    assert result.table().loc["relu", "step_ms_mean"] == pytest.approx(1000 * run["step_seconds"])


def test_one_untimed_warm_up_comes_before_the_first_run(tmp_path, monkeypatch, broken_activation):
    db = tmp_path / "w.db"
    calls = []

    def fake_warm_up(task, data, activation, params, seed, stop_requested):
        calls.append((activation, seed, len(Store(db, readonly=True).runs())))
        if activation == broken_activation:
            raise RuntimeError("broken")

    monkeypatch.setattr(training_module, "warm_up", fake_warm_up)
    compare([broken_activation, "relu", "tanhexp"], seeds=[4, 5], db=db, **FAST)
    # the broken one is passed over, relu warms up; no run had started yet
    assert calls == [(broken_activation, 4, 0), ("relu", 4, 0)]
    compare([broken_activation, "relu", "tanhexp"], seeds=[4, 5], db=db, **FAST)
    assert calls[2:] == [(broken_activation, 4, 6)]  # only failed runs are pending: redone


def test_ctrl_c_during_the_warm_up_stops_the_comparison_before_any_run(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(training_module, "warm_up", interrupted)
    with pytest.raises(ComparisonInterrupted, match="warm-up"):
        compare(["relu"], seeds=1, db=tmp_path / "i.db", **FAST)
    assert Store(tmp_path / "i.db", readonly=True).runs().empty


@pytest.fixture
def default_sigint_handler():
    """Python's own SIGINT handler while the test runs (a test runner may have set another)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield signal.default_int_handler
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def swallowing_activation():
    """ReLU that sends itself SIGINT inside a catch-all, as code deep in Keras might."""
    from actlab.activations import keras_strings, registry

    @activations.register(name="test_swallowing", formula=r"\max(0, x)", fuse=False)
    def test_swallowing(x):
        """Presses Ctrl-C, and swallows whatever that raises."""
        with contextlib.suppress(BaseException):  # what the test is about
            signal.raise_signal(signal.SIGINT)
        return ops.relu(x)

    yield "test_swallowing"
    registry._SPECS.pop("test_swallowing")
    keras_strings.remove("test_swallowing")


def test_ctrl_c_cannot_be_swallowed_and_the_handler_is_restored(
    tmp_path, default_sigint_handler, swallowing_activation
):
    db = tmp_path / "swallowed.db"
    with pytest.raises(ComparisonInterrupted, match="test_swallowing seed 0"):
        compare(["relu", swallowing_activation], seeds=1, db=db, **FAST)
    runs = Store(db, readonly=True).runs().set_index("label")
    assert runs["status"].to_dict() == {"relu": "finished", swallowing_activation: "interrupted"}
    assert signal.getsignal(signal.SIGINT) is default_sigint_handler


def test_the_warm_up_changes_no_result(tmp_path):
    task = tasks.get("digits_mlp", epochs=2)
    alone = train_one(task, task.load_data(), "tanhexp", {}, 3, keep_model=False)
    warmed = compare(["relu", "tanhexp"], seeds=[3], db=tmp_path / "w.db", **FAST).history()
    warmed = warmed[warmed["label"] == "tanhexp"]
    np.testing.assert_allclose(warmed["loss"], [e["loss"] for e in alone.epochs], rtol=1e-6)


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
    table = result.table()
    assert table.loc[exploding_activation, "runs_diverged"] == 2
    assert table.loc[broken_activation, "runs_failed"] == 2
    assert math.isnan(table.loc[broken_activation, "accuracy_mean"])


def test_bad_input_is_rejected_before_any_training(tmp_path):
    db = tmp_path / "bad.db"
    with pytest.raises(ValueError, match="unknown activation 'tanhexpp'"):
        compare(["relu", "tanhexpp"], db=db, **FAST)
    with pytest.raises(ValueError, match="not among the compared"):
        compare(["relu"], baseline="mish", db=db, **FAST)
    with pytest.raises(ValueError, match="test must be one of 'paired_t', 'wilcoxon', not 't'"):
        compare(["relu"], test="t", db=db, **FAST)
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


def test_the_baseline_and_test_are_stored_with_the_comparison(tmp_path):
    from actlab.report import load_comparison

    db, fast = tmp_path / "b.db", {"task": "digits_mlp", "epochs": 1, "quiet": True}
    result = compare(["relu", "tanh"], seeds=2, baseline="tanh", test="wilcoxon", db=db, **fast)
    config = Store(db, readonly=True).comparisons().iloc[0]["config"]
    assert (config["baseline"], config["test"]) == ("tanh", "wilcoxon")
    assert config["task"] == tasks.get("digits_mlp", epochs=1).to_dict()
    table = result.table()
    assert list(table.index) == ["tanh", "relu"] and table.loc["tanh", "verdict"] == "baseline"
    assert table.loc["relu", "test"] == "Wilcoxon signed-rank"
    stored = load_comparison(db)  # what `actlab report` reads
    assert (stored.baseline, stored.test) == ("tanh", "wilcoxon")
    pd.testing.assert_frame_equal(stored.summary(), table)
    # Again with the defaults: nothing is retrained, the table follows the new settings.
    finished = Store(db, readonly=True).runs()["finished"].tolist()
    again = compare(["relu", "tanh"], seeds=2, db=db, **fast)
    assert Store(db, readonly=True).runs()["finished"].tolist() == finished
    assert again.table().index[0] == "relu" and again.table().loc["tanh", "test"] == "paired t"
    assert (load_comparison(db).baseline, load_comparison(db).test) == ("relu", "paired_t")
    with pytest.raises(actlab.experiments.StoreError, match=r"differs in: task\.epochs"):
        compare(["relu"], seeds=1, db=db, name=result.name, task="digits_mlp", epochs=2)


def test_a_comparison_of_an_older_actlab_is_continued_with_its_settings_added(tmp_path):
    db, task = tmp_path / "old.db", tasks.get("digits_mlp", epochs=1)
    with Store(db) as store:  # an older actlab stored the task recipe alone
        store.create_comparison("old", task.name, task.to_dict())
    compare(["relu"], seeds=1, db=db, name="old", task="digits_mlp", epochs=1, quiet=True)
    config = Store(db, readonly=True).comparisons().iloc[0]["config"]
    environment = {"backend": keras.backend.backend(),
                   "dtype_policy": keras.config.dtype_policy().name}  # fmt: skip
    assert config == {"task": task.to_dict(), "baseline": "relu", "test": "paired_t",
                      "environment": environment}  # fmt: skip
