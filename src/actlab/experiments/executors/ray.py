"""Ray (``--executor ray``): each run is a Ray task, on an existing cluster or a local one.

Following Ray's core "tasks" pattern, `_train_run` is a ``@ray.remote`` function with
``num_cpus`` (and ``num_gpus``); the driver puts the data in Ray's object store once, starts
as many tasks as the cluster has room for (so that a second driver finds runs left to
claim), and ``ray.get``s each report back to write it to the store. A task's worker keeps
its loaded task and warm-up for later tasks. The workers get the driver's Keras backend,
its ACTLAB_* settings and their thread counts through the task's runtime environment.

Each epoch comes back as it ends: the tasks put it in a Ray queue (``ray.util.queue``, an
actor of no CPU that this driver owns), which `wait` empties before it hands out a run's
end, so the store gains epoch rows live and a tuning trial's pruner stops a run in flight
(``ray.cancel``). A worker that dies (Ray's WorkerCrashedError, a lost node) gives a 'lost'
run; Ray itself does not retry it (max_retries=0): the driver's own retry policy does, the
same as for local processes. Ctrl-C cancels the tasks in flight (``ray.cancel``), which come
back 'interrupted'.
"""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from actlab.experiments.executors.base import EpochDone, Event, Executor, RunDone
from actlab.experiments.executors.work import (
    RunJob,
    RunReport,
    Setup,
    execute,
    forwarded_environment,
    prepare,
    thread_environment,
    warm_up,
)
from actlab.experiments.store import RunKey

#: How often `wait` looks for epochs while it waits for runs to end (seconds).
EPOCH_POLL_SECONDS = 0.2

MISSING_RAY = (
    "the Ray executor needs Ray, which is not installed: pip install 'actlab[ray]' "
    "(or pip install 'ray[default]')"
)


def import_ray():
    """The ray module, or a ValueError (a one-line error on the command line) naming the
    extra that installs it."""
    try:
        return importlib.import_module("ray")
    except ImportError:
        raise ValueError(MISSING_RAY) from None


