"""Connections under another writer's lock: a clear error, and a store that stays usable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from actlab.experiments.store import (
    Store,
    StoreLockedError,
)
from tests.experiments.store.stores import (
    finish,
    make_store_with_one_run,
    sha256,
)


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
