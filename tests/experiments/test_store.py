"""The SQLite results store, on real files: round trip, resume, SIGKILL, and refusals."""

from __future__ import annotations

import hashlib
import math
import os
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from actlab.experiments import store as store_module
from actlab.experiments.store import (
    SCHEMA_VERSION,
    ComparisonMismatchError,
    NewerSchemaError,
    NotActlabDatabaseError,
    NotSQLiteError,
    ReadOnlyStoreError,
    RunStateError,
    Store,
    StoreError,
    StoreLockedError,
    StoreNotFoundError,
    UnknownComparisonError,
    UnknownRunError,
    arrays_to_npz,
    epochs_from_history,
    npz_to_arrays,
    params_key,
    run_key,
)

STORE_FILE = Path(store_module.__file__)

# Loads store.py by path: the subprocesses skip importing actlab (and TensorFlow).
LOAD_STORE = f"""
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location("actlab_store", {str(STORE_FILE)!r})
store_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(store_module)
"""

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

UNPRIVILEGED_READER_SCRIPT = (
    LOAD_STORE
    + """
import os, pwd
db, warm_up = sys.argv[1], sys.argv[2]
with store_module.Store(warm_up) as store:  # imports what queries need while still allowed
    store.runs(), store.epochs()
if os.geteuid() == 0:  # root ignores file modes: drop to nobody
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
try:
    store_module.Store(db)
except store_module.ReadOnlyStoreError:
    print("writer refused")
with store_module.Store(db, readonly=True) as store:
    print("reader sees", len(store.runs()), "runs")
"""
)

