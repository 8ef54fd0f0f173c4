"""`tune`: an Optuna study of an activation's parameters (or of the activation itself), then
a comparison of the best configuration with a baseline on fresh seeds."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import optuna

from actlab import tasks
from actlab.experiments import Candidate, Store, compare, user_modules
from actlab.experiments.executors import Executor, Setup, make_executor
from actlab.experiments.interrupts import InterruptFlag
from actlab.experiments.progress import Progress
from actlab.experiments.runner import DEFAULT_DB, check_reachable, default_name, retry_count
from actlab.experiments.significance import DEFAULT_TEST, check_test
from actlab.tune.pruning import METRICS
from actlab.tune.result import TuneResult
from actlab.tune.space import LEARNING_RATE_PARAM, SearchSpace, TuneError, build_space
from actlab.tune.study import (
    SAMPLERS,
    counted_trials,
    default_storage,
    make_pruner,
    open_storage,
    open_study,
    optuna_warnings_only,
)
from actlab.tune.trials import TrialLoop

DEFAULT_BASELINE = "relu"


def tune(
    activations: str | Sequence[str],
    task: str = "fashion_mnist_mlp",
    trials: int = 30,
    *,
    params: Iterable[str] = (),
    tune_lr: bool = False,
    storage: str | None = None,
    study: str | None = None,
    seeds_per_trial: int = 1,
    metric: str = "val_accuracy",
    sampler: str = "tpe",
    pruner: str | optuna.pruners.BasePruner = "median",
    sampler_seed: int | None = None,
    epochs: int | None = None,
    overrides: dict[str, Any] | None = None,
    confirm: bool = True,
    baseline: str = DEFAULT_BASELINE,
    confirm_seeds: int = 5,
    test: str = DEFAULT_TEST,
    db: str | Path = DEFAULT_DB,
    data_dir: str | Path | None = None,
    quiet: bool = False,
    jobs: int | None = None,
    executor: str = "local",
    address: str | None = None,
    cpus_per_run: float | None = None,
    gpus_per_run: float | None = None,
    retries: int = 0,
) -> TuneResult:
    """Search `activations`' parameters (a list: the activation too) on a validation split,
    until the study holds `trials` complete or pruned trials, then confirm the best.

    `activations` is one catalog name, or several to choose among (article 003's question);
    `params` are ``[activation.]name=low:high[:log]`` intervals (default: each entry's
    declared range, see `actlab.tune.space`); `tune_lr` searches the learning rate too.
    Trials train on seeds ``0..seeds_per_trial-1`` with the task's ``validation="split"``
    and are scored by `metric` on the split after the last epoch; each run is stored in `db`
    as comparison ``<study>/trial-<n>``. The study (default name from the task and the
    activations) lives in `storage` (default: `default_storage(db)`) and is resumed by name,
    also by other processes. A trial whose run fails or diverges ends failed and does not
    count; a configuration a complete trial already has is not trained again. `sampler` is
    "tpe" (multivariate, grouped by the chosen activation) or "random", `sampler_seed` its
    seed; `pruner` "median" (Optuna's MedianPruner), "none" or an Optuna pruner. Ctrl-C stops
    at the next boundary (ComparisonInterrupted), keeping the study.

    `jobs`, `executor`, `address`, `cpus_per_run` and `gpus_per_run` choose who trains, as
    for `actlab.compare`: `jobs` trials at once (this process and local worker processes, or
    Ray tasks), their results told to Optuna by this process; several processes on one study
    never take it past `trials`. A run whose worker died is started again `retries` times,
    then its trial ends failed. The confirmation trains the same way.

    With `confirm`, the best configuration and `baseline` are compared (`actlab.compare`,
    on the test set) on `confirm_seeds` fresh seeds, as comparison ``<study>/confirm-<n>``
    (n: the best trial), with the tuned learning rate, if any, for both.
    """
    names = [activations] if isinstance(activations, str) else list(activations)
    executors = {"jobs": jobs, "executor": executor, "address": address,
                 "cpus_per_run": cpus_per_run, "gpus_per_run": gpus_per_run,
                 "retries": retry_count(retries)}  # fmt: skip
    runner = make_executor(executor, jobs, address=address, cpus_per_run=cpus_per_run,
                           gpus_per_run=gpus_per_run)  # fmt: skip
    runner.prestart()  # local workers import their framework while this process goes on
    with runner:
        result = _study(runner, names, task, trials, params=params, tune_lr=tune_lr,
                        storage=storage, study=study, seeds_per_trial=seeds_per_trial,
                        metric=metric, sampler=sampler, pruner=pruner, sampler_seed=sampler_seed,
                        overrides=_with_epochs(overrides, epochs), baseline=baseline,
                        confirm_seeds=confirm_seeds, test=test, db=db, data_dir=data_dir,
                        quiet=quiet, retries=executors["retries"])  # fmt: skip
    if not confirm:
        return result
    base_task = tasks.get(task, **_with_epochs(overrides, epochs))
    confirmation = _confirm(result, base_task, _with_epochs(overrides, epochs),
                            Candidate.parse(baseline), confirm_seeds, test, db, data_dir, quiet,
                            executors)  # fmt: skip
    return dataclasses.replace(result, confirmation=confirmation)


def _with_epochs(overrides: dict[str, Any] | None, epochs: int | None) -> dict[str, Any]:
    overrides = dict(overrides or {})
    if epochs is not None:
        overrides["epochs"] = epochs
    return overrides


def _study(runner: Executor, names: list[str], task: str, trials: int, *, params, tune_lr,
           storage, study, seeds_per_trial, metric, sampler, pruner, sampler_seed, overrides,
           baseline, confirm_seeds, test, db, data_dir, quiet, retries) -> TuneResult:  # fmt: skip
    """The study's trials (those it still needs), then its best trial."""
    _check_counts(trials=trials, seeds_per_trial=seeds_per_trial, confirm_seeds=confirm_seeds)
    _check_choice("metric", metric, METRICS)
    _check_choice("sampler", sampler, SAMPLERS)
    the_pruner = make_pruner(pruner)
    Candidate.parse(baseline)  # refused now, not after the trials
    check_test(test)
    base_task = tasks.get(task, **overrides)
    space = build_space(names, params, tune_learning_rate=tune_lr,
                        task_learning_rate=base_task.learning_rate)  # fmt: skip
    trial_task = base_task.with_overrides(validation="split")
    if runner.name != "local":
        check_reachable(space.activations, trial_task)
    trial_seeds = list(range(seeds_per_trial))
    study_name = study or default_study_name(base_task, overrides, space)
    url = storage or default_storage(db)
    settings = {"task": trial_task.to_dict(), "space": space.to_dict(), "metric": metric,
                "seeds": trial_seeds}  # fmt: skip
    with Store(db) as store, InterruptFlag() as interrupted, optuna_warnings_only():
        the_storage = open_storage(url)
        the_study = open_study(
            the_storage, study_name, settings, sampler=sampler, sampler_seed=sampler_seed,
            pruner=the_pruner, store=store,
        )  # fmt: skip
        remaining = trials - counted_trials(the_study)
        if remaining > 0:
            data = trial_task.load_data(data_dir=data_dir)
            interrupted.check("loading the data")
            setup = Setup(task=trial_task.to_dict(), keep_models=False, evaluate=False,
                          modules=user_modules.imported(),
                          warm_up=tuple((name, {}) for name in space.activations))  # fmt: skip
            with Progress(remaining, trial_task.epochs * seeds_per_trial, quiet=quiet) as bar:
                TrialLoop(the_study, the_storage, store, space, trial_task,
                          {**overrides, "validation": "split"}, trial_seeds, metric, trials,
                          remaining, runner, interrupted, bar, retries=retries,
                          ).run(setup, data)  # fmt: skip
    return _best(the_study, space, url, Path(db), metric, trial_seeds)


def default_study_name(task, overrides: dict[str, Any], space: SearchSpace) -> str:
    """``digits_mlp[epochs=2]:leaky_relu``, ``...:linear|relu+lr``: the task recipe's name
    and what is searched."""
    lr = "+lr" if space.learning_rate is not None else ""
    return f"{default_name(task, overrides)}:{'|'.join(space.activations)}{lr}"


def _check_counts(**counts: int) -> None:
    for name, count in counts.items():
        if count < 1:
            raise TuneError(f"{name} must be at least 1, got {count}")


def _check_choice(name: str, value: str, allowed) -> None:
    if value not in allowed:
        raise TuneError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


def _best(study: optuna.Study, space: SearchSpace, url: str, db: Path, metric: str,
          trial_seeds: list[int]) -> TuneResult:  # fmt: skip
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    if not complete:
        states = [t.state.name.lower() for t in study.get_trials(deepcopy=False)]
        counts = ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states))) or "none"
        raise TuneError(f"no trial of study {study.study_name!r} completed (trials: {counts})")
    best = study.best_trial
    candidate, rate = space.suggest(optuna.trial.FixedTrial(best.params))
    return TuneResult(
        study_name=study.study_name, storage=url, db=db, metric=metric, best_trial=best.number,
        best_value=float(best.values[0]), best_params=dict(best.params), best=candidate,
        learning_rate=rate, trial_seeds=trial_seeds,
    )  # fmt: skip


def _confirm(result: TuneResult, base_task, overrides: dict[str, Any], base: Candidate,
             confirm_seeds: int, test: str, db, data_dir, quiet: bool,
             executors: dict[str, Any]):  # fmt: skip
    """`compare` of the best configuration and the baseline on fresh seeds (after the
    trials'), on the test set; with a tuned learning rate, both train with it."""
    if result.learning_rate is not None:
        overrides = {**overrides, LEARNING_RATE_PARAM: result.learning_rate}
    first = len(result.trial_seeds)
    seeds = range(first, first + confirm_seeds)
    candidates = [base] if base.label == result.best.label else [base, result.best]
    return compare(
        candidates, task=base_task.name, seeds=seeds, baseline=base.label, test=test, db=db,
        name=f"{result.study_name}/confirm-{result.best_trial}", overrides=overrides,
        data_dir=data_dir, quiet=quiet, **executors,
    )  # fmt: skip
