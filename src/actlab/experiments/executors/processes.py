"""Local workers (``--jobs N``): N runs at once on this machine, one of them in the driver.

The driver process trains runs itself, in a thread of its own (it has imported its
framework anyway, and has the data), and starts N - 1 worker processes beside it: fresh
interpreters (the spawn start method: nothing of the driver's TensorFlow state is
inherited), started as early as possible (`prestart`, before the driver loads anything) so
that their framework import overlaps the driver's. Every one of them holds its framework
thread pools to cores // N (`work.thread_environment` for the processes, `work.limit_threads`
in the driver), so N workers do not oversubscribe the cores. Each makes its untimed warm-up,
then trains the runs it is sent, one at a time, and sends back each epoch as it ends and
each run's report on a pipe of its own: a worker killed mid-message spoils only its own pipe.

A run is given to a worker when the driver submits it (the driver's own thread first, then
the processes), and waits in that worker's pipe while it starts. A worker process that dies
(killed, out of memory, a crash in native code) is seen through its process sentinel: its
run comes back 'lost', and a run that was lost once is only started again in a worker
process (a new one, when none is free), never in the driver.

Workers ignore SIGINT: Ctrl-C at a terminal reaches the driver, which asks them all (a
shared event) to stop at the next batch or epoch boundary.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import queue
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
from actlab.experiments.store import RunKey

#: How long closing waits for the workers to end by themselves (seconds).
CLOSE_SECONDS = 10.0
WARM_UP = "the warm-up before the first run"


class WorkerStartError(RuntimeError):
    """A worker process could not get ready (a user module that fails to load there...)."""


class _Outbox:
    """Messages to one worker process, sent in order by a thread of their own: the first
    (the setup, with the data) waits until the worker has imported its framework, and the
    driver must not wait with it."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._messages: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._send_all, daemon=True,
                                        name="actlab-worker-outbox")  # fmt: skip
        self._thread.start()

    def put(self, message: Any) -> None:
        self._messages.put(message)

    def _send_all(self) -> None:
        while True:
            message = self._messages.get()
            try:
                self._conn.send(message)
            except (OSError, ValueError):  # the worker died or its pipe is closed: sentinel says
                return
            if message is None:
                return


@dataclass
class _Worker:
    """A worker process (`process`), or the driver's own training thread (`thread`)."""

    conn: Connection
    cancel: Any  # an Event: the run it trains is to stop (set and cleared by the driver)
    process: Any = None  # multiprocessing's SpawnProcess
    thread: threading.Thread | None = None
    outbox: _Outbox | None = None  # a process's; the thread is sent to directly
    job: RunJob | None = None
    epochs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def in_driver(self) -> bool:
        return self.process is None

    def alive(self) -> bool:
        if self.thread is not None:
            return self.thread.is_alive()
        return self.process.is_alive()

    def send(self, message: Any) -> None:
        if self.outbox is not None:
            self.outbox.put(message)
        else:
            with suppress(OSError):
                self.conn.send(message)


