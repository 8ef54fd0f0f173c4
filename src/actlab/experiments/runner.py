"""`compare`: train every (activation, seed) pair of a task, resumably, into the store."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from actlab.activations import BoundActivation
from actlab.checks import is_integer
from actlab.experiments import environment, identity, own, user_modules
from actlab.experiments.driver import Driver
from actlab.experiments.executors import RunJob, Setup, make_executor
from actlab.experiments.interrupts import InterruptFlag
from actlab.experiments.progress import Progress
from actlab.experiments.result import ComparisonResult
from actlab.experiments.significance import DEFAULT_TEST, check_test
from actlab.experiments.store import (
    DEFAULT_DB,
    Store,
    StoreError,
    run_key,
    to_json,
)
from actlab.tasks import Task
from actlab.tracking import Trackers, open_trackers

#: The largest seed keras.utils.set_random_seed takes (NumPy's limit).
MAX_SEED = 2**32 - 1


def seed_list(seeds: int | Iterable[int]) -> list[int]:
    """``5`` -> seeds 0..4; an explicit list of distinct seeds is kept as given."""
    if is_integer(seeds):
        count = operator.index(seeds)
        if count < 1:
            raise ValueError(f"seeds must be at least 1, got {count}")
        return list(range(count))
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Iterable):
        raise TypeError(
            f"seeds must be a count (e.g. seeds=5 for seeds 0..4) or a list of seeds "
            f"(e.g. seeds=[0, 3]), not {seeds!r}"
        )
    chosen = list(seeds)
    bad = [s for s in chosen if not is_integer(s) or not 0 <= operator.index(s) <= MAX_SEED]
    if bad:
        raise ValueError(f"seeds must be whole numbers from 0 to {MAX_SEED}, got {chosen!r}")
    chosen = [operator.index(s) for s in chosen]
    if not chosen or len(set(chosen)) != len(chosen):
        raise ValueError(f"seeds must be distinct integers, got {chosen}")
    return chosen


def default_name(task, overrides: dict[str, Any]) -> str:
    """A comparison's name from its task and overrides, so a changed recipe is a new one."""
    if not overrides:
        return task.name
    return task.name + "[" + ",".join(f"{k}={overrides[k]}" for k in sorted(overrides)) + "]"


def comparison_config(task, baseline: str, test: str) -> dict[str, Any]:
    """What a comparison stores: its task recipe, and the baseline and test of its table."""
    return {"task": task.to_dict(), "baseline": baseline, "test": test}


def stored_recipe(config: Mapping[str, Any]) -> dict[str, Any]:
    """The task recipe of a stored comparison config (an older actlab stored it alone)."""
    nested = config.get("task")
    return dict(nested) if isinstance(nested, Mapping) else dict(config)


