"""`compare`: train every (activation, seed) pair of a task, resumably, into the store."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from actlab.activations import BoundActivation
from actlab.checks import is_integer
from actlab.experiments import environment, identity, own
from actlab.experiments.interrupts import ComparisonInterrupted, InterruptFlag
from actlab.experiments.progress import Progress
from actlab.experiments.result import ComparisonResult
from actlab.experiments.statistics import DEFAULT_TEST, check_test
from actlab.experiments.store import (
    DEFAULT_DB,
    Store,
    StoreError,
    exception_summary,
    run_key,
    to_json,
)
from actlab.experiments.training import train_one, warm_up
from actlab.experiments.user_modules import USER_ERRORS
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

    Each run the store has committed is also sent to MLflow at URI `mlflow` (True: MLflow's
    default store) and written to TensorBoard event folders under `tensorboard` (see
    `actlab.tracking`); a tracker that fails is warned about once and the comparison goes on.
    """
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
    with (
        own.released(),
        Store(db) as store,
        InterruptFlag() as interrupted,
        _comparison(store, comparison, the_task.name, config) as comparison_id,
    ):
        pending = _pending(store, comparison_id, candidates, chosen_seeds)
        if pending:
            data = prepared.data or the_task.load_data(data_dir=data_dir)
            interrupted.check("loading the data")
            _warm_up(the_task, data, pending, interrupted)
            with Progress(len(pending), the_task.epochs, quiet=quiet) as progress:
                for candidate, seed in pending:
                    _run(store, comparison_id, the_task, data, candidate, seed, overrides,
                         keep_models, progress, interrupted, trackers)  # fmt: skip
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


def _warm_up(task, data, pending: list[tuple[BoundActivation, int]], interrupted) -> None:
    """Untimed warm-up with the first pending activation that trains (see `warm_up`).

    An activation that fails here is simply passed over: its own run records the failure.
    """
    for candidate in {c.label: c for c, _ in pending}.values():
        try:
            warm_up(task, data, candidate.name, candidate.params, pending[0][1],
                    stop_requested=interrupted)  # fmt: skip
            break
        except KeyboardInterrupt:
            raise ComparisonInterrupted("the warm-up before the first run") from None
        except USER_ERRORS:  # recorded by the activation's own run
            continue
    interrupted.check("the warm-up before the first run")


def _is_done(done, candidate: BoundActivation, seed: int) -> bool:
    return run_key(candidate.name, candidate.params, seed) in done


def _run(store, comparison_id, task, data, candidate, seed, overrides, keep_models, progress,
         interrupted, trackers: Trackers | None = None):  # fmt: skip
    what = f"{candidate.label} seed {seed}"
    trackers = trackers or Trackers()
    interrupted.check(f"the start of {what}")
    config = {
        "task": task.to_dict(),
        "overrides": overrides,
        "activation": candidate.name,
        "params": candidate.params,
        "seed": seed,
        **environment.describe(),
    }
    run_id = store.start_run(comparison_id, candidate.name, candidate.params, seed, config)
    progress.start_run(what)
    epochs_so_far: list[dict] = []

    def on_epoch(record):
        epochs_so_far.append(record)
        store.add_epoch(run_id, **record)
        progress.epoch_done(record)

    try:
        outcome = train_one(task, data, candidate.name, candidate.params, seed,
                            keep_model=keep_models or trackers.want_models, on_epoch=on_epoch,
                            stop_requested=interrupted)  # fmt: skip
    except KeyboardInterrupt:
        _mark_interrupted(store, run_id, what)
    except USER_ERRORS as error:  # any failure of a user activation is recorded
        if interrupted():  # Ctrl-C turned into another error by code that caught it
            _mark_interrupted(store, run_id, what)
        store.mark_run(run_id, "failed", error=error, epochs=epochs_so_far)
        progress.run_done(f"{what}: failed ({exception_summary(error)})")
        trackers.run_ended(store, comparison_id, run_id)
        return
    _record(store, run_id, outcome, keep_models)
    trackers.run_ended(store, comparison_id, run_id, outcome.model_bytes)
    progress.run_done(_describe_outcome(candidate, seed, outcome))
    interrupted.check(what)  # Ctrl-C during the final commit: the run is kept, then stop


def _mark_interrupted(store: Store, run_id: int, what: str) -> None:
    store.mark_run(run_id, "interrupted", error="interrupted by the user (Ctrl-C)")
    raise ComparisonInterrupted(what) from None


def _record(store, run_id, outcome, keep_model: bool = True) -> None:
    if outcome.diverged_epoch is not None:
        store.mark_run(
            run_id, "diverged", diverged_epoch=outcome.diverged_epoch, epochs=outcome.epochs,
            param_count=outcome.param_count, total_seconds=outcome.total_seconds,
        )  # fmt: skip
        return
    store.finish_run(
        run_id, test_loss=outcome.test_loss, test_accuracy=outcome.test_accuracy,
        epochs=outcome.epochs, param_count=outcome.param_count,
        total_seconds=outcome.total_seconds, weights=outcome.model_bytes if keep_model else None,
        predictions=outcome.predictions,
    )  # fmt: skip


def _describe_outcome(candidate, seed, outcome) -> str:
    if outcome.diverged_epoch is not None:
        return f"{candidate.label} seed {seed}: diverged at epoch {outcome.diverged_epoch}"
    return f"{candidate.label} seed {seed}: test accuracy {outcome.test_accuracy:.4f}"
