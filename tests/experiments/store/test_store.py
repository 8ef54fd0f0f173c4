"""The Store's writes on real files: a run's life, resuming, and a SIGKILL at any point."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from actlab.experiments.store import (
    ComparisonMismatchError,
    ReadOnlyStoreError,
    RunStateError,
    Store,
    UnknownComparisonError,
    UnknownRunError,
    arrays_to_npz,
    npz_to_arrays,
    run_key,
)
from tests.experiments.store.stores import (
    EPOCHS,
    LOAD_STORE,
    finish,
    make_store_with_one_run,
    sha256,
    wait_for_line,
)


def test_round_trip_of_a_finished_run(db: Path) -> None:
    predictions = arrays_to_npz(y_true=np.array([0, 1, 1]), y_pred=np.array([0, 1, 0]))
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor", {"epochs": 3, "lr": 0.01})
        run_id = store.start_run(cid, "elu", {"alpha": 0.5}, 7, {"seed": 7, "backend": "jax"})
        store.finish_run(
            run_id,
            epochs=EPOCHS,
            test_loss=0.31,
            test_accuracy=0.875,
            param_count=np.int64(1234),
            total_seconds=9.5,
            weights=b"weights-bytes",
            predictions=predictions,
        )
    with Store(db, readonly=True) as store:
        comparisons = store.comparisons()
        runs = store.runs("cmp")
        epochs = store.epochs("cmp")
        weights = store.run_blob(run_id, "weights")
        arrays = npz_to_arrays(store.run_blob(run_id, "predictions"))

    assert comparisons[["id", "name", "task", "runs"]].values.tolist() == [[cid, "cmp", "xor", 1]]
    assert comparisons.loc[0, "config"] == {"epochs": 3, "lr": 0.01}
    run = runs.iloc[0]
    assert len(runs) == 1
    assert (run.run_id, run.activation, run.params, run.label, run.seed, run.status) == (
        run_id, "elu", {"alpha": 0.5}, "elu(alpha=0.5)", 7, "finished",
    )  # fmt: skip
    assert (run.test_loss, run.test_accuracy, run.param_count, run.total_seconds) == (
        0.31, 0.875, 1234, 9.5,
    )  # fmt: skip
    assert run.median_epoch_seconds == 3.0  # median of the epochs' seconds
    assert run.config == {"seed": 7, "backend": "jax"}
    assert run.has_weights and run.has_predictions
    assert run.finished >= run.started
    assert epochs["epoch"].tolist() == [1, 2, 3]
    assert epochs[["loss", "accuracy", "val_loss", "val_accuracy", "seconds"]].values.tolist() == [
        [e["loss"], e["accuracy"], e["val_loss"], e["val_accuracy"], e["seconds"]] for e in EPOCHS
    ]
    assert set(epochs["activation"]) == {"elu"} and set(epochs["seed"]) == {7}
    assert weights == b"weights-bytes"
    assert arrays["y_pred"].tolist() == [0, 1, 0]


def test_comparisons_are_reused_by_name_with_the_same_settings(db: Path) -> None:
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor", {"epochs": 3})
        assert store.create_comparison("cmp", "xor", {"epochs": 3}) == cid
        assert store.comparison_id("cmp") == cid
        with pytest.raises(ComparisonMismatchError, match="task"):
            store.create_comparison("cmp", "mnist", {"epochs": 3})
        with pytest.raises(ComparisonMismatchError, match="epochs"):
            store.create_comparison("cmp", "xor", {"epochs": 4})
        assert store.create_comparison("cmp", "xor", {"epochs": 4}, replace_config=True) == cid
        assert store.comparisons().loc[0, "config"] == {"epochs": 4}
        with pytest.raises(UnknownComparisonError, match="'cmp'"):
            store.runs("other")
        with pytest.raises(UnknownComparisonError):
            store.start_run(99, "relu", {}, 0)


def test_mark_run_checks_its_arguments(db: Path) -> None:
    with Store(db) as store:
        run_id = store.start_run(store.create_comparison("cmp", "xor"), "relu", {}, 0)
        with pytest.raises(ValueError, match="finish_run"):
            store.mark_run(run_id, "finished")
        with pytest.raises(ValueError, match="diverged_epoch"):
            store.mark_run(run_id, "diverged")
        with pytest.raises(ValueError, match="diverged_epoch"):
            store.mark_run(run_id, "failed", diverged_epoch=3)


def test_only_running_runs_can_end(db: Path) -> None:
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor")
        run_id = store.start_run(cid, "relu", {}, 0)
        finish(store, run_id)
        with pytest.raises(RunStateError, match="not running"):
            finish(store, run_id)
        with pytest.raises(RunStateError):
            store.mark_run(run_id, "failed", error="late")
        with pytest.raises(RunStateError):
            store.add_epoch(run_id, 4, loss=0.1)
        with pytest.raises(UnknownRunError):
            finish(store, 999)
        with pytest.raises(UnknownRunError):
            store.run_blob(999, "weights")
        with pytest.raises(ValueError, match="kind"):
            store.run_blob(run_id, "optimizer")
        assert store.runs().loc[0, "test_accuracy"] == 0.9


def test_a_readonly_store_refuses_to_write(db: Path) -> None:
    make_store_with_one_run(db)
    before = sha256(db)
    with Store(db, readonly=True) as store, pytest.raises(ReadOnlyStoreError, match="readonly"):
        store.create_comparison("other", "xor")
    assert sha256(db) == before


def test_reader_and_writer_at_the_same_time(db: Path) -> None:
    make_store_with_one_run(db)
    with Store(db) as writer, Store(db, readonly=True) as reader:
        cid = writer.comparison_id("cmp")
        run_id = writer.start_run(cid, "gelu", {}, 0)
        writer.add_epoch(run_id, 1, loss=0.7)
        assert reader.runs()["status"].tolist() == ["finished", "running"]
        assert len(reader.epochs()) == len(EPOCHS) + 1


# -- resume ---------------------------------------------------------------------------


def test_resume_skips_done_runs_and_redoes_the_others(db: Path) -> None:
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor", {"epochs": 3})
        ids = {seed: store.start_run(cid, "relu", {}, seed, {"attempt": 1}) for seed in range(5)}
        finish(store, ids[0])
        store.mark_run(ids[1], "diverged", diverged_epoch=2, epochs=EPOCHS[:2])
        store.mark_run(ids[2], "failed", error=RuntimeError("out of memory"), epochs=EPOCHS[:1])
        store.mark_run(ids[3], "interrupted")
        # seed 4 stays 'running', as after a SIGKILL

        done = store.done_keys(cid)
        assert done == {run_key("relu", {}, 0), run_key("relu", {}, 1)}
        assert run_key("relu", None, 1) in done  # no params and {} are the same key
        assert run_key("relu", {}, 2) not in done

        for seed in range(5):  # what a resumed runner does
            if run_key("relu", {}, seed) not in done:
                assert store.start_run(cid, "relu", {}, seed, {"attempt": 2}) == ids[seed]
                finish(store, ids[seed], accuracy=0.8)
        runs = store.runs(cid).set_index("seed")
        epochs = store.epochs(cid)

    assert len(runs) == 5 and runs.index.is_unique
    assert runs["status"].tolist() == ["finished", "diverged"] + ["finished"] * 3
    assert runs["attempts"].tolist() == [1, 1, 2, 2, 2]
    assert runs["test_accuracy"].tolist()[2:] == [0.8, 0.8, 0.8]
    assert [config["attempt"] for config in runs["config"]] == [1, 1, 2, 2, 2]
    assert runs["error"].isna().tolist() == [True] * 5  # a redone run forgets the old error
    assert epochs.groupby("seed").size().tolist() == [3, 2, 3, 3, 3]


def test_failed_run_keeps_its_error_and_epochs(db: Path) -> None:
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor")
        run_id = store.start_run(cid, "relu", {}, 0)
        try:
            raise RuntimeError("out of memory")
        except RuntimeError as error:
            store.mark_run(run_id, "failed", error=error, epochs=EPOCHS[:1])
        run = store.runs().iloc[0]
        assert run.status == "failed" and len(store.epochs()) == 1
        assert "Traceback" in run.error and "RuntimeError: out of memory" in run.error


def test_a_done_run_is_only_restarted_with_redo(db: Path) -> None:
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor")
        run_id = store.start_run(cid, "relu", {}, 0)
        finish(store, run_id)
        with pytest.raises(RunStateError, match="redo=True"):
            store.start_run(cid, "relu", {}, 0)
        assert store.start_run(cid, "relu", {}, 0, redo=True) == run_id
        assert store.runs().loc[0, "status"] == "running" and store.epochs().empty


# -- SIGKILL --------------------------------------------------------------------------


KILLED_RUN_SCRIPT = (
    LOAD_STORE
    + """
