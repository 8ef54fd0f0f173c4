"""Who trains a run: each writing `Store`'s owner name, its heartbeat, and when a claim lapses.

A run that a Store claims (``claim_run``, ``start_run``) records that Store's *owner*,
``host:pid:token``, and a *heartbeat*, the Unix time it was last known to be alive. While
the Store holds running runs, a background thread refreshes their heartbeat every
HEARTBEAT_SECONDS on a connection of its own. Another process may take a running run over
only once its owner is dead:

* its heartbeat is older than the lease (LEASE_SECONDS), or missing (a run of a store
  written before owners were recorded, schema version 2 or older);
* or its owner is a process of this host that no longer exists (a SIGKILL, a crash): then
  it is taken over at once, not a lease later. In this process, an owner is alive while its
  Store is open.

A SQLite store in WAL mode is used from one host (WAL does not work over a network file
system), so the clocks that heartbeats are compared with are one clock. A process that was
only paused longer than the lease (SIGSTOP, a suspended laptop) loses its runs: its later
writes to them are refused (see ``Store._require_running``), so no run is written twice.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
import uuid
from pathlib import Path

#: How often a Store refreshes the heartbeat of the runs it holds (seconds).
HEARTBEAT_SECONDS = 10.0
#: A running run whose heartbeat is older than this (seconds) belongs to a dead owner.
LEASE_SECONDS = 60.0

# Owners of the Stores open in this process: alive exactly while open.
_OPEN_OWNERS: set[str] = set()
_HOST = socket.gethostname()


def new_owner() -> str:
    """A fresh owner name for a Store: ``host:pid:token``."""
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def register(owner: str) -> None:
    _OPEN_OWNERS.add(owner)


def unregister(owner: str) -> None:
    _OPEN_OWNERS.discard(owner)


def is_alive(owner: str | None, heartbeat: float | None, lease_seconds: float) -> bool:
    """Whether the owner of a running run may still be training it (module docstring)."""
    if not owner or heartbeat is None or time.time() - heartbeat > lease_seconds:
        return False
    host, pid = _host_and_pid(owner)
    if host != _HOST or pid is None:
        return True  # another host's process: only its heartbeat tells
    if pid == os.getpid():
        return owner in _OPEN_OWNERS
    return _pid_exists(pid)


def describe(owner: str | None, heartbeat: float | None) -> str:
    """``process 1234 on host-a, heard from 3 s ago``: a run's owner, for messages."""
    host, pid = _host_and_pid(owner or "")
    who = f"process {pid} on {host}" if pid is not None else repr(owner)
    if heartbeat is None:
        return who
    return f"{who}, heard from {max(0.0, time.time() - heartbeat):.0f} s ago"


class Heartbeat:
    """A daemon thread that refreshes the heartbeat of `owner`'s running runs in `path`.

    It writes on its own connection with a short busy timeout: a tick that finds the store
    locked (another writer's long commit) is skipped, the next one tries again; a lease is
    several ticks long.
    """

    def __init__(self, path: Path, owner: str, interval: float = HEARTBEAT_SECONDS) -> None:
        self.path = path
        self.owner = owner
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread, if it is not running yet."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._beat, name=f"actlab-heartbeat-{self.owner}", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _beat(self) -> None:
        try:
            conn = sqlite3.connect(str(self.path), timeout=1.0, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            while not self._stop.wait(self.interval):
                try:
                    conn.execute(
                        "UPDATE runs SET heartbeat = ? WHERE owner = ? AND status = 'running'",
                        (time.time(), self.owner),
                    )
                except sqlite3.Error:  # locked for a moment, or the file went away
                    continue
        finally:
            conn.close()


def _host_and_pid(owner: str) -> tuple[str, int | None]:
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    return host, int(pid) if pid.isdigit() else None


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """Whether the process has exited and waits to be reaped (Linux; elsewhere False)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
