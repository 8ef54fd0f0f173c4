"""``--jobs N``: local worker processes store what one process stores; a worker killed mid-run
fails its run (or has it started again) and the comparison goes on; Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from actlab.cli import app
from actlab.experiments import Store, compare
from actlab.experiments.executors import make_executor, threads_per_worker
from actlab.experiments.executors.local import LocalExecutor
from actlab.experiments.executors.processes import ProcessExecutor
from tests.experiments.executors.commands import (
    BLOCKED,
    finish,
    release,
    runs,
    start,
    wait_for,
    waiting_pid,
    waiting_pids,
)

SMALL = {"task": "digits_mlp", "seeds": 2, "epochs": 2, "quiet": True}
#: What a run stores that does not depend on who trained it (times and config do).
RESULTS = ["label", "seed", "status", "attempts", "test_loss", "test_accuracy", "param_count",
           "has_weights", "has_predictions"]  # fmt: skip
EPOCH_RESULTS = ["label", "seed", "epoch", "loss", "accuracy", "val_loss", "val_accuracy",
                 "train_steps", "timed_steps"]  # fmt: skip
STATISTICS = ["runs_finished", "runs_failed", "accuracy_mean", "accuracy_std",
              "accuracy_ci95_low", "accuracy_ci95_high", "loss_mean", "diff_to_baseline",
              "diff_ci95_low", "diff_ci95_high", "cohens_d", "accuracy_pairs", "p_value",
              "p_holm", "verdict"]  # fmt: skip


def stored(db: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with Store(db, readonly=True) as store:
        runs_frame = store.runs().sort_values(["label", "seed"], ignore_index=True)
        epochs = store.epochs().sort_values(["label", "seed", "epoch"], ignore_index=True)
    return runs_frame, epochs


def test_make_executor_chooses_by_jobs_and_checks_its_options():
    assert isinstance(make_executor("local", 1), LocalExecutor)
    assert isinstance(make_executor("local", None), LocalExecutor)
    assert isinstance(make_executor("local", 3), ProcessExecutor)
    assert make_executor("local", 3).slots == 3
    with pytest.raises(ValueError, match="executor must be one of local, ray"):
        make_executor("dask")
    with pytest.raises(ValueError, match="jobs must be"):
        make_executor("local", 0)
    with pytest.raises(ValueError, match="address only go with executor='ray'"):
        make_executor("local", 2, address="auto")
    assert threads_per_worker(2, cores=2) == 1 and threads_per_worker(3, cores=16) == 5
    assert threads_per_worker(4, cores=2) == 1  # never 0


def test_workers_started_early_are_taken_by_the_next_make_executor_for_their_count():
    from actlab.experiments.executors import prestart

    prestart("local", 0)  # refused later, by make_executor, where the caller expects it
    prestart("ray", 2)  # nothing to start early
    prestart("local", 1)
    prestart("local", 2)
    with make_executor("local", 2) as early:
        assert isinstance(early, ProcessExecutor)
        assert len(early._processes()) == 1  # its one worker process, already started
        with make_executor("local", 2) as later:  # a second call starts its own
            assert later is not early and later._processes() == []


def test_an_activation_registered_by_hand_cannot_go_to_workers(tmp_path):
    from actlab import activations
    from actlab.activations import keras_strings, registry

    @activations.register(name="test_by_hand", formula="x")
    def test_by_hand(x):
        """Only in this process."""
        return x

    try:
        with pytest.raises(ValueError, match="test_by_hand is registered in this process only"):
            compare(["relu", "test_by_hand"], db=tmp_path / "h.db", jobs=2, **SMALL)
    finally:
        registry._SPECS.pop("test_by_hand")
        keras_strings.remove("test_by_hand")
    assert not (tmp_path / "h.db").exists()  # refused before the store is opened


def test_workers_train_and_record_under_the_drivers_dtype_policy(tmp_path):
    import keras

    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        compare(["relu"], db=tmp_path / "mixed.db", jobs=2, **SMALL)
    finally:
        keras.config.set_dtype_policy("float32")
    found = stored(tmp_path / "mixed.db")[0]["config"]
    assert [config["dtype_policy"] for config in found] == ["mixed_bfloat16"] * SMALL["seeds"]
    assert {config["executor"]["kind"] for config in found} == {"processes"}


@pytest.mark.slow
def test_jobs_2_stores_what_one_process_stores(tmp_path):
    one = compare(["relu", "tanhexp"], db=tmp_path / "one.db", **SMALL)
    two = compare(["relu", "tanhexp"], db=tmp_path / "two.db", jobs=2, **SMALL)
    runs_one, epochs_one = stored(tmp_path / "one.db")
    runs_two, epochs_two = stored(tmp_path / "two.db")
    pd.testing.assert_frame_equal(runs_one[RESULTS], runs_two[RESULTS])
    pd.testing.assert_frame_equal(epochs_one[EPOCH_RESULTS], epochs_two[EPOCH_RESULTS])
    pd.testing.assert_frame_equal(one.table()[STATISTICS], two.table()[STATISTICS])
    workers = {config["executor"]["kind"] for config in runs_two["config"]}
    threads = {config["executor"]["threads"] for config in runs_two["config"]}
    assert workers == {"processes"} and threads == {threads_per_worker(2)}
    assert {config["executor"]["kind"] for config in runs_one["config"]} == {"local"}
    assert runs_two["owner"].nunique() == 1  # the driver claimed and wrote every run


@pytest.mark.slow
def test_a_killed_worker_fails_its_run_and_the_comparison_goes_on(tmp_path):
    db = tmp_path / "killed.db"
    process = start(db, [*BLOCKED, "--seeds", "1", "--jobs", "2"], hooks=tmp_path)
    worker = waiting_pid(tmp_path, process)
    assert worker != process.pid  # a worker process waits, not the driver
    os.kill(worker, signal.SIGKILL)
    code, out, err = finish(process)
    assert code == 0, err
    assert runs(db) == [("blocking_relu", 0, "failed", 1), ("relu", 0, "finished", 1)]
    with Store(db, readonly=True) as store:
        error = store.runs().set_index("activation").loc["blocking_relu", "error"]
    assert error.startswith("WorkerDied: the worker process training blocking_relu seed 0 died")
    assert "SIGKILL" in error and "blocking_relu" in out  # the table, with the failed run
    code, _, err = finish(start(db, [*BLOCKED, "--seeds", "1", "--jobs", "2"]))
    assert code == 0, err
    assert runs(db) == [("blocking_relu", 0, "finished", 2), ("relu", 0, "finished", 1)]


@pytest.mark.slow
def test_a_killed_workers_run_is_started_again_with_retries(tmp_path):
    db = tmp_path / "retried.db"
    process = start(db, [*BLOCKED, "--seeds", "1", "--jobs", "2", "--retries", "1"],
                    hooks=tmp_path)  # fmt: skip
    first = waiting_pid(tmp_path, process)
    os.kill(first, signal.SIGKILL)
    waiting_pid(tmp_path, process, old=first)  # a new worker, waiting in the same run
    release(tmp_path)
    code, _, err = finish(process)
    assert code == 0, err
    assert runs(db) == [("blocking_relu", 0, "finished", 2), ("relu", 0, "finished", 1)]


@pytest.mark.slow
def test_ctrl_c_stops_the_workers_and_marks_their_runs_interrupted(tmp_path):
    db = tmp_path / "stopped.db"
    process = start(db, [*BLOCKED, "--seeds", "1", "--jobs", "2"], hooks=tmp_path)
    waiting_pid(tmp_path, process)
    wait_for(db, "SELECT status FROM runs WHERE activation = 'relu'", [("finished",)], process)
    process.send_signal(signal.SIGINT)
    release(tmp_path)  # the worker goes on, sees the stop at its next batch
    code, _, err = finish(process)
    assert code == 130, err
    assert "interrupted during blocking_relu seed 0" in err and "Traceback" not in err
    assert runs(db) == [("blocking_relu", 0, "interrupted", 1), ("relu", 0, "finished", 1)]


@pytest.mark.slow
def test_the_driver_trains_runs_itself_beside_its_worker_and_ctrl_c_stops_both(tmp_path):
    db = tmp_path / "driver.db"
    # relu 0 goes to the driver's own thread, blocking_relu 0 to the one worker process
    # (where it waits); relu 1, then blocking_relu 1 go to the driver, which waits too
    # (which of the two reaches the hook first depends on the worker's start-up).
    process = start(db, [*BLOCKED, "--seeds", "2", "--jobs", "2"], hooks=tmp_path)
    waiting = waiting_pids(tmp_path, process, 2)
    assert len(waiting) == 2 and process.pid in waiting
    assert runs(db) == [("blocking_relu", 0, "running", 1), ("blocking_relu", 1, "running", 1),
                        ("relu", 0, "finished", 1), ("relu", 1, "finished", 1)]  # fmt: skip
    process.send_signal(signal.SIGINT)
    release(tmp_path)
    code, _, err = finish(process)
    assert code == 130, err
    assert "Traceback" not in err
    assert runs(db) == [("blocking_relu", 0, "interrupted", 1),
                        ("blocking_relu", 1, "interrupted", 1),
                        ("relu", 0, "finished", 1), ("relu", 1, "finished", 1)]  # fmt: skip


def test_the_cli_refuses_ray_options_without_ray(tmp_path):
    result = CliRunner().invoke(
        app, ["compare", "relu", "--task", "digits_mlp", "--cpus-per-run", "2", "--db",
              str(tmp_path / "x.db")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "cpus_per_run only go with executor='ray' (--executor ray)" in result.output
