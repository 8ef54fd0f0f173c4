"""The objective of a study: one trial trains its configuration on each trial seed, and every
run of it is a run in the actlab store (comparison ``<study>/trial-<number>``).

A configuration that a complete trial already trained is not trained again: the trial takes
that trial's value (user attribute ``same_as``), as the trial seeds are the same.

A trial trains with the task's ``validation="split"``: the last `validation_split` of the
training data is held out, and the trial's value is the mean, over its seeds, of the metric
on that split after the last epoch. The test set is not evaluated (the runs have no test
metrics): it is kept for the confirmation.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import optuna

from actlab.experiments import Candidate, Store, environment
from actlab.experiments.interrupts import ComparisonInterrupted
from actlab.experiments.significance import DEFAULT_TEST
from actlab.experiments.store import exception_summary
from actlab.experiments.training import train_one
from actlab.experiments.user_modules import USER_ERRORS
from actlab.tune.pruning import PruningCallback
from actlab.tune.space import SearchSpace


class TrialFailed(Exception):
    """A trial's run failed or diverged: the trial ends failed and the study goes on."""


def trial_comparison(study_name: str, number: int) -> str:
    """The store comparison that holds the runs of trial `number` of study `study_name`."""
    return f"{study_name}/trial-{number}"


@dataclass
class Objective:
    """``study.optimize(Objective(...))``: trains and records one trial per call."""

    store: Store
    study_name: str
    space: SearchSpace
    task: Any  # the trials' Task (validation="split")
    overrides: dict[str, Any]
    data: tuple
    seeds: Sequence[int]
    metric: str
    stop_requested: Callable[[], bool]
    progress: Any  # experiments.progress.Progress

    def __call__(self, trial: optuna.Trial) -> float:
        if self.stop_requested():
            raise ComparisonInterrupted(f"the start of trial {trial.number}")
        candidate, rate = self.space.suggest(trial)
        earlier = _same_complete_trial(trial)
        if earlier is not None and earlier.value is not None:  # same seeds, same numbers
            trial.set_user_attr("label", candidate.label)
            trial.set_user_attr("same_as", earlier.number)
            trial.set_user_attr("comparison", earlier.user_attrs.get("comparison"))
            return earlier.value
        task = self.task if rate is None else self.task.with_overrides(learning_rate=rate)
        overrides = self.overrides if rate is None else {**self.overrides, "learning_rate": rate}
        name = trial_comparison(self.study_name, trial.number)
        trial.set_user_attr("label", candidate.label)
        trial.set_user_attr("comparison", name)
        self.progress.start_run(f"trial {trial.number}: {candidate.label}")
        tune_info = {"study": self.study_name, "trial": trial.number}
        config = {"task": task.to_dict(), "baseline": candidate.label, "test": DEFAULT_TEST,
                  "tune": tune_info}  # fmt: skip
        comparison_id = self.store.create_comparison(name, task.name, config)
        try:
            values = [
                self._run_seed(trial, comparison_id, task, overrides, candidate, seed, index)
                for index, seed in enumerate(self.seeds)
            ]
        except (TrialFailed, optuna.TrialPruned) as stop:
            trial.set_user_attr("note", str(stop))  # why, for the trial's line and the report
            raise
        return statistics.fmean(values)

    def _run_seed(self, trial, comparison_id, task, overrides, candidate: Candidate, seed: int,
                  index: int) -> float:  # fmt: skip
        """Train one seed of the trial into the store; its final metric on the split."""
        config = {
            "task": task.to_dict(), "overrides": overrides, "activation": candidate.name,
            "params": candidate.params, "seed": seed,
            "tune": {"study": self.study_name, "trial": trial.number},
            **environment.describe(),
        }  # fmt: skip
        store = self.store
        run_id = store.start_run(comparison_id, candidate.name, candidate.params, seed, config)
        pruning = PruningCallback(trial, self.metric, first_step=index * task.epochs)

        def on_epoch(record: dict[str, Any]) -> None:
            store.add_epoch(run_id, **record)
            self.progress.epoch_done(record)

        what = f"trial {trial.number} ({candidate.label} seed {seed})"
        try:
            outcome = train_one(task, self.data, candidate.name, candidate.params, seed,
                                keep_model=False, on_epoch=on_epoch,
                                stop_requested=self.stop_requested, callbacks=[pruning],
                                evaluate=False)  # fmt: skip
        except KeyboardInterrupt:
            store.mark_run(run_id, "interrupted", error="interrupted by the user (Ctrl-C)")
            raise ComparisonInterrupted(what) from None
        except USER_ERRORS as error:  # a failing user activation fails its trial only
            store.mark_run(run_id, "failed", error=error)
            raise TrialFailed(f"{what}: {exception_summary(error)}") from None
        return _record(store, run_id, outcome, pruning, self.metric, what)


def _same_complete_trial(trial: optuna.Trial) -> optuna.trial.FrozenTrial | None:
    """A complete trial of the study with the same parameters, if any (Optuna's FAQ: a
    repeated configuration is not trained again; the trial seeds are fixed)."""
    complete = trial.study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    return next((t for t in complete if t.params == trial.params), None)


def _record(store: Store, run_id: int, outcome, pruning: PruningCallback, metric: str,
            what: str) -> float:  # fmt: skip
    """Store the run's end; the trial's value from it, or TrialPruned / TrialFailed."""
    common = {"epochs": outcome.epochs, "param_count": outcome.param_count,
              "total_seconds": outcome.total_seconds}  # fmt: skip
    if outcome.diverged_epoch is not None:
        store.mark_run(run_id, "diverged", diverged_epoch=outcome.diverged_epoch, **common)
        raise TrialFailed(f"{what}: diverged at epoch {outcome.diverged_epoch}")
    if pruning.pruned_epoch is not None:
        reason = f"pruned by Optuna after epoch {pruning.pruned_epoch}"
        store.mark_run(run_id, "interrupted", error=reason, **common)
        raise optuna.TrialPruned(f"{what}: {reason}")
    last = outcome.epochs[-1] if outcome.epochs else {}
    if metric not in last:
        store.mark_run(run_id, "failed", error=f"no {metric} was recorded", **common)
        raise TrialFailed(f"{what}: no {metric} was recorded")
    store.finish_run(run_id, test_loss=None, test_accuracy=None, **common)
    return float(last[metric])
