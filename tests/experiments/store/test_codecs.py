"""Values as stored: canonical JSON keys, and non-finite numbers as NULL read back as NaN."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import numpy as np

from actlab.experiments.store import (
    Store,
    params_key,
    run_key,
)


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
