"""Local worker processes (``--jobs N``): N runs at once on this machine.

Each worker is a fresh interpreter (the spawn start method: nothing of the driver's
TensorFlow state is inherited), started with its framework thread pools held to
cores // N (`work.thread_environment`), so N workers do not oversubscribe the cores. A
worker loads the user modules, makes its untimed warm-up, then trains the runs it is sent,
one at a time, and sends back each epoch as it ends and each run's report, on a pipe of its
own: a worker killed mid-message spoils only its own pipe. A worker that dies (killed, out of
memory, a crash in native code) is seen through its process sentinel: its run comes back
'lost' and a new worker takes its place when one is needed.

Workers ignore SIGINT: Ctrl-C at a terminal reaches the driver, which asks them (a shared
event) to stop at the next batch or epoch boundary.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from actlab.experiments.executors.base import EpochDone, Event, Executor, RunDone
from actlab.experiments.executors.work import (
    RunJob,
    RunReport,
    Setup,
    execute,
    prepare,
    thread_environment,
    threads_per_worker,
    warm_up,
)
from actlab.experiments.interrupts import ComparisonInterrupted

#: How long a new worker may take to import, load the data and warm up (seconds).
START_SECONDS = 600.0
#: How long closing waits for the workers to end by themselves (seconds).
CLOSE_SECONDS = 10.0


class WorkerStartError(RuntimeError):
    """A worker process could not get ready (a user module that fails to load there...)."""


@dataclass
class _Worker:
    process: Any  # multiprocessing's SpawnProcess
    conn: Connection
    job: RunJob | None = None
    epochs: list[dict[str, Any]] = field(default_factory=list)
    ready: bool = False


class ProcessExecutor(Executor):
    """`jobs` worker processes on this machine, each with `threads` framework threads."""

    name = "processes"

    def __init__(self, jobs: int) -> None:
        self.slots = jobs
        self.threads = threads_per_worker(jobs)
        self._context = multiprocessing.get_context("spawn")
        self._stop_event = self._context.Event()
        self._workers: list[_Worker] = []
        self._setup: Setup | None = None
        self._data = None
        self._stop_requested: Callable[[], bool] = lambda: False

    def prestart(self) -> None:
        while len(self._workers) < self.slots:
            self._spawn()

    def start(self, setup: Setup, data, stop_requested: Callable[[], bool]) -> None:
        setup = dataclasses.replace(setup, threads=self.threads, executor="processes")
        self._setup, self._data, self._stop_requested = setup, data, stop_requested
        self.prestart()
        starting = list(self._workers)
        # Each send waits until its worker reads the data (after its imports): side by side.
        senders = [threading.Thread(target=self._send_setup, args=(w,), daemon=True)
                   for w in starting]  # fmt: skip
        for sender in senders:
            sender.start()
        for worker in starting:
            self._await_ready(worker)
        for sender in senders:
            sender.join()

    def submit(self, job: RunJob) -> None:
        worker = next((w for w in self._workers if w.job is None and _alive(w)), None)
        if worker is None:
            self._workers = [w for w in self._workers if _alive(w) or w.job is not None]
            worker = self._spawn()
            self._send_setup(worker)
            self._await_ready(worker)
        worker.job, worker.epochs = job, []
        worker.conn.send(("run", job))

    def wait(self, handle: Callable[[Event], None], timeout: float) -> None:
        busy = [w for w in self._workers if w.job is not None]
        if not busy:
            return
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
        for worker in busy:
            self._drain(worker, handle)

    def stop(self) -> None:
        self._stop_event.set()

    def close(self) -> None:
        """Tell idle workers to end and end busy ones (the driver gave up on their runs: a
        second Ctrl-C). Idle ones exit by themselves (their framework's teardown takes a
        second, which the driver does not wait for); a busy one still alive after
        CLOSE_SECONDS is killed."""
        busy = []
        for worker in self._workers:
            if worker.job is None and _alive(worker):
                with suppress(OSError):
                    worker.conn.send(None)
            else:
                worker.process.terminate()
                busy.append(worker)
        deadline = time.monotonic() + CLOSE_SECONDS
        for worker in busy:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():  # stuck in native code
                worker.process.kill()
                worker.process.join(5)
        for worker in self._workers:
            worker.conn.close()
        self._workers = []

    # -- internals -----------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_worker_main, args=(child, self._stop_event), daemon=True,
            name="actlab-worker",
        )  # fmt: skip
        with _environment(thread_environment(self.threads)):
            process.start()
        child.close()  # the worker's end: closed here, so its death reads as EOF
        worker = _Worker(process, parent)
        self._workers.append(worker)
        return worker

    def _send_setup(self, worker: _Worker) -> None:
        with suppress(OSError):  # it died at once: _await_ready says how
            worker.conn.send(("setup", self._setup, self._data))

    def _await_ready(self, worker: _Worker) -> None:
        deadline = time.monotonic() + START_SECONDS
        while not worker.ready:
            if self._stop_requested():
                self._stop_event.set()
                raise ComparisonInterrupted("the warm-up before the first run")
            if time.monotonic() > deadline:
                raise WorkerStartError(f"a worker process was not ready in {START_SECONDS:g} s")
            wait([worker.conn, worker.process.sentinel], 0.5)
            message = _receive(worker)
            if message is None:
                if not _alive(worker):
                    raise WorkerStartError(
                        f"a worker process died while starting ({_death(worker.process)})"
                    )
                continue
            if message[0] == "setup_failed":
                raise WorkerStartError(f"a worker process could not start: {message[1]}")
            worker.ready = message[0] == "ready"

    def _drain(self, worker: _Worker, handle: Callable[[Event], None]) -> None:
        """Every message the worker has sent; its run 'lost' if it died."""
        while worker.job is not None:
            message = _receive(worker)
            if message is None:
                break
            kind, key, payload = message
            if kind == "epoch":
                worker.epochs.append(payload)
                handle(EpochDone(key, payload))
            elif kind == "done":
                worker.job = None
                handle(RunDone(key, payload))
        if worker.job is not None and not _alive(worker):
            job, worker.job = worker.job, None
            self._workers.remove(worker)
            worker.conn.close()
            error = (
                f"WorkerDied: the worker process training {job.what} died "
                f"({_death(worker.process)}); run the same command again to redo it"
            )
            report = RunReport("lost", list(worker.epochs), error=error, summary=error)
            handle(RunDone(job.key, report))


def _receive(worker: _Worker):
    """The worker's next message if one is waiting, else None (also once it is gone)."""
    try:
        if worker.conn.closed or not worker.conn.poll():
            return None
        return worker.conn.recv()
    except (EOFError, OSError):
        return None
    except Exception:  # a message cut short by the worker's death
        return None


def _alive(worker: _Worker) -> bool:
    return worker.process.is_alive()


def _death(process) -> str:
    process.join(1)
    code = process.exitcode
    if code is None:
        return "its pipe closed"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """`values` in os.environ for a block (what a process started in it inherits)."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _worker_main(conn: Connection, stop_event) -> None:
    """A worker process: set up, then train each run it is sent until told to end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    from actlab.experiments.store import exception_summary

    try:
        import keras  # noqa: F401  # the backend's start-up, while the driver is busy too

        message = conn.recv()
        if message is None:  # closed before it had anything to do
            return
        _, setup, data = message
        task = prepare(setup)
        warm_up(task, data, setup, stop_event.is_set)
    except EOFError:
        return
    except BaseException as error:  # reported to the driver, which raises
        conn.send(("setup_failed", exception_summary(error)))
        return
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except EOFError:  # the driver is gone
            return
        if message is None:
            return
        job = message[1]

        def on_epoch(record, key=job.key):
            conn.send(("epoch", key, record))

        report = execute(task, data, job, setup, on_epoch=on_epoch,
                         stop_requested=stop_event.is_set)  # fmt: skip
        conn.send(("done", job.key, report))
