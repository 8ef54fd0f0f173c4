"""The executor interface: what the driver asks of whatever trains its runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from actlab.experiments.executors.work import RunJob, RunReport, Setup
from actlab.experiments.store import RunKey


@dataclass(frozen=True)
class EpochDone:
    """A run in flight finished an epoch (executors that can tell before the run ends)."""

    key: RunKey
    record: dict[str, Any]


@dataclass(frozen=True)
class RunDone:
    """A run in flight ended, as `report` says."""

    key: RunKey
    report: RunReport


Event = EpochDone | RunDone


class Executor:
    """Trains the runs the driver submits and hands their events back to the driver.

    The driver (`actlab.experiments.driver`) claims each run in the store, then `submit`s
    it; it never has more than `slots` runs in flight. `wait` passes each event that arrives
    within `timeout` seconds to `handle`, in the driver's thread. After `stop` (Ctrl-C),
    or `cancel` for one run,
    runs in flight stop at their next batch or epoch boundary and come back 'interrupted'
    (or 'finished', if they were done). `close` ends the workers; a run still in flight
    then is the driver's to mark. Executors are context managers that close on exit.
    """

    name: str
    slots: int

    def start(self, setup: Setup, data, stop_requested: Callable[[], bool]) -> None:
        """Make the workers ready: `data` is the task's (x_train, y_train, x_test, y_test)."""
        raise NotImplementedError

    def submit(self, job: RunJob) -> None:
        """Start `job` (the driver has claimed its run)."""
        raise NotImplementedError

    def wait(self, handle: Callable[[EpochDone | RunDone], None], timeout: float) -> None:
        """Hand the events of the runs in flight to `handle`, waiting up to `timeout` s."""
        raise NotImplementedError

    def prestart(self) -> None:
        """Start what can start before the setup is known (local worker processes, which
        then import their framework while the driver imports its own)."""

    def cancel(self, key: RunKey) -> None:
        """Ask the run `key` in flight to stop at its next batch or epoch boundary (a pruned
        tuning trial's); it comes back 'interrupted' (or 'finished', if it was done)."""
        raise NotImplementedError

    def stop(self) -> None:
        """Ask the runs in flight to stop at their next boundary (the in-process executor
        reads the driver's own Ctrl-C flag and needs no telling)."""

    def close(self) -> None:
        """End the workers."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
