"""What every executor runs, wherever it runs: one run of a comparison, reported back.

A worker (this process, a local worker process, a Ray task) gets a `Setup` once (the task,
the user modules to load, its thread count) and then `RunJob`s; for each it trains with
`execute` and sends a `RunReport` back to the driver, the one process that writes the store.
Nothing here touches the store.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from actlab.experiments.store import RunKey, exception_summary, run_key
from actlab.experiments.store.failures import error_text
from actlab.experiments.user_modules import USER_ERRORS, UserModule, load_again

#: How a report ends a run: the store's statuses, and 'lost' (the worker died; the driver
#: records it failed, or runs it again).
REPORT_STATUSES = ("finished", "diverged", "failed", "interrupted", "lost")
#: Environment variables a worker takes from the driver (the backend and actlab's own).
FORWARDED_PREFIXES = ("ACTLAB_", "KERAS_BACKEND")


def _current_dtype_policy() -> str:
    import keras

    return keras.config.dtype_policy().name


@dataclass(frozen=True)
class Setup:
    """What a worker needs once, before its runs."""

    task: dict[str, Any]  # Task.to_dict()
    keep_models: bool = True
    modules: tuple[UserModule, ...] = ()
    threads: int | None = None  # framework threads per worker; None: the framework's own
    executor: str = "local"
    warm_up: tuple[tuple[str, dict[str, Any]], ...] = ()  # (activation, params) to try
    warm_up_seed: int = 0
    evaluate: bool = True  # False: the test set is not touched (a tuning trial's runs)
    #: The driver's Keras dtype policy: every worker trains (and records) under it.
    dtype_policy: str = field(default_factory=_current_dtype_policy)


@dataclass(frozen=True)
class RunJob:
    """One (activation, seed) run to train; `overrides` change the setup's task for this
    run only (a tuning trial's learning rate)."""

    activation: str
    params: dict[str, Any]
    seed: int
    label: str
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> RunKey:
        return run_key(self.activation, self.params, self.seed)

    @property
    def what(self) -> str:
        return f"{self.label} seed {self.seed}"


@dataclass
class RunReport:
    """How a run ended, as its worker saw it. `outcome` is set for 'finished' and 'diverged';
    `error` (summary line, blank line, traceback) for 'failed' and 'lost'."""

    status: str
    epochs: list[dict[str, Any]] = field(default_factory=list)
    outcome: Any = None  # training.RunOutcome
    error: str | None = None
    summary: str | None = None
    environment: dict[str, Any] = field(default_factory=dict)


def execute(
    task,
    data,
    job: RunJob,
    setup: Setup,
    *,
    on_epoch: Callable[[dict[str, Any]], None] = lambda record: None,
    stop_requested: Callable[[], bool] = lambda: False,
) -> RunReport:
    """Train `job` and report how it ended; a failing activation is a 'failed' report.

    Ctrl-C (`stop_requested`, or a KeyboardInterrupt) gives an 'interrupted' report, also
    when code that caught the KeyboardInterrupt turned it into another error.
    """
    from actlab.experiments.training import train_one

    epochs: list[dict[str, Any]] = []

    def record(epoch: dict[str, Any]) -> None:
        epochs.append(epoch)
        on_epoch(epoch)

    here = environment(setup)
    if job.overrides:
        task = task.with_overrides(**job.overrides)
    try:
        outcome = train_one(task, data, job.activation, job.params, job.seed,
                            keep_model=setup.keep_models, on_epoch=record,
                            stop_requested=stop_requested, evaluate=setup.evaluate)  # fmt: skip
    except KeyboardInterrupt:
        return RunReport("interrupted", epochs, environment=here)
    except USER_ERRORS as error:  # any failure of a user activation is recorded
        if stop_requested():  # Ctrl-C turned into another error by code that caught it
            return RunReport("interrupted", epochs, environment=here)
        return RunReport("failed", epochs, error=error_text(error),
                         summary=exception_summary(error), environment=here)  # fmt: skip
    status = "diverged" if outcome.diverged_epoch is not None else "finished"
    return RunReport(status, outcome.epochs, outcome=outcome, environment=here)


def warm_up(task, data, setup: Setup, stop_requested: Callable[[], bool] = lambda: False) -> None:
    """The untimed warm-up training (see `training.warm_up`) with the first of
    `setup.warm_up` that trains; one that fails is passed over (its run records it)."""
    from actlab.experiments import training

    for activation, params in setup.warm_up:
        try:
            training.warm_up(task, data, activation, params, setup.warm_up_seed,
                             stop_requested=stop_requested)  # fmt: skip
            return
        except KeyboardInterrupt:
            raise
        except USER_ERRORS:
            continue


def prepare(setup: Setup):
    """In a fresh worker: limit the framework's threads, take the driver's dtype policy, load
    the user modules, and return the Task (what `execute` needs besides the data)."""
    import keras

    from actlab.tasks import Task

    limit_threads(setup.threads)
    keras.config.set_dtype_policy(setup.dtype_policy)
    load_again(setup.modules)
    return Task.from_dict(setup.task)


def environment(setup: Setup) -> dict[str, Any]:
    """What a run's config records about where it ran: this process's environment, and
    the executor with its threads per worker."""
    from actlab.experiments import environment as env

    where = {"kind": setup.executor, "host": platform.node(), "threads": setup.threads}
    return {**env.describe(), "executor": where}


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """Framework threads for each of `workers` processes: the cores shared out, at least 1."""
    cores = cores or available_cores()
    return max(1, cores // max(1, workers))


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def thread_environment(threads: int | None) -> dict[str, str]:
    """Environment variables that hold a new process's framework thread pools to `threads`
    (read when the frameworks start, so set before the worker process starts)."""
    if threads is None:
        return {}
    n = str(threads)
    env = {
        "TF_NUM_INTRAOP_THREADS": n,
        "TF_NUM_INTEROP_THREADS": n,
        "OMP_NUM_THREADS": n,
        "MKL_NUM_THREADS": n,
        "OPENBLAS_NUM_THREADS": n,
    }
    if threads == 1:  # XLA's CPU backend has no thread count, only Eigen threading on/off
        flags = os.environ.get("XLA_FLAGS", "")
        env["XLA_FLAGS"] = f"{flags} --xla_cpu_multi_thread_eigen=false".strip()
    return env


def forwarded_environment(backend: str) -> dict[str, str]:
    """The driver's variables a worker elsewhere needs: the Keras backend the driver uses,
    and every ACTLAB_* setting (ACTLAB_TORCH_COMPILE...)."""
    env = {k: v for k, v in os.environ.items() if k.startswith(FORWARDED_PREFIXES)}
    env["KERAS_BACKEND"] = backend
    return env


def limit_threads(threads: int | None) -> None:
    """Hold the backend's thread pools to `threads` in this process, where they have not
    started yet (the environment variables of `thread_environment` did it before)."""
    if threads is None:
        return
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        for setter in (tf.config.threading.set_intra_op_parallelism_threads,
                       tf.config.threading.set_inter_op_parallelism_threads):  # fmt: skip
            with suppress(RuntimeError):  # TensorFlow is already running: pools are fixed
                setter(threads)
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(threads)


def describe_jobs(jobs: Sequence[RunJob]) -> str:
    """``relu seed 0, tanhexp seed 0``: runs, for a message."""
    return ", ".join(job.what for job in jobs)
