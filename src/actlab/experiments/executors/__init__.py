"""Executors: what trains a comparison's runs, beside the runner, which does not know which.

The driver (`actlab.experiments.driver`), the one process that writes the store, claims
each run and submits it to an executor; the executor hands back each run's epochs and its
report (`work.RunReport`), which the driver records. So resume, failures, Ctrl-C and the
result table are the same whatever trains the runs:

* `LocalExecutor` (``local.py``): in the driver's own process, one run after the other
  (``--jobs 1``, the default).
* `ProcessExecutor` (``processes.py``): N runs at once (``--jobs N``), one in a thread of
  the driver, the others in N - 1 local worker processes.
* `RayExecutor` (``ray.py``): each run a Ray task on a cluster (``--executor ray``).

What a worker runs is in ``work.py``; the interface in ``base.py``.
"""

from __future__ import annotations

from actlab.experiments.executors.base import EpochDone, Event, Executor, RunDone
from actlab.experiments.executors.work import RunJob, RunReport, Setup, threads_per_worker

EXECUTORS = ("local", "ray")
#: Local worker processes started by `prestart`, by their count, for `make_executor`.
_PRESTARTED: dict[int, Executor] = {}


def prestart(executor: str = "local", jobs: int | None = None) -> None:
    """Start now the worker processes that ``make_executor(executor, jobs)`` will give
    (local ones, ``jobs`` > 1; nothing else starts early). A command calls it first thing,
    before it imports Keras, so that the workers' framework import overlaps its own; the
    next `make_executor` call for the same `jobs` takes them."""
    if executor != "local" or not _is_count(jobs) or jobs in (None, 1) or jobs in _PRESTARTED:
        return  # a bad value is make_executor's to refuse, where the caller expects it
    assert jobs is not None
    from actlab.experiments.executors.processes import ProcessExecutor

    started = ProcessExecutor(jobs)
    started.prestart()
    _PRESTARTED[jobs] = started


def make_executor(
    executor: str = "local",
    jobs: int | None = None,
    *,
    address: str | None = None,
    cpus_per_run: float | None = None,
    gpus_per_run: float | None = None,
) -> Executor:
    """The executor for `executor` ('local' or 'ray') and `jobs` runs at once.

    'local' with ``jobs=1`` (or None) trains in this process; with more, in a thread of
    this process and ``jobs - 1`` worker processes. 'ray' runs on the cluster at `address`
    (None: a local one), each run with `cpus_per_run` CPUs (default 1) and `gpus_per_run`
    GPUs (default 0), `jobs` at most at once (None: as many as the cluster holds).
    """
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")
    if not _is_count(jobs):
        raise ValueError(f"jobs must be a whole number of at least 1, got {jobs!r}")
    if executor == "ray":
        from actlab.experiments.executors.ray import RayExecutor

        return RayExecutor(address, 1.0 if cpus_per_run is None else float(cpus_per_run),
                           0.0 if gpus_per_run is None else float(gpus_per_run), jobs)  # fmt: skip
    ray_only = {"address": address, "cpus_per_run": cpus_per_run, "gpus_per_run": gpus_per_run}
    given = [name for name, value in ray_only.items() if value is not None]
    if given:
        raise ValueError(f"{', '.join(given)} only go with executor='ray' (--executor ray)")
    if jobs is None or jobs == 1:
        from actlab.experiments.executors.local import LocalExecutor

        return LocalExecutor()
    if jobs in _PRESTARTED:
        return _PRESTARTED.pop(jobs)
    from actlab.experiments.executors.processes import ProcessExecutor

    return ProcessExecutor(jobs)


def _is_count(jobs: object) -> bool:
    """None, or a whole number of at least 1."""
    return jobs is None or (isinstance(jobs, int) and not isinstance(jobs, bool) and jobs >= 1)


__all__ = [
    "EXECUTORS",
    "EpochDone",
    "Event",
    "Executor",
    "RunDone",
    "RunJob",
    "RunReport",
    "Setup",
    "make_executor",
    "prestart",
    "threads_per_worker",
]
