"""The Store's queries: runs and epochs by comparison, with their columns even when empty."""

from __future__ import annotations

from pathlib import Path

from actlab.experiments.store import (
    Store,
)
from tests.experiments.store.stores import (
    EPOCHS,
    finish,
)


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
