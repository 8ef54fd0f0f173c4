"""The schema: meta rows, WAL, foreign keys; version 1 stores migrated, or read as they are."""

from __future__ import annotations

import math
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from actlab.experiments.store import (
    SCHEMA_VERSION,
    ReadOnlyStoreError,
    Store,
    StoreError,
    run_key,
    schema,
)
from tests.experiments.store.stores import (
    EPOCHS,
    TIMED_EPOCHS,
    make_store_with_one_run,
    sha256,
)


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


# -- stores of the old schema ---------------------------------------------------------


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
            **schema.ADDED_COLUMNS[2],
            "epochs": (("timed_steps", "INTEGER"), ("loss", "REAL")),
        }
    }  # loss: duplicate
    monkeypatch.setattr(schema, "ADDED_COLUMNS", broken)
    with pytest.raises(StoreError, match="duplicate column"):
        Store(db)
    monkeypatch.undo()
    assert "step_seconds" not in columns(db, "runs")  # the runs step was rolled back too
    assert "timed_steps" not in columns(db, "epochs") and schema_version_of(db) == "1"
    with Store(db) as store:  # and the real migration still works afterwards
        check_old_run(store)
