"""A comparison killed mid-run (SIGKILL) or stopped with Ctrl-C (SIGINT), then rerun."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

COMMAND = ["compare", "relu", "sigmoid", "--task", "digits_mlp", "--seeds", "1", "--epochs",
           "60", "--quiet"]  # fmt: skip


def _start(db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "actlab.cli", *COMMAND, "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _rows(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # tables not created yet
        return []


def _wait_until_second_run_is_training(db: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        finished = _rows(db, "SELECT count(*) FROM runs WHERE status = 'finished'")
        training = _rows(
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


def _rerun(db: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "actlab.cli", *COMMAND, "--db", str(db)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_completes_every_run_exactly_once(tmp_path):
    db = tmp_path / "killed.db"
    process = _start(db)
    _wait_until_second_run_is_training(db, process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    statuses = _rows(db, "SELECT activation, status FROM runs ORDER BY activation")
    assert statuses == [("relu", "finished"), ("sigmoid", "running")]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    relu_finished_at = _rows(db, "SELECT finished FROM runs WHERE activation = 'relu'")
    done = _rerun(db)
    _check_complete(db)
    assert _rows(db, "SELECT finished FROM runs WHERE activation = 'relu'") == relu_finished_at
    assert "sigmoid" in done.stdout and "relu" in done.stdout


@pytest.mark.slow
def test_ctrl_c_marks_the_run_interrupted_and_exits_cleanly(tmp_path):
    db = tmp_path / "stopped.db"
    process = _start(db)
    _wait_until_second_run_is_training(db, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "interrupted" in stderr and "resume" in stderr
    assert _rows(db, "SELECT activation, status FROM runs ORDER BY activation") == [
        ("relu", "finished"),
        ("sigmoid", "interrupted"),
    ]
    _rerun(db)
    _check_complete(db)
