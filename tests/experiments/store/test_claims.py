"""Claiming runs: one owner per running run, taken over only once that owner is dead, and
a race of processes that claim the same runs giving each run to exactly one of them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from actlab.experiments.store import RunStateError, Store
from tests.experiments.store.stores import LOAD_STORE, finish


def _comparison(store: Store) -> int:
    return store.create_comparison("cmp", "xor", {"epochs": 3})


def test_a_claimed_run_is_left_to_its_live_owner(db: Path) -> None:
    with Store(db) as first, Store(db) as second:
        cid = _comparison(first)
        claim = first.claim_run(cid, "relu", {}, 0)
        assert claim.claimed and claim.status is None
        other = second.claim_run(cid, "relu", {}, 0)
        assert not other.claimed and other.held_by_other and other.owner == first.owner
        assert second.held_by_others(cid) == {("relu", "{}", 0)}
        assert first.held_by_others(cid) == set()
        with pytest.raises(RunStateError, match="being trained by process"):
            second.start_run(cid, "relu", {}, 0)
        with pytest.raises(RunStateError, match="taken over"):  # only the owner writes it
            finish(second, claim.run_id)
        finish(first, claim.run_id)
        done = second.claim_run(cid, "relu", {}, 0)
        assert not done.claimed and done.status == "finished"
        run = first.runs().iloc[0]
        assert (run.status, run.attempts, run.owner) == ("finished", 1, first.owner)


def test_a_closed_stores_running_run_is_taken_over_at_once(db: Path) -> None:
    with Store(db) as first:
        cid = _comparison(first)
        run_id = first.claim_run(cid, "relu", {}, 0).run_id
    with Store(db) as second:
        claim = second.claim_run(cid, "relu", {}, 0)
        assert claim.claimed and claim.run_id == run_id and claim.status == "running"
        run = second.runs().iloc[0]
        assert (run.status, run.attempts, run.owner) == ("running", 2, second.owner)


def test_a_silent_owner_loses_its_run_after_the_lease(db: Path) -> None:
    with Store(db) as first, Store(db, lease_seconds=0.5) as second:
        cid = _comparison(first)
        run_id = first.claim_run(cid, "relu", {}, 0).run_id
        assert not second.claim_run(cid, "relu", {}, 0).claimed
        with closing(sqlite3.connect(db)) as conn, conn:  # its heartbeat stops, as when paused
            conn.execute("UPDATE runs SET heartbeat = heartbeat - 5")
        claim = second.claim_run(cid, "relu", {}, 0)
        assert claim.claimed and claim.run_id == run_id
        with pytest.raises(RunStateError, match="taken over"):  # the old owner comes back
            first.add_epoch(run_id, 1, loss=0.5)


def test_the_heartbeat_keeps_a_claim_fresh(db: Path) -> None:
    with Store(db) as store:
        store._heartbeat.interval = 0.05  # HEARTBEAT_SECONDS, shortened
        cid = _comparison(store)
        store.claim_run(cid, "relu", {}, 0)
        beat = store._fetchone("SELECT heartbeat FROM runs")[0]
        deadline = time.monotonic() + 10
        while store._fetchone("SELECT heartbeat FROM runs")[0] == beat:
            assert time.monotonic() < deadline, "no heartbeat"
            time.sleep(0.02)


def test_failed_runs_are_retried_unless_asked_not_to(db: Path) -> None:
    with Store(db) as store:
        cid = _comparison(store)
        run_id = store.claim_run(cid, "relu", {}, 0).run_id
        store.mark_run(run_id, "failed", error="boom")
        kept = store.claim_run(cid, "relu", {}, 0, retry_failed=False)
        assert not kept.claimed and kept.status == "failed"
        again = store.claim_run(cid, "relu", {}, 0)
        assert again.claimed and again.run_id == run_id and again.status == "failed"


def test_a_version_2_running_run_is_ownerless_and_taken_over(db: Path) -> None:
    with Store(db) as store:
        cid = _comparison(store)
        store.claim_run(cid, "relu", {}, 0)
    with closing(sqlite3.connect(db)) as conn, conn:  # as a version 2 actlab left it
        conn.execute("UPDATE runs SET owner = NULL, heartbeat = NULL")
    with Store(db) as store:
        assert store.runs().iloc[0].owner is None
        assert store.claim_run(cid, "relu", {}, 0).claimed


RACE_SCRIPT = (
    LOAD_STORE
    + """
db, keys = sys.argv[1], int(sys.argv[2])
store = store_module.Store(db, timeout=60)
cid = store.create_comparison("cmp", "race", {})
while not __import__("os").path.exists(db + ".go"):
    time.sleep(0.01)
mine = [seed for seed in range(keys) if store.claim_run(cid, "relu", {}, seed).claimed]
print(" ".join(map(str, mine)), flush=True)
time.sleep(1)  # still alive while the others claim: no takeover of a live owner's run
"""
)


def test_processes_racing_for_the_same_runs_each_get_a_share(db: Path) -> None:
    Store(db).close()  # created before the racers start
    keys = 40
    racers = [
        subprocess.Popen([sys.executable, "-c", RACE_SCRIPT, str(db), str(keys)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]  # fmt: skip
    time.sleep(0.5)
    Path(str(db) + ".go").touch()
    claimed = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
        claimed += [int(seed) for seed in out.split()]
    assert sorted(claimed) == list(range(keys))  # each run exactly once
    with Store(db, readonly=True) as store:
        runs = store.runs()
    assert runs["attempts"].tolist() == [1] * keys and runs["owner"].nunique() <= 3