db, stage = sys.argv[1], sys.argv[2]
store = store_module.Store(db)
cid = store.create_comparison("cmp", "toy", {"epochs": 5})
epochs = [{"epoch": e, "loss": 1.0 / e, "accuracy": 0.5, "seconds": 0.1} for e in range(1, 6)]
for seed in (0, 1):
    run_id = store.start_run(cid, "relu", {}, seed, {"seed": seed})
    store.finish_run(run_id, epochs=epochs, test_loss=0.2, test_accuracy=0.9)
run_id = store.start_run(cid, "relu", {}, 2, {"seed": 2})
store.add_epoch(run_id, 1, loss=1.0)
store.add_epoch(run_id, 2, loss=0.5)

def wait_for_kill(statement):
    if statement.lstrip().startswith("UPDATE runs SET"):
        print("KILL ME", flush=True)
        time.sleep(600)

if stage == "inside_finish_run":
    # Stops inside finish_run's transaction: its epochs are written, the run row is not.
    store._conn.set_trace_callback(wait_for_kill)
    store.finish_run(run_id, epochs=epochs, test_loss=0.2, test_accuracy=0.9)
else:
    print("KILL ME", flush=True)
    time.sleep(600)
"""
)


@pytest.mark.parametrize("stage", ["between_epochs", "inside_finish_run"])
def test_sigkill_leaves_a_consistent_store_that_resumes(db: Path, stage: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN_SCRIPT, str(db), stage],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = wait_for_line(process)
        assert line.strip() == "KILL ME", process.stderr.read() if process.poll() else line
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()

    with Store(db) as store:
        cid = store.comparison_id("cmp")
        runs = store.runs(cid).set_index("seed")
        epochs = store.epochs(cid).groupby("seed").size()
        assert runs["status"].tolist() == ["finished", "finished", "running"]
        assert epochs.tolist() == [5, 5, 2]  # the killed finish_run wrote none of its epochs
        done = store.done_keys(cid)
        assert done == {run_key("relu", {}, 0), run_key("relu", {}, 1)}

        for seed in range(3):  # the rerun
            if run_key("relu", {}, seed) not in done:
                run_id = store.start_run(cid, "relu", {}, seed, {"seed": seed})
                assert run_id == runs.loc[seed, "run_id"]
                finish(store, run_id)
        runs = store.runs(cid)
        epochs = store.epochs(cid).groupby("seed").size()

    assert runs["seed"].tolist() == [0, 1, 2]  # each key exactly once
    assert runs["status"].tolist() == ["finished"] * 3
    assert runs["attempts"].tolist() == [1, 1, 2]
    assert epochs.tolist() == [5, 5, len(EPOCHS)]
