"""The in-process executor (``--jobs 1``, the default): each run trains in the driver itself,
one after the other, as `compare` always did."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from actlab.experiments.executors.base import EpochDone, Event, Executor, RunDone
from actlab.experiments.executors.work import RunJob, Setup, execute, prepare, warm_up
from actlab.experiments.interrupts import ComparisonInterrupted
from actlab.experiments.store import RunKey


class LocalExecutor(Executor):
    """Trains each submitted run in this process when the driver waits for it."""

    name = "local"
    slots = 1

    def __init__(self) -> None:
        self._queue: deque[RunJob] = deque()
        self._setup: Setup | None = None
        self._task = None
        self._data = None
        self._stop_requested: Callable[[], bool] = lambda: False
        self._cancelled: RunKey | None = None

    def start(self, setup: Setup, data, stop_requested: Callable[[], bool]) -> None:
        self._setup, self._data, self._stop_requested = setup, data, stop_requested
        self._task = prepare(setup)
        try:
            warm_up(self._task, data, setup, stop_requested)
        except KeyboardInterrupt:
            raise ComparisonInterrupted("the warm-up before the first run") from None
        if stop_requested():
            raise ComparisonInterrupted("the warm-up before the first run")

    def submit(self, job: RunJob) -> None:
        self._queue.append(job)

    def wait(self, handle: Callable[[Event], None], timeout: float) -> None:
        """Train the next submitted run here, whatever `timeout` says, reporting its epochs
        as they end."""
        if not self._queue:
            return
        job = self._queue.popleft()
        assert self._setup is not None
        self._cancelled = None
        report = execute(
            self._task, self._data, job, self._setup,
            on_epoch=lambda record: handle(EpochDone(job.key, record)),
            stop_requested=lambda: self._cancelled == job.key or self._stop_requested(),
        )  # fmt: skip
        handle(RunDone(job.key, report))

    def cancel(self, key: RunKey) -> None:
        """Stop the run training now (`handle` is called inside it) if it is `key`'s."""
        self._cancelled = key