EPOCHS = [
    {"epoch": 1, "loss": 1.0, "accuracy": 0.5, "val_loss": 1.1, "val_accuracy": 0.4, "seconds": 2},
    {"epoch": 2, "loss": 0.5, "accuracy": 0.8, "val_loss": 0.6, "val_accuracy": 0.7, "seconds": 4},
    {"epoch": 3, "loss": 0.25, "accuracy": 0.9, "val_loss": 0.3, "val_accuracy": 0.8, "seconds": 3},
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "results.db"


def make_store_with_one_run(path: Path) -> None:
    with Store(path) as store:
        cid = store.create_comparison("cmp", "xor", {"epochs": 3})
        run_id = store.start_run(cid, "relu", {}, 0)
        store.finish_run(run_id, epochs=EPOCHS, test_loss=0.3, test_accuracy=0.9)


def finish(store: Store, run_id: int, accuracy: float = 0.9) -> None:
    store.finish_run(run_id, epochs=EPOCHS, test_loss=0.3, test_accuracy=accuracy)


# -- round trip ------------------------------------------------------------------------------


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


TIMED_EPOCHS = [  # 12 steps an epoch; epoch 1 holds the warm-up (tracing, compilation)
    {"epoch": 1, "seconds": 9.0, "train_seconds": 8.0, "train_steps": 12,
     "timed_seconds": 0.6, "timed_steps": 6},
    {"epoch": 2, "seconds": 2.0, "train_seconds": 1.2, "train_steps": 12,
     "timed_seconds": 1.1, "timed_steps": 11},
    {"epoch": 3, "seconds": 2.5, "train_seconds": 1.4, "train_steps": 12,
     "timed_seconds": 1.1 + 0.22, "timed_steps": 11},
]  # fmt: skip


def test_speed_is_derived_from_stored_epochs_without_the_first(db: Path) -> None:
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor")
        three = store.start_run(cid, "relu", {}, 0)
        store.finish_run(three, epochs=TIMED_EPOCHS, test_loss=0.3, test_accuracy=0.9)
        one = store.start_run(cid, "relu", {}, 1)  # a one-epoch run: epoch 1's timed steps
        store.finish_run(one, epochs=TIMED_EPOCHS[:1], test_loss=0.3, test_accuracy=0.9)
        untimed = store.start_run(cid, "relu", {}, 2)
        store.finish_run(untimed, epochs=EPOCHS, test_loss=0.3, test_accuracy=0.9)
        runs = store.runs().set_index("seed")
        epochs = store.epochs()
    assert runs.loc[0, "step_seconds"] == pytest.approx((1.1 + 1.32) / 22)  # epochs 2 and 3
    assert runs.loc[0, "warmup_seconds"] == 8.0  # epoch 1's training phase, apart
    assert runs.loc[0, "median_epoch_seconds"] == 2.5  # wall time, as before
    assert runs.loc[1, "step_seconds"] == pytest.approx(0.1)
    assert math.isnan(runs.loc[2, "step_seconds"]) and math.isnan(runs.loc[2, "warmup_seconds"])
    mine = epochs[epochs["seed"] == 0]
    assert mine["train_steps"].tolist() == [12, 12, 12]
    assert str(mine["train_steps"].dtype) == "Int64"
    assert mine["timed_seconds"].tolist() == pytest.approx([0.6, 1.1, 1.32])
    assert epochs[epochs["seed"] == 2]["timed_steps"].isna().all()


def test_given_times_override_the_derived_ones(db: Path) -> None:
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor")
        run_id = store.start_run(cid, "relu", {}, 0)
        store.finish_run(run_id, epochs=TIMED_EPOCHS, test_loss=0.3, test_accuracy=0.9,
                         step_seconds=0.5, warmup_seconds=7.0)  # fmt: skip
        run = store.runs().iloc[0]
    assert (run.step_seconds, run.warmup_seconds) == (0.5, 7.0)


def test_schema_meta_wal_and_foreign_keys(db: Path) -> None:
    make_store_with_one_run(db)
    with Store(db) as store:
        assert store._conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    conn = sqlite3.connect(db)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        journal_mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()
    assert meta["application"] == "actlab"
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert {"meta", "comparisons", "runs", "epochs"} <= tables
    assert journal_mode == "wal"


def test_non_finite_metrics_are_stored_as_null_and_read_as_nan(db: Path) -> None:
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor")
        run_id = store.start_run(cid, "relu", {"alpha": float("nan")}, 0, {"x": float("inf")})
        store.add_epoch(run_id, 1, loss=float("nan"), accuracy=np.float32(0.5))
        store.add_epoch(run_id, 2, loss=float("inf"), accuracy=0.5)
        store.mark_run(run_id, "diverged", diverged_epoch=1)
        epochs = store.epochs()
        run = store.runs().iloc[0]
    conn = sqlite3.connect(db)
    try:
        raw = conn.execute("SELECT loss, typeof(loss) FROM epochs ORDER BY epoch").fetchall()
        params = conn.execute("SELECT params, config FROM runs").fetchone()
    finally:
        conn.close()
    assert raw == [(None, "null"), (None, "null")]
    assert epochs["loss"].isna().all() and epochs["accuracy"].tolist() == [0.5, 0.5]
    assert params == ('{"alpha":"nan"}', '{"x":"inf"}')
    assert run.status == "diverged" and run.diverged_epoch == 1 and math.isnan(run.test_loss)


def test_params_are_canonical_json(db: Path) -> None:
    assert params_key({"b": 1, "a": np.float32(0.5)}) == params_key({"a": 0.5, "b": 1})
    assert params_key(None) == params_key({}) == "{}"
    assert run_key("elu", {"alpha": np.float64(1.0)}, np.int64(3)) == ("elu", '{"alpha":1.0}', 3)
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor")
        first = store.start_run(cid, "elu", {"b": 1, "a": 0.5}, 0)
        store.mark_run(first, "failed", error="boom")
        again = store.start_run(cid, "elu", {"a": np.float64(0.5), "b": np.int64(1)}, 0)
        assert again == first


def test_epochs_from_keras_history() -> None:
    history = {"loss": [1.0, 0.5], "accuracy": [0.6, 0.8], "val_loss": [1.2, 0.7], "lr": [1, 1]}
    assert epochs_from_history(history, seconds=[3.0, 2.0]) == [
        {"epoch": 1, "loss": 1.0, "accuracy": 0.6, "val_loss": 1.2, "seconds": 3.0},
        {"epoch": 2, "loss": 0.5, "accuracy": 0.8, "val_loss": 0.7, "seconds": 2.0},
    ]


def test_bad_epoch_records_are_refused_before_writing(db: Path) -> None:
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor")
        run_id = store.start_run(cid, "relu", {}, 0)
        with pytest.raises(ValueError, match="numbered from 1"):
            store.add_epoch(run_id, 0, loss=1.0)
        with pytest.raises(ValueError, match="unknown epoch field"):
            store.finish_run(
                run_id, epochs=[{"epoch": 1, "acc": 0.5}], test_loss=1, test_accuracy=1
            )
        with pytest.raises(ValueError, match="twice"):
            store.finish_run(
                run_id, epochs=[{"epoch": 1}, {"epoch": 1}], test_loss=1, test_accuracy=1
            )
        assert store.runs().loc[0, "status"] == "running"
        assert store.epochs().empty


# -- resume --------------------------------------------------------------------------------


def test_resume_skips_done_runs_and_redoes_the_others(db: Path) -> None:
    with Store(db) as store:
        cid = store.create_comparison("cmp", "xor", {"epochs": 3})
        ids = {seed: store.start_run(cid, "relu", {}, seed, {"attempt": 1}) for seed in range(5)}
        finish(store, ids[0])
        store.mark_run(ids[1], "diverged", diverged_epoch=2, epochs=EPOCHS[:2])
        store.mark_run(ids[2], "failed", error=RuntimeError("out of memory"), epochs=EPOCHS[:1])
        store.mark_run(ids[3], "interrupted")
        # seed 4 stays 'running', as after a SIGKILL

        assert store.done_keys(cid) == {run_key("relu", {}, 0), run_key("relu", {}, 1)}
        assert store.is_done(cid, "relu", None, 1)
        assert not store.is_done(cid, "relu", {}, 2)

        for seed in range(5):  # what a resumed runner does
            if not store.is_done(cid, "relu", {}, seed):
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


def test_mark_run_checks_its_arguments(db: Path) -> None:
    with Store(db) as store:
        run_id = store.start_run(store.create_comparison("cmp", "xor"), "relu", {}, 0)
        with pytest.raises(ValueError, match="finish_run"):
            store.mark_run(run_id, "finished")
        with pytest.raises(ValueError, match="diverged_epoch"):
            store.mark_run(run_id, "diverged")
        with pytest.raises(ValueError, match="diverged_epoch"):
            store.mark_run(run_id, "failed", diverged_epoch=3)


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


def test_runs_and_epochs_filter_by_comparison(db: Path) -> None:
    with Store(db) as store:
        for name in ("a", "b"):
            cid = store.create_comparison(name, "xor")
            finish(store, store.start_run(cid, "relu", {}, 0))
        assert store.runs()["comparison"].tolist() == ["a", "b"]
        assert store.runs("b")["comparison"].tolist() == ["b"]
        assert store.runs(cid)["comparison"].tolist() == ["b"]
        assert set(store.epochs("a")["comparison"]) == {"a"}
        assert len(store.epochs()) == 2 * len(EPOCHS)


def test_empty_store_queries_have_columns(db: Path) -> None:
    with Store(db) as store:
        assert store.runs().empty and "test_accuracy" in store.runs().columns
        assert store.epochs().empty and "val_loss" in store.epochs().columns
        assert store.comparisons().empty


# -- SIGKILL ---------------------------------------------------------------------------------


def wait_for_line(process: subprocess.Popen, timeout: float = 120) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    return process.stdout.readline() if ready else ""


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
        assert store.done_keys(cid) == {run_key("relu", {}, 0), run_key("relu", {}, 1)}

        for seed in range(3):  # the rerun
            if not store.is_done(cid, "relu", {}, seed):
                run_id = store.start_run(cid, "relu", {}, seed, {"seed": seed})
                assert run_id == runs.loc[seed, "run_id"]
                finish(store, run_id)
        runs = store.runs(cid)
        epochs = store.epochs(cid).groupby("seed").size()

    assert runs["seed"].tolist() == [0, 1, 2]  # each key exactly once
    assert runs["status"].tolist() == ["finished"] * 3
    assert runs["attempts"].tolist() == [1, 1, 2]
    assert epochs.tolist() == [5, 5, len(EPOCHS)]


# -- stores of the old schema -------------------------------------------------------------

# Version 1's tables exactly as its writer created them (that writer no longer exists).
SCHEMA_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE comparisons (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, task TEXT NOT NULL,
        config TEXT NOT NULL DEFAULT '{}', created TEXT NOT NULL)""",
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        comparison_id INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
        activation TEXT NOT NULL, params TEXT NOT NULL DEFAULT '{}', seed INTEGER NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('running', 'finished', 'diverged', 'failed', 'interrupted')),
        attempts INTEGER NOT NULL DEFAULT 1, config TEXT NOT NULL DEFAULT '{}',
        test_loss REAL, test_accuracy REAL, param_count INTEGER, total_seconds REAL,
        median_epoch_seconds REAL, diverged_epoch INTEGER, error TEXT, started TEXT NOT NULL,
        finished TEXT, weights BLOB, predictions BLOB,
        UNIQUE (comparison_id, activation, params, seed),
        CHECK (status = 'running' OR finished IS NOT NULL),
        CHECK (status <> 'diverged' OR diverged_epoch IS NOT NULL))""",
    """CREATE TABLE epochs (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL CHECK (epoch >= 1), loss REAL, accuracy REAL, val_loss REAL,
        val_accuracy REAL, seconds REAL, PRIMARY KEY (run_id, epoch)) WITHOUT ROWID""",
)