def compare(
    activations: Sequence[str | BoundActivation],
    task: str | Task | None = None,
    seeds: int | Iterable[int] = 5,
    *,
    data: Any = None,
    model: Any = None,
    epochs: int | None = None,
    baseline: str | None = None,
    test: str = DEFAULT_TEST,
    db: str | Path = DEFAULT_DB,
    name: str | None = None,
    overrides: dict[str, Any] | None = None,
    data_dir: str | Path | None = None,
    keep_models: bool = True,
    quiet: bool = False,
    mlflow: str | bool | None = None,
    tensorboard: str | Path | None = None,
    jobs: int | None = None,
    executor: str = "local",
    address: str | None = None,
    cpus_per_run: float | None = None,
    gpus_per_run: float | None = None,
    retries: int = 0,
) -> ComparisonResult:
    """Train every (activation, seed) pair not yet in `db`, then answer with statistics.

    `task` is a task name (default: fashion_mnist_mlp) or a `Task`. `data` (NumPy arrays
    ``((x_train, y_train), (x_test, y_test))``, a (train, test) pair of tf.data.Datasets or
    torch DataLoaders, or a registered dataset name) and `model` (a registered model name, a
    builder function or any Keras model, whose hidden activations each run swaps) replace
    the task's; without a task the recipe is `Task`'s defaults (see `actlab.experiments.own`).
    The comparison is also identified by the backend and dtype policy, and by your own data's
    and model's fingerprints: reopening it with others is refused, naming the difference
    (compare under another `name` then, e.g. ``digits_mlp{jax}``), never mixed in one table.

    Runs already finished (or diverged) in the same comparison are skipped, so the same call
    after a crash or Ctrl-C completes only what is missing. A run whose loss turns NaN/inf is
    recorded as diverged, one that raises as failed, and the comparison goes on.

    So that order cannot bias time, runs go seed by seed (every activation with seed 0, then
    with seed 1, ...), and an untimed warm-up training comes before the first run.

    `baseline` (default: the first activation) and `test` (the accuracy test over matched
    seeds, 'paired_t' or 'wilcoxon') are stored with the comparison, so that `actlab report`
    shows the same table; a later call on the same comparison replaces them.

    Ctrl-C stops at the next batch or epoch boundary (or once the current commit is done):
    the current run is marked interrupted and ComparisonInterrupted is raised. A comparison
    this call created is removed again if the call fails before storing any run.

    Who trains (see `actlab.experiments.executors`): with ``executor="local"``, this
    process (``jobs`` None or 1), or a thread of this process beside ``jobs - 1`` local
    worker processes, each with cores // jobs framework threads; with ``executor="ray"``,
    Ray tasks of `cpus_per_run` CPUs and `gpus_per_run` GPUs on the cluster at `address`
    (None: a local one), at most `jobs` at once (None: as many as the cluster holds). This
    process alone writes the store, so all of the above holds for each. A run whose worker
    process dies is started again `retries` times, then recorded failed.
    Each run is claimed in the store first, so several calls on one comparison (in other
    processes) split its runs; a call waits for the runs another live process holds.
    Worker processes know actlab's catalog and the modules loaded with ``--import``
    (`user_modules.import_user_module`), not activations or models registered by hand here.

    Each run the store has committed is also sent to MLflow at URI `mlflow` (True: MLflow's
    default store) and written to TensorBoard event folders under `tensorboard` (see
    `actlab.tracking`); a tracker that fails is warned about once and the comparison goes on.
    """
    retries = retry_count(retries)
    runner = make_executor(executor, jobs, address=address, cpus_per_run=cpus_per_run,
                           gpus_per_run=gpus_per_run)  # fmt: skip
    runner.prestart()  # local workers import their framework while this process does
    try:
        candidates = _unique([BoundActivation.parse(a) for a in activations])
        overrides = dict(overrides or {})
        if epochs is not None:
            overrides["epochs"] = epochs
        the_task = own.task_for(task, data, model, overrides)
        chosen_seeds = seed_list(seeds)
        baseline_label = _baseline_label(baseline, candidates)
        config = comparison_config(the_task, baseline_label, check_test(test))
        comparison = name or default_name(the_task, overrides)
        prepared = own.prepare(the_task, data_dir)
        config |= {**prepared.identity, "environment": environment.identity()}
        trackers = Trackers(open_trackers(mlflow=mlflow, tensorboard=tensorboard))
        if runner.name != "local":
            check_reachable([c.name for c in candidates], the_task)
    except BaseException:
        runner.close()
        raise
    with (
        runner,
        own.released(),
        Store(db) as store,
        InterruptFlag() as interrupted,
        _comparison(store, comparison, the_task.name, config) as comparison_id,
    ):
        pending = _pending(store, comparison_id, candidates, chosen_seeds)
        if pending:
            data = prepared.data or the_task.load_data(data_dir=data_dir)
            interrupted.check("loading the data")
            setup = Setup(
                task=the_task.to_dict(), keep_models=keep_models or trackers.want_models,
                modules=user_modules.imported(), warm_up_seed=pending[0][1],
                warm_up=tuple((c.name, dict(c.params)) for c in _in_order(pending)),
            )  # fmt: skip
            progress = Progress(len(pending), the_task.epochs, quiet=quiet)
            driver = Driver(
                store, comparison_id, runner, progress, interrupted, retries=retries,
                run_config={"task": the_task.to_dict(), "overrides": overrides},
                keep_models=keep_models, trackers=trackers,
            )  # fmt: skip
            with progress:
                driver.run([RunJob(c.name, dict(c.params), s, c.label) for c, s in pending],
                           setup, data)  # fmt: skip
    return ComparisonResult(
        db=Path(db), name=comparison, labels=[c.label for c in candidates], seeds=chosen_seeds,
        baseline=baseline_label, test=test,
    )  # fmt: skip


