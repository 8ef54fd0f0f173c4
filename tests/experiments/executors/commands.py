"""`actlab compare` started as a real process, held at a chosen point by `blocking_hooks`, and
what a store holds, for the executor tests."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HOOKS = Path(__file__).parents[1] / "blocking_hooks.py"
#: relu first, so that the warm-up (and the first run) never waits in the hook.
BLOCKED = ["compare", "relu", "blocking_relu", "--import", str(HOOKS), "--task", "digits_mlp",
           "--epochs", "2", "--quiet"]  # fmt: skip


def start(db: Path, args: list[str], hooks: Path | None = None,
          env: dict[str, str] | None = None) -> subprocess.Popen:  # fmt: skip
    """``actlab compare ... --db DB``; with `hooks`, its first blocking_relu call waits
    (or where `env`'s ``ACTLAB_TEST_BLOCK`` says)."""
    extra: dict[str, str] = {}
    if hooks is not None:
        extra |= {"ACTLAB_TEST_HOOKS": str(hooks), "ACTLAB_TEST_BLOCK": "activation"}
    extra |= env or {}
    return subprocess.Popen(
        [sys.executable, "-m", "actlab.cli", *args, "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **extra},
    )  # fmt: skip


def waiting_pid(hooks: Path, process: subprocess.Popen, old: int | None = None) -> int:
    """The id of the process waiting in the hook (a new one, if `old` is given)."""
    deadline = time.monotonic() + 300
    while True:
        ready = hooks / "ready"
        text = ready.read_text() if ready.exists() else ""
        if text.strip().isdigit() and int(text) != old:
            return int(text)
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "nothing reached the hook"
        time.sleep(0.05)


def waiting_pids(hooks: Path, process: subprocess.Popen, count: int) -> set[int]:
    """The ids of the processes waiting in the hook, once `count` different ones wait."""
    deadline = time.monotonic() + 300
    while True:
        waiting = hooks / "waiting"
        lines = waiting.read_text().split("\n")[:-1] if waiting.exists() else []
        if len(set(lines)) >= count:
            return {int(line) for line in lines}
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"only {lines} reached the hook"
        time.sleep(0.05)


def release(hooks: Path) -> None:
    (hooks / "go").touch()


def finish(process: subprocess.Popen, timeout: float = 600) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def rows(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # the tables are not there yet
        return []


def wait_for(db: Path, sql: str, expected, process: subprocess.Popen, timeout=300) -> None:
    """Until `sql` on the store gives `expected` (the process must still be running)."""
    deadline = time.monotonic() + timeout
    while rows(db, sql) != expected:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{sql} never gave {expected}: {rows(db, sql)}"
        time.sleep(0.1)


def runs(db: Path) -> list[tuple]:
    """(activation, seed, status, attempts) of every run, sorted."""
    return rows(db, "SELECT activation, seed, status, attempts FROM runs ORDER BY activation, seed")
