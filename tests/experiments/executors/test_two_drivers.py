"""Two `actlab compare` processes on one comparison and store split its runs: each run is
trained exactly once, each process ends with the whole table, and a run whose driver dies is
taken over by the driver still waiting for it."""

from __future__ import annotations

import os
import signal

import pytest

from tests.experiments.executors.commands import (
    BLOCKED,
    finish,
    release,
    rows,
    runs,
    start,
    wait_for,
    waiting_pid,
)

COMMAND = [*BLOCKED, "--seeds", "2"]  # relu 0, blocking_relu 0, relu 1, blocking_relu 1
FINISHED = "SELECT count(*) FROM runs WHERE status = 'finished'"


def _owner_pids(db) -> dict[tuple[str, int], int]:
    return {(a, s): int(owner.split(":")[1])
            for a, s, owner in rows(db, "SELECT activation, seed, owner FROM runs")}  # fmt: skip


@pytest.mark.slow
def test_two_drivers_train_every_run_exactly_once(tmp_path):
    db = tmp_path / "shared.db"
    first = start(db, COMMAND, hooks=tmp_path)  # trains relu 0, then waits in blocking_relu 0
    assert waiting_pid(tmp_path, first) == first.pid
    second = start(db, COMMAND)
    # the second skips relu 0 (done) and blocking_relu 0 (the first's), trains the others
    wait_for(db, FINISHED, [(3,)], second)
    assert second.poll() is None  # and waits for the first's run, not ending without it
    release(tmp_path)
    code_first, out_first, err_first = finish(first)
    code_second, out_second, err_second = finish(second)
    assert (code_first, code_second) == (0, 0), (err_first, err_second)
    assert runs(db) == [("blocking_relu", 0, "finished", 1), ("blocking_relu", 1, "finished", 1),
                        ("relu", 0, "finished", 1), ("relu", 1, "finished", 1)]  # fmt: skip
    assert _owner_pids(db) == {
        ("relu", 0): first.pid, ("blocking_relu", 0): first.pid,
        ("relu", 1): second.pid, ("blocking_relu", 1): second.pid,
    }  # fmt: skip
    for out in (out_first, out_second):  # each ends with the whole comparison's table
        assert out.count("2/2") == 2, out
    assert "already finished" not in err_first + err_second


@pytest.mark.slow
def test_the_run_of_a_driver_that_died_is_taken_over_by_the_one_waiting(tmp_path):
    db = tmp_path / "shared.db"
    first = start(db, COMMAND, hooks=tmp_path)
    waiting_pid(tmp_path, first)
    second = start(db, COMMAND)
    wait_for(db, FINISHED, [(3,)], second)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    code, _, err = finish(second)
    assert code == 0, err
    assert runs(db) == [("blocking_relu", 0, "finished", 2), ("blocking_relu", 1, "finished", 1),
                        ("relu", 0, "finished", 1), ("relu", 1, "finished", 1)]  # fmt: skip
    assert _owner_pids(db)[("blocking_relu", 0)] == second.pid
    first.stdout.close()
    first.stderr.close()