def _open_comparison(store: Store, name: str, task: str, config: dict[str, Any]) -> int:
    """Id of comparison `name`: its stored task recipe must be this one (else the store
    refuses, naming what differs); its baseline and test become this call's."""
    known = store.comparisons()
    stored = known.loc[known["name"] == name, "config"]
    if not stored.empty:
        identity.check_same(store, name, stored.iloc[0], config)
    same_recipe = not stored.empty and (
        to_json(stored_recipe(stored.iloc[0])) == to_json(config["task"])
    )
    return store.create_comparison(name, task, config, replace_config=same_recipe)


@contextmanager
def _comparison(store: Store, name: str, task: str, config: dict[str, Any]):
    """The comparison's id, for a block; a comparison the block created is removed again
    when it fails before any run is stored (a bad dataset, missing data, Ctrl-C in the
    warm-up)."""
    is_new = not store.has_comparison(name)
    comparison_id = _open_comparison(store, name, task, config)
    try:
        yield comparison_id
    except BaseException:
        if is_new:
            with suppress(StoreError):  # the store's own trouble: the first error is the news
                store.delete_comparison_if_empty(comparison_id)
        raise


def _unique(candidates: list[BoundActivation]) -> list[BoundActivation]:
    """The candidates, each once; the same activation under two labels is refused."""
    if not candidates:
        raise ValueError("give at least one activation to compare")
    seen: dict[str, BoundActivation] = {}
    computes: dict[tuple, BoundActivation] = {}
    for c in candidates:
        same = computes.setdefault((c.name, *sorted(c.full_params().items())), c)
        if same.label != c.label:
            raise ValueError(
                f"{same.label} and {c.label} are the same activation (the others are its "
                "defaults); give it once"
            )
        seen.setdefault(c.label, c)
    return list(seen.values())


def _baseline_label(baseline: str | None, candidates: list[BoundActivation]) -> str:
    if baseline is None:
        return candidates[0].label
    label = BoundActivation.parse(baseline).label
    if label not in [c.label for c in candidates]:
        raise ValueError(
            f"baseline {baseline!r} is not among the compared activations "
            f"({', '.join(c.label for c in candidates)}); add it to the list."
        )
    return label


def _pending(
    store: Store, comparison_id: int, candidates, seeds
) -> list[tuple[BoundActivation, int]]:
    """The runs still to do, seed-major: a noisy machine's drift spreads over activations."""
    done = store.done_keys(comparison_id)
    return [
        (c, s) for s in seeds for c in candidates
        if not _is_done(done, c, s)
    ]  # fmt: skip


def _in_order(pending: list[tuple[BoundActivation, int]]) -> list[BoundActivation]:
    """The pending runs' activations, each once, in the order their runs come (the warm-up
    uses the first that trains)."""
    return list({c.label: c for c, _ in pending}.values())


def retry_count(retries: int) -> int:
    """`retries`, checked: a whole number, 0 or more."""
    if not is_integer(retries) or operator.index(retries) < 0:
        raise ValueError(f"retries must be a whole number, 0 or more, got {retries!r}")
    return operator.index(retries)


def check_reachable(names: Sequence[str], task: Task) -> None:
    """Worker processes know the catalogs and what `--import` loaded, nothing else: the
    activations `names` and `task`'s model must be of those."""
    from actlab import activations, models

    if models.is_own(task.model):
        raise ValueError(
            f"model {task.model!r} is your own object, which lives in this process only: "
            "worker processes (jobs > 1, executor='ray') cannot build it; register it in a "
            "module loaded with --import, or use jobs=1"
        )
    loaded = user_modules.registered_here()
    unreachable = [name for name in dict.fromkeys(names)
                   if not activations.spec(name).builtin and name not in loaded]  # fmt: skip
    if unreachable:
        raise ValueError(
            f"{', '.join(unreachable)} {'is' if len(unreachable) == 1 else 'are'} registered "
            "in this process only, where worker processes cannot see it: put the "
            "registration in a module and load it with --import FILE "
            "(actlab.experiments.user_modules.import_user_module), or use jobs=1"
        )


def _is_done(done, candidate: BoundActivation, seed: int) -> bool:
    return run_key(candidate.name, candidate.params, seed) in done