class RayExecutor(Executor):
    """Runs as Ray tasks of `cpus_per_run` CPUs (and `gpus_per_run` GPUs) each.

    `address` is a running cluster's (``auto``, ``HOST:6379``, ``ray://HOST:10001``); None
    starts a local Ray instance for this call (or uses the one this process already has).
    `jobs` caps the runs in flight; None fills the cluster.
    """

    name = "ray"

    def __init__(self, address: str | None = None, cpus_per_run: float = 1.0,
                 gpus_per_run: float = 0.0, jobs: int | None = None) -> None:  # fmt: skip
        if cpus_per_run <= 0:
            raise ValueError(f"--cpus-per-run must be positive, got {cpus_per_run:g}")
        if gpus_per_run < 0:
            raise ValueError(f"--gpus-per-run must be 0 or more, got {gpus_per_run:g}")
        self._ray = import_ray()
        self.address = address
        self.cpus_per_run = cpus_per_run
        self.gpus_per_run = gpus_per_run
        self._jobs = jobs
        self.slots = jobs or 1
        self._started_ray = False
        self._in_flight: dict[Any, RunJob] = {}
        self._cancelled = False
        self._epochs: Any = None  # the tasks' ray.util.queue.Queue of (key, epoch record)

    def start(self, setup: Setup, data, stop_requested: Callable[[], bool]) -> None:
        ray = self._ray
        if not ray.is_initialized():
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            try:
                ray.init(address=self.address, **options)
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise ValueError(self._connect_error(error)) from None
            self._started_ray = True
        if self._jobs is None:
            self.slots = self._cluster_slots()
        threads = max(1, int(self.cpus_per_run))
        from ray.util.queue import Queue

        from actlab.tasks import Task

        backend = _backend()
        setup = dataclasses.replace(setup, threads=threads, executor="ray")
        self._setup_ref = ray.put(setup)
        self._data_ref = ray.put(data)
        Task.from_dict(setup.task)  # checked here, not in each task
        env = {**forwarded_environment(backend), **thread_environment(threads)}
        self._epochs = Queue(actor_options={"num_cpus": 0})
        self._remote = ray.remote(_train_run).options(
            num_cpus=self.cpus_per_run, num_gpus=self.gpus_per_run, max_retries=0,
            runtime_env={"env_vars": env},
        )  # fmt: skip

    def submit(self, job: RunJob) -> None:
        ref = self._remote.remote(self._setup_ref, self._data_ref, job, self._epochs)
        self._in_flight[ref] = job

    def wait(self, handle: Callable[[Event], None], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self._in_flight:
            self._hand_epochs(handle)
            left = max(0.0, deadline - time.monotonic())
            ready, _ = self._ray.wait(list(self._in_flight), num_returns=1,
                                      timeout=min(EPOCH_POLL_SECONDS, left))  # fmt: skip
            if ready:
                self._hand_epochs(handle)  # a task puts its epochs before it returns
                for ref in ready:
                    job = self._in_flight.pop(ref)
                    handle(RunDone(job.key, self._report(ref, job)))
                return
            if left == 0.0:
                return

    def _hand_epochs(self, handle: Callable[[Event], None]) -> None:
        for key, record in self._queued_epochs():
            handle(EpochDone(key, record))

    def _queued_epochs(self) -> list[tuple[RunKey, dict[str, Any]]]:
        try:
            waiting = self._epochs.qsize()
            return self._epochs.get_nowait_batch(waiting) if waiting else []
        except self._ray.exceptions.RayError:  # its actor lost with its node: the runs'
            return []  # reports still bring their epochs (`_tell`)

    def cancel(self, key: RunKey) -> None:
        for ref, job in list(self._in_flight.items()):
            if job.key == key:
                with suppress(Exception):  # already done: its report comes back
                    self._ray.cancel(ref)

    def stop(self) -> None:
        if self._cancelled:
            return
        self._cancelled = True
        for ref in list(self._in_flight):
            with suppress(Exception):  # already done: its report comes back
                self._ray.cancel(ref)

    def close(self) -> None:
        for ref in list(self._in_flight):
            with suppress(Exception):
                self._ray.cancel(ref, force=True)
        self._in_flight.clear()
        if self._epochs is not None:
            with suppress(Exception):
                self._epochs.shutdown()
            self._epochs = None
        if self._started_ray:
            self._ray.shutdown()
            self._started_ray = False

    # -- internals -----------------------------------------------------------------------

    def _connect_error(self, error: BaseException) -> str:
        where = f"the Ray cluster at {self.address}" if self.address else "a local Ray instance"
        text = _one_line(error)
        cause = error.__cause__
        if cause is not None:
            text += f" ({type(cause).__name__}: {_one_line(cause)[:300]})"
        if "auth" in text.lower():
            text += (
                "; for a cluster with token authentication set RAY_AUTH_MODE=token and its "
                "token (RAY_AUTH_TOKEN, or ~/.ray/auth_token)"
            )
        return f"cannot use {where}: {text}"

    def _cluster_slots(self) -> int:
        resources = self._ray.cluster_resources()
        slots = int(resources.get("CPU", 1) // self.cpus_per_run)
        if self.gpus_per_run > 0:
            slots = min(slots, int(resources.get("GPU", 0) // self.gpus_per_run))
        if slots < 1:
            raise ValueError(
                f"the Ray cluster has {resources.get('CPU', 0):g} CPUs and "
                f"{resources.get('GPU', 0):g} GPUs: not enough for one run of "
                f"{self.cpus_per_run:g} CPUs and {self.gpus_per_run:g} GPUs"
            )
        return slots

    def _report(self, ref, job: RunJob) -> RunReport:
        exceptions = self._ray.exceptions
        try:
            return self._ray.get(ref)
        except exceptions.TaskCancelledError:
            return RunReport("interrupted")
        except exceptions.RayTaskError as error:  # raised inside the task, outside execute
            cause = getattr(error, "cause", None)
            if isinstance(cause, KeyboardInterrupt) or self._cancelled:
                return RunReport("interrupted")
            text = f"RayTaskError: {_one_line(cause or error)}"
            return RunReport("lost", error=text, summary=text)
        except exceptions.RayError as error:  # the worker or its node died
            if self._cancelled:
                return RunReport("interrupted")
            text = (
                f"WorkerDied: the Ray worker training {job.what} was lost "
                f"({type(error).__name__}: {_one_line(error)[:300]}); run the same command "
                "again to redo it"
            )
            return RunReport("lost", error=text, summary=text)


# -- in the Ray worker -----------------------------------------------------------------

_PREPARED: dict[int, Any] = {}  # a setup's task and modules -> its Task, warmed up


def _train_run(setup: Setup, data, job: RunJob, epochs) -> RunReport:
    """A Ray task: one run, trained in this worker process (prepared on its first task),
    each epoch put in the driver's queue `epochs` as it ends."""
    key = hash(repr(setup.task)) ^ hash(tuple(m.name for m in setup.modules))
    task = _PREPARED.get(key)
    if task is None:
        task = prepare(setup)
        warm_up(task, data, setup)
        _PREPARED[key] = task
    return execute(task, data, job, setup, on_epoch=lambda record: _tell(epochs, job, record))


def _tell(epochs, job: RunJob, record: dict[str, Any]) -> None:
    """Put an epoch in the driver's queue; a queue lost with its node loses only the live
    rows (the run's report brings every epoch), never the run."""
    import ray

    with suppress(ray.exceptions.RayError):
        epochs.put((job.key, record))


def _backend() -> str:
    import keras

    return keras.backend.backend()


def _one_line(error: BaseException) -> str:
    return " ".join((str(error).strip() or type(error).__name__).split())