class ProcessExecutor(Executor):
    """`jobs` workers on this machine, the driver's own thread and `jobs` - 1 processes,
    each with `threads` framework threads."""

    name = "processes"

    def __init__(self, jobs: int) -> None:
        self.slots = jobs
        self.threads = threads_per_worker(jobs)
        self._context = multiprocessing.get_context("spawn")
        self._stop_event = self._context.Event()
        self._workers: list[_Worker] = []
        self._setup: Setup | None = None
        self._data = None
        self._lost: set[RunKey] = set()  # runs whose worker died: never again in the driver

    def prestart(self) -> None:
        """Start the worker processes now: they import their framework while the driver
        parses, opens the store and loads the data."""
        while len(self._processes()) < self.slots - 1:
            self._spawn()

    def start(self, setup: Setup, data, stop_requested: Callable[[], bool]) -> None:
        """Send the processes their setup (they start on it when their import is done), then
        prepare and warm up the driver's own worker here."""
        setup = dataclasses.replace(setup, threads=self.threads, executor="processes")
        self._setup, self._data = setup, data
        self.prestart()
        for worker in self._processes():
            worker.send(("setup", setup, data))
        task = prepare(setup)  # the driver's threads too, before its framework starts them
        try:
            warm_up(task, data, setup, stop_requested)
        except KeyboardInterrupt:
            self._stop_event.set()
            raise ComparisonInterrupted(WARM_UP) from None
        if stop_requested():
            self._stop_event.set()
            raise ComparisonInterrupted(WARM_UP)

        def stop() -> bool:
            return self._stop_event.is_set() or stop_requested()

        self._start_in_driver(task, data, setup, stop)

    def submit(self, job: RunJob) -> None:
        worker = self._free_worker(in_driver=job.key not in self._lost)
        worker.job, worker.epochs = job, []
        worker.cancel.clear()  # its last run has come back: a cancel of it is spent
        worker.send(("run", job))

    def cancel(self, key: RunKey) -> None:
        for worker in self._workers:
            if worker.job is not None and worker.job.key == key:
                worker.cancel.set()

    def wait(self, handle: Callable[[Event], None], timeout: float) -> None:
        busy = [w for w in self._workers if w.job is not None]
        if not busy:
            return
        sentinels = [w.process.sentinel for w in busy if not w.in_driver]
        wait([w.conn for w in busy] + sentinels, timeout)
        for worker in busy:
            self._drain(worker, handle)

    def stop(self) -> None:
        self._stop_event.set()

    def close(self) -> None:
        """End the workers. Idle processes are ended at once (one may still be starting up:
        nothing of it is needed, and nothing waits for it); busy ones too (the driver gave up
        on their runs: a second Ctrl-C), killed if still alive after CLOSE_SECONDS. The
        driver's own thread is told to end, or to stop at its next boundary."""
        busy = []
        for worker in self._workers:
            if worker.in_driver:
                self._stop_event.set()
                if worker.job is None:
                    worker.send(None)
                continue
            worker.process.terminate()
            if worker.job is not None:
                busy.append(worker)
        deadline = time.monotonic() + CLOSE_SECONDS
        for worker in busy:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():  # stuck in native code
                worker.process.kill()
                worker.process.join(5)
        for worker in self._workers:
            if worker.thread is not None:
                worker.thread.join(max(0.0, deadline - time.monotonic()))
            worker.conn.close()
        self._workers = []

    # -- internals -----------------------------------------------------------------------

    def _processes(self) -> list[_Worker]:
        return [w for w in self._workers if not w.in_driver]

    def _free_worker(self, in_driver: bool) -> _Worker:
        """The worker for the next run: the driver's own if free (and `in_driver`), else an
        idle worker process, else a new one in place of one that died."""
        idle = [w for w in self._workers if w.job is None and w.alive()]
        chosen = next((w for w in idle if w.in_driver and in_driver), None)
        chosen = chosen or next((w for w in idle if not w.in_driver), None)
        if chosen is not None:
            return chosen
        self._workers = [w for w in self._workers if w.alive() or w.job is not None]
        worker = self._spawn()
        worker.send(("setup", self._setup, self._data))
        return worker

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        cancel = self._context.Event()
        process = self._context.Process(
            target=_worker_main, args=(child, self._stop_event, cancel), daemon=True,
            name="actlab-worker",
        )  # fmt: skip
        with _environment(thread_environment(self.threads)):
            process.start()
        child.close()  # the worker's end: closed here, so its death reads as EOF
        worker = _Worker(parent, cancel, process=process, outbox=_Outbox(parent))
        self._workers.append(worker)
        return worker

    def _start_in_driver(self, task, data, setup: Setup, stop: Callable[[], bool]) -> None:
        """The driver's own worker: a thread that trains under the setup's dtype policy
        (Keras keeps its global state, the dtype policy too, per thread)."""
        import keras

        cancel = threading.Event()

        def serve(conn: Connection) -> None:
            keras.config.set_dtype_policy(setup.dtype_policy)
            _serve(conn, task, data, setup, lambda: cancel.is_set() or stop())

        parent, child = self._context.Pipe(duplex=True)
        thread = threading.Thread(target=serve, args=(child,), daemon=True,
                                  name="actlab-driver-worker")  # fmt: skip
        self._workers.insert(0, _Worker(parent, cancel, thread=thread))
        thread.start()

    def _drain(self, worker: _Worker, handle: Callable[[Event], None]) -> None:
        """Every message the worker has sent; its run 'lost' if it died."""
        while worker.job is not None:
            message = _receive(worker)
            if message is None:
                break
            if message[0] == "setup_failed":
                raise WorkerStartError(f"a worker process could not start: {message[1]}")
            if message[0] == "epoch":
                worker.epochs.append(message[2])
                handle(EpochDone(message[1], message[2]))
            elif message[0] == "done":
                worker.job = None
                handle(RunDone(message[1], message[2]))
        if worker.job is not None and not worker.alive():
            job, worker.job = worker.job, None
            self._workers.remove(worker)
            worker.conn.close()
            self._lost.add(job.key)
            error = (
                f"WorkerDied: the worker process training {job.what} died "
                f"({_death(worker)}); run the same command again to redo it"
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


def _death(worker: _Worker) -> str:
    if worker.in_driver:
        return "the driver's training thread ended"
    process = worker.process
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


def _worker_main(conn: Connection, stop_event, cancel) -> None:
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
    _serve(conn, task, data, setup, lambda: cancel.is_set() or stop_event.is_set())


def _serve(conn: Connection, task, data, setup: Setup, stop: Callable[[], bool]) -> None:
    """Train each run `conn` sends, sending back its epochs and report, until told to end
    (a worker process's loop, and the driver's own training thread)."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the driver is gone
            return
        if message is None:
            return
        job = message[1]

        def on_epoch(record, key=job.key):
            conn.send(("epoch", key, record))

        report = execute(task, data, job, setup, on_epoch=on_epoch, stop_requested=stop)
        try:
            conn.send(("done", job.key, report))
        except OSError:  # the driver is gone (or closed this thread's pipe)
            return
