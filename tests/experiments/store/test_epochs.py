"""Epoch records: checked before writing, and the run's times derived from them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from actlab.experiments.store import (
    Store,
)
from tests.experiments.store.stores import (
    EPOCHS,
    TIMED_EPOCHS,
)


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
