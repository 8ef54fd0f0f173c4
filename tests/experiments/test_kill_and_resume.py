"""A comparison killed mid-run (SIGKILL) or stopped with Ctrl-C (SIGINT), then rerun.

The Ctrl-C tests hold the comparison with `blocking_hooks` (loaded with --import) until the
signal is sent, so they do not depend on how fast the machine trains.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.experiments.executors.commands import HOOKS, rows, start

COMMAND = ["compare", "relu", "sigmoid", "--task", "digits_mlp", "--seeds", "1", "--epochs",
           "60", "--quiet"]  # fmt: skip
BLOCKED = ["compare", "relu", "blocking_relu", "--import", str(HOOKS), "--task", "digits_mlp",
           "--seeds", "1", "--epochs", "3", "--quiet"]  # fmt: skip


def _start_blocked(db: Path, hooks: Path, block: str, command=BLOCKED) -> subprocess.Popen:
    """A comparison that waits at `block` (see blocking_hooks) once it has written `ready`."""
    env = {"ACTLAB_TEST_HOOKS": str(hooks), "ACTLAB_TEST_BLOCK": block}
    process = start(db, command, env=env)
    deadline = time.monotonic() + 300
    while not (hooks / "ready").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the comparison never reached the hook"
        time.sleep(0.05)
    return process


def _interrupt_and_release(process: subprocess.Popen, hooks: Path) -> str:
    """SIGINT while the process waits in the hook, then let it go on; its stderr."""
    process.send_signal(signal.SIGINT)
    (hooks / "go").touch()
    _, stderr = process.communicate(timeout=300)
    return stderr


def _wait_until_second_run_is_training(db: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        finished = rows(db, "SELECT count(*) FROM runs WHERE status = 'finished'")
        training = rows(
            db,
            "SELECT count(*) FROM runs r JOIN epochs e ON e.run_id = r.id "
            "WHERE r.status = 'running'",
        )
        if finished and finished[0][0] == 1 and training and training[0][0] >= 2:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the second run never started")


def _check_complete(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        runs = conn.execute(
            "SELECT activation, seed, status FROM runs ORDER BY activation"
        ).fetchall()
        assert runs == [("relu", 0, "finished"), ("sigmoid", 0, "finished")]
        per_run = conn.execute("SELECT run_id, count(*) FROM epochs GROUP BY run_id").fetchall()
        assert [count for _, count in per_run] == [60, 60]


def _rerun(db: Path, command=COMMAND) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "actlab.cli", *command, "--db", str(db)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_completes_every_run_exactly_once(tmp_path):
    db = tmp_path / "killed.db"
    process = start(db, COMMAND)
    _wait_until_second_run_is_training(db, process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    statuses = rows(db, "SELECT activation, status FROM runs ORDER BY activation")
    assert statuses == [("relu", "finished"), ("sigmoid", "running")]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    relu_finished_at = rows(db, "SELECT finished FROM runs WHERE activation = 'relu'")
    done = _rerun(db)
    _check_complete(db)
    assert rows(db, "SELECT finished FROM runs WHERE activation = 'relu'") == relu_finished_at
    assert "sigmoid" in done.stdout and "relu" in done.stdout


@pytest.mark.slow
def test_ctrl_c_marks_the_run_interrupted_and_exits_cleanly(tmp_path):
    """The signal lands where a catch-all swallows KeyboardInterrupt: it still stops."""
    db = tmp_path / "stopped.db"
    process = _start_blocked(db, tmp_path, "activation")
    stderr = _interrupt_and_release(process, tmp_path)
    assert process.returncode == 130, stderr
    assert "interrupted during blocking_relu seed 0" in stderr and "resume" in stderr
    assert "Traceback" not in stderr
    assert rows(db, "SELECT activation, status FROM runs ORDER BY activation") == [
        ("blocking_relu", "interrupted"),
        ("relu", "finished"),
    ]
    _rerun(db, BLOCKED)  # without the hooks' folder: nothing blocks
    assert rows(db, "SELECT activation, status FROM runs ORDER BY activation") == [
        ("blocking_relu", "finished"),
        ("relu", "finished"),
    ]


@pytest.mark.slow
def test_ctrl_c_during_the_final_commit_keeps_the_run_and_exits_130(tmp_path):
    db = tmp_path / "committing.db"
    command = ["compare", "relu", "--import", str(HOOKS), "--task", "digits_mlp", "--seeds",
               "1", "--epochs", "2", "--quiet"]  # fmt: skip
    process = _start_blocked(db, tmp_path, "commit", command)
    stderr = _interrupt_and_release(process, tmp_path)
    assert process.returncode == 130, stderr
    assert "interrupted during relu seed 0" in stderr and "Traceback" not in stderr
    assert rows(db, "SELECT activation, status FROM runs") == [("relu", "finished")]
    assert rows(db, "SELECT count(*) FROM epochs") == [(2,)]
    assert "relu" in _rerun(db, command).stdout  # nothing left to do: the table at once