def make_v1_store(path: Path) -> None:
    """A version 1 store with one finished relu run of 3 epochs and its weights."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for statement in SCHEMA_V1:
        conn.execute(statement)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("application", "actlab"), ("schema_version", "1"), ("created", "2025-01-01T00:00:00Z"),
    ])  # fmt: skip
    conn.execute("INSERT INTO comparisons VALUES (1, 'cmp', 'xor', '{}', '2025-01-01T00:00:00Z')")
    conn.execute(
        "INSERT INTO runs (id, comparison_id, activation, params, seed, status, test_loss,"
        " test_accuracy, median_epoch_seconds, started, finished, weights) VALUES"
        " (1, 1, 'relu', '{}', 0, 'finished', 0.3, 0.9, 3.0, '2025-01-01T00:00:00Z',"
        " '2025-01-01T00:01:00Z', X'0102')"
    )
    conn.executemany(
        "INSERT INTO epochs (run_id, epoch, loss, seconds) VALUES (1, ?, ?, ?)",
        [(e["epoch"], e["loss"], e["seconds"]) for e in EPOCHS],
    )
    conn.close()


def columns(path: Path, table: str) -> list[str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def schema_version_of(path: Path) -> str:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]


def check_old_run(store: Store) -> None:
    run = store.runs("cmp").iloc[0]
    assert (run.activation, run.seed, run.status, run.test_accuracy) == ("relu", 0, "finished", 0.9)
    assert run.median_epoch_seconds == 3.0 and math.isnan(run.step_seconds)
    assert store.run_blob(int(run.run_id), "weights") == b"\x01\x02"
    epochs = store.epochs("cmp")
    assert epochs["loss"].tolist() == [e["loss"] for e in EPOCHS]
    assert epochs["timed_steps"].isna().all()


def test_a_version_1_store_is_migrated_in_place_and_keeps_its_runs(db: Path) -> None:
    make_v1_store(db)
    fresh = db.with_name("fresh.db")
    Store(fresh).close()
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        check_old_run(store)
        cid = store.comparison_id("cmp")
        run_id = store.start_run(cid, "relu", {}, 1)
        store.finish_run(run_id, epochs=TIMED_EPOCHS, test_loss=0.3, test_accuracy=0.8)
        assert store.runs("cmp").set_index("seed").loc[1, "step_seconds"] == pytest.approx(0.11)
        assert store.done_keys(cid) == {run_key("relu", {}, 0), run_key("relu", {}, 1)}
    assert schema_version_of(db) == str(SCHEMA_VERSION)
    for table in ("runs", "epochs"):  # the same columns as a store made by this version
        assert sorted(columns(db, table)) == sorted(columns(fresh, table))
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_version_1_store_opened_read_only_is_read_as_it_is(db: Path) -> None:
    make_v1_store(db)
    before = sha256(db)
    with Store(db, readonly=True) as store:
        assert store.schema_version == 1
        check_old_run(store)
    assert sha256(db) == before and schema_version_of(db) == "1"


def test_a_version_1_store_in_a_read_only_file_is_refused_for_writing_but_read(db: Path) -> None:
    make_v1_store(db)
    before = sha256(db)
    db.chmod(0o444)
    try:
        with pytest.raises(ReadOnlyStoreError, match="can still be read"):
            Store(db)
        with Store(db, readonly=True) as store:
            check_old_run(store)
    finally:
        db.chmod(0o644)
    assert sha256(db) == before and "step_seconds" not in columns(db, "runs")


def test_a_migration_that_fails_changes_nothing(db: Path, monkeypatch) -> None:
    make_v1_store(db)
    broken = {
        2: {
            **store_module.ADDED_COLUMNS[2],
            "epochs": (("timed_steps", "INTEGER"), ("loss", "REAL")),
        }
    }  # loss: duplicate
    monkeypatch.setattr(store_module, "ADDED_COLUMNS", broken)
    with pytest.raises(StoreError, match="duplicate column"):
        Store(db)
    monkeypatch.undo()
    assert "step_seconds" not in columns(db, "runs")  # the runs step was rolled back too
    assert "timed_steps" not in columns(db, "epochs") and schema_version_of(db) == "1"
    with Store(db) as store:  # and the real migration still works afterwards
        check_old_run(store)


# -- refusals: the file is left byte-identical ----------------------------------------------


def make_foreign_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    conn.commit()
    conn.close()


def make_newer_store(path: Path) -> None:
    make_store_with_one_run(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()


def make_text_file(path: Path) -> None:
    path.write_text("activation,accuracy\nrelu,0.9\n" * 20)


@pytest.mark.parametrize("readonly", [False, True])
@pytest.mark.parametrize(
    ("make", "error", "hint"),
    [
        (make_foreign_database, NotActlabDatabaseError, "not an actlab results store"),
        (make_newer_store, NewerSchemaError, "Upgrade actlab"),
        (make_text_file, NotSQLiteError, "not a SQLite database"),
    ],
)
def test_refused_files_are_left_untouched(db: Path, make, error, hint, readonly: bool) -> None:
    make(db)
    before = sha256(db)
    with pytest.raises(error, match=hint) as excinfo:
        Store(db, readonly=readonly)
    assert str(db) in str(excinfo.value)
    assert sha256(db) == before


def test_foreign_wal_left_by_a_crash_is_not_folded_into_the_file(db: Path) -> None:
    """Opening read-write would checkpoint the foreign WAL into the file when closing."""
    crashed_writer = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA journal_mode = WAL')\n"
        "conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "conn.execute('CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)')\n"
        "conn.execute('INSERT INTO invoices (amount) VALUES (12.5)')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", crashed_writer, str(db)], check=True, timeout=60)
    assert Path(f"{db}-wal").stat().st_size > 0
    before = sha256(db)
    for readonly in (False, True):
        with pytest.raises(NotActlabDatabaseError, match="invoices"):
            Store(db, readonly=readonly)
    assert sha256(db) == before


def test_reading_a_missing_file_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreNotFoundError, match="does not exist"):
        Store(missing, readonly=True)
    assert not missing.exists()


def test_writing_creates_the_file_and_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "results.db"
    with Store(path) as store:
        store.create_comparison("cmp", "xor")
    assert path.exists()


def test_an_empty_file_becomes_a_store_but_is_not_read_as_one(db: Path) -> None:
    db.touch()
    with pytest.raises(NotActlabDatabaseError, match="empty"):
        Store(db, readonly=True)
    with Store(db) as store:
        store.create_comparison("cmp", "xor")


def test_a_directory_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


def test_a_readonly_store_refuses_to_write(db: Path) -> None:
    make_store_with_one_run(db)
    before = sha256(db)
    with Store(db, readonly=True) as store, pytest.raises(ReadOnlyStoreError, match="readonly"):
        store.create_comparison("other", "xor")
    assert sha256(db) == before


@pytest.mark.parametrize("target", ["file", "directory"])
def test_read_only_file_or_directory(db: Path, target: str) -> None:
    make_store_with_one_run(db)
    before = sha256(db)
    locked = db if target == "file" else db.parent
    mode = locked.stat().st_mode
    locked.chmod(0o444 if target == "file" else 0o555)
    try:
        with pytest.raises(ReadOnlyStoreError, match="can still be read") as excinfo:
            Store(db)
        assert str(db) in str(excinfo.value)
        with Store(db, readonly=True) as store:
            assert store.runs()["status"].tolist() == ["finished"]
    finally:
        locked.chmod(mode)
    assert sha256(db) == before


def test_read_only_directory_for_an_unprivileged_user(tmp_path: Path) -> None:
    """A user who may not write: writing is refused, reading works although no -shm can be
    created next to the WAL-mode file."""
    if os.geteuid() == 0:
        pwd = pytest.importorskip("pwd")
        try:
            pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("running as root and there is no 'nobody' user to drop to")
    directory = Path(tempfile.mkdtemp(prefix="actlab-ro-"))  # outside root's private tmp_path
    db = directory / "results.db"
    try:
        make_store_with_one_run(db)
        assert not Path(f"{db}-wal").exists()  # a clean close leaves no WAL to recover
        before = sha256(db)
        db.chmod(0o444)
        directory.chmod(0o555)
        result = subprocess.run(
            [sys.executable, "-c", UNPRIVILEGED_READER_SCRIPT, str(db), str(tmp_path / "w.db")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split("\n")[:2] == ["writer refused", "reader sees 1 runs"]
        assert sha256(db) == before
        assert sorted(path.name for path in directory.iterdir()) == ["results.db"]
    finally:
        directory.chmod(0o755)
        db.chmod(0o644)
        for path in directory.iterdir():
            path.unlink()
        directory.rmdir()


def test_locked_database_times_out_with_a_clear_error(db: Path) -> None:
    make_store_with_one_run(db)
    before = sha256(db)
    other_writer = sqlite3.connect(db, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreLockedError, match="locked by another process") as excinfo:
            Store(db, timeout=0.2)
        assert str(db) in str(excinfo.value)
        assert sha256(db) == before
        with Store(db, readonly=True) as reader:  # WAL: readers are not blocked
            assert len(reader.runs()) == 1
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert sha256(db) == before


def test_a_write_waiting_on_a_lock_fails_cleanly_and_the_store_stays_usable(db: Path) -> None:
    make_store_with_one_run(db)
    with Store(db, timeout=0.2) as store:
        cid = store.comparison_id("cmp")
        other_writer = sqlite3.connect(db, isolation_level=None)
        other_writer.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreLockedError):
                store.start_run(cid, "gelu", {}, 0)
        finally:
            other_writer.execute("ROLLBACK")
            other_writer.close()
        finish(store, store.start_run(cid, "gelu", {}, 0))
        assert sorted(store.runs()["activation"]) == ["gelu", "relu"]


def test_reader_and_writer_at_the_same_time(db: Path) -> None:
    make_store_with_one_run(db)
    with Store(db) as writer, Store(db, readonly=True) as reader:
        cid = writer.comparison_id("cmp")
        run_id = writer.start_run(cid, "gelu", {}, 0)
        writer.add_epoch(run_id, 1, loss=0.7)
        assert reader.runs()["status"].tolist() == ["finished", "running"]
        assert len(reader.epochs()) == len(EPOCHS) + 1
