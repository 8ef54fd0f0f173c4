"""The trials of a study: as many at once as the executor has slots (`--jobs`, `--executor`,
the executors of `actlab.experiments.executors`), each training its configuration on each
trial seed in turn, with every run a run in the actlab store (comparison
``<study>/trial-<number>``). This process alone writes the store and tells Optuna: it asks
for a trial, submits its runs, reports each epoch's metric to the trial as it comes back (the
pruner may stop the run there) and tells the trial's end (ask and tell on the shared storage).

A configuration that a complete trial already trained is not trained again: the trial takes
that trial's value (user attribute ``same_as``), as the trial seeds are the same; one that a
trial in flight here is training waits for it.

A trial trains with the task's ``validation="split"``: the last `validation_split` of the
training data is held out, and the trial's value is the mean, over its seeds, of the metric
on that split after the last epoch. The test set is not evaluated (the runs have no test
metrics): it is kept for the confirmation.

The study's total is a cap for all the processes on it: a trial is asked for only while the
complete, pruned and running ones are fewer than the total, and one that another process
asked for at the same moment, past the total, ends failed at once without training.
"""

from __future__ import annotations

import statistics
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import optuna

from actlab.experiments import Candidate, Store, environment
from actlab.experiments.executors import EpochDone, Executor, RunDone, RunJob, RunReport, Setup
from actlab.experiments.interrupts import ComparisonInterrupted
from actlab.experiments.significance import DEFAULT_TEST
from actlab.experiments.store import RunKey, StoreError
from actlab.tune.pruning import should_prune
from actlab.tune.space import SearchSpace

#: How often the loop, with nothing of its own in flight, looks again at others' trials; also
#: the longest an executor's wait blocks before the loop checks for Ctrl-C (seconds).
POLL_SECONDS = 1.0
INTERRUPTED = "interrupted by the user (Ctrl-C)"
TrialState = optuna.trial.TrialState


class TrialFailed(Exception):
    """A trial's run failed or diverged: the trial ends failed and the study goes on."""


def trial_comparison(study_name: str, number: int) -> str:
    """The store comparison that holds the runs of trial `number` of study `study_name`."""
    return f"{study_name}/trial-{number}"


@dataclass
class _Trial:
    """A trial this process asked for and has not told yet, and its run in flight."""

    trial: optuna.Trial
    candidate: Candidate
    task: Any  # the trials' Task with this trial's learning rate
    overrides: dict[str, Any]
    comparison_id: int
    seed_index: int = 0
    values: list[float] = field(default_factory=list)
    job: RunJob | None = None
    run_id: int = 0  # the store's id of the run in flight
    config: dict[str, Any] = field(default_factory=dict)
    epochs: list[dict[str, Any]] = field(default_factory=list)  # of the run in flight
    pruned_epoch: int | None = None
    retries_left: int = 0  # of the run in flight: times it is started again if its worker dies
    last_step: int = -1  # the last step reported to the trial (a run started again repeats it)

    @property
    def number(self) -> int:
        return self.trial.number

    @property
    def what(self) -> str:
        seed = self.job.seed if self.job is not None else "?"
        return f"trial {self.number} ({self.candidate.label} seed {seed})"


@dataclass
class TrialLoop:
    """Trials of `study` until it holds `total` complete or pruned ones (every process's),
    at most `asks` of them asked for here, trained by `executor`, recorded in `store`."""

    study: optuna.Study
    storage: optuna.storages.RDBStorage  # the study's, for the trials' heartbeats
    store: Store
    space: SearchSpace
    task: Any  # the trials' Task (validation="split")
    overrides: dict[str, Any]
    seeds: Sequence[int]
    metric: str
    total: int
    asks: int  # trials this process may still ask for (failed ones do not count to total)
    executor: Executor
    interrupted: Callable[[], bool]
    progress: Any  # experiments.progress.Progress
    retries: int = 0  # times a run whose worker died is started again, then its trial failed
    _active: dict[int, _Trial] = field(default_factory=dict)  # by trial number
    _flights: dict[RunKey, _Trial] = field(default_factory=dict)
    _waiting: list[_Trial] = field(default_factory=list)  # their run's twin is in flight
    _stopping: bool = False
    _stopped: list[str] = field(default_factory=list)

    def run(self, setup: Setup, data) -> None:
        """Train and tell trials until the study is full; ComparisonInterrupted after Ctrl-C,
        once the runs in flight are recorded (their trials end failed)."""
        self.executor.start(setup, data, self.interrupted)
        # dict.copy is one step for the heartbeat's thread: no "changed size during iteration"
        heartbeat = _Heartbeat(self.storage, lambda: list(self._active.copy().values()))
        try:
            self._loop()
        except KeyboardInterrupt:  # a second Ctrl-C (or one in the warm-up): stop now
            self.executor.close()
            self._abandon()
            raise ComparisonInterrupted(self._stop_what()) from None
        finally:
            heartbeat.stop()
            self._abandon()  # an error: no trial of ours is left running
        if self._stopping or self.interrupted():
            raise ComparisonInterrupted(self._stop_what())

    # -- the loop ------------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            if self.interrupted() and not self._stopping:
                self._stop()
            if not self._stopping:
                self._fill()
            if self._flights:
                self.executor.wait(self._handle, POLL_SECONDS)
            elif self._stopping or self.asks == 0 or not self._others_running():
                return
            else:
                self._wait_for_others()

    def _wait_for_others(self) -> None:
        """The study is full with others' running trials: one may still fail, leaving room
        for one of ours."""
        time.sleep(POLL_SECONDS)

    def _stop(self) -> None:
        self._stopping = True
        self.executor.stop()
        for waiting in list(self._waiting):
            self._tell(waiting, TrialState.FAIL, note=f"{waiting.what}: interrupted")

    def _fill(self) -> None:
        """Start the waiting trials whose twin is done, then ask for new ones while there
        are free slots and the study has room."""
        for waiting in list(self._waiting):
            if waiting.job is None or waiting.job.key not in self._flights:
                self._waiting.remove(waiting)
                self._next_run(waiting)
        while self.asks > 0 and len(self._active) < self.executor.slots and self._room() > 0:
            self._ask()

    def _room(self) -> int:
        """Trials the study may still take: its total less its complete, pruned and running
        ones (a running trial whose process died is failed first, after its grace time)."""
        with warnings.catch_warnings():  # Optuna still calls it experimental
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            optuna.storages.fail_stale_trials(self.study)
        held = self.study.get_trials(deepcopy=False, states=_HELD)
        return self.total - len(held)

    def _others_running(self) -> bool:
        running = self.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
        return any(t.number not in self._active for t in running)

    def _ask(self) -> None:
        with warnings.catch_warnings():  # the heartbeats are _Heartbeat's, not optimize's
            warnings.filterwarnings("ignore", "Heartbeat of storage", UserWarning)
            trial = self.study.ask()
        self.asks -= 1
        self.storage.record_heartbeat(trial._trial_id)
        candidate, rate = self.space.suggest(trial)
        trial.set_user_attr("label", candidate.label)
        task = self.task if rate is None else self.task.with_overrides(learning_rate=rate)
        overrides = self.overrides if rate is None else {**self.overrides, "learning_rate": rate}
        name = trial_comparison(self.study.study_name, trial.number)
        trial.set_user_attr("comparison", name)
        config = {"task": task.to_dict(), "baseline": candidate.label, "test": DEFAULT_TEST,
                  "tune": {"study": self.study.study_name, "trial": trial.number}}  # fmt: skip
        comparison_id = self.store.create_comparison(name, task.name, config)
        active = _Trial(trial, candidate, task, overrides, comparison_id)
        self._active[trial.number] = active
        if past_total(self.study, trial, self.total):
            self._tell(active, TrialState.FAIL, note="past the study's total: another process "
                       "asked for the last trial at the same moment")  # fmt: skip
            return
        self.progress.start_run(f"trial {trial.number}: {candidate.label}", key=trial.number)
        self._next_run(active)

    def _next_run(self, active: _Trial) -> None:
        """Submit the trial's run of its next seed; a first seed of a configuration a
        complete trial has takes its value instead, and a run whose twin (the same
        configuration and seed) is in flight waits for it."""
        if active.seed_index == 0 and self._took_earlier_value(active):
            return
        seed = self.seeds[active.seed_index]
        job = RunJob(active.candidate.name, dict(active.candidate.params), seed,
                     f"trial {active.number}: {active.candidate.label}",
                     overrides=_lr_override(active.overrides))  # fmt: skip
        active.job = job
        if job.key in self._flights:
            self._waiting.append(active)
            return
        active.retries_left = self.retries
        active.config = {
            "task": active.task.to_dict(), "overrides": active.overrides,
            "activation": job.activation, "params": job.params, "seed": seed,
            "tune": {"study": self.study.study_name, "trial": active.number},
            **environment.describe(),
        }  # fmt: skip
        self._start_run(active, job)

    def _start_run(self, active: _Trial, job: RunJob) -> None:
        active.run_id = self.store.start_run(active.comparison_id, job.activation, job.params,
                                             job.seed, active.config)  # fmt: skip
        active.epochs, active.pruned_epoch = [], None
        self._flights[job.key] = active
        self.executor.submit(job)

    def _retried(self, active: _Trial, report: RunReport) -> bool:
        """Start a run whose worker died again, while it has retries left (as `compare`
        does: the executor gives it to a worker process, never to this one)."""
        if (report.status != "lost" or active.retries_left == 0 or self._stopping
                or active.pruned_epoch is not None or active.job is None):  # fmt: skip
            return False
        active.retries_left -= 1
        self.progress.note(f"{active.what}: {report.summary}; starting it again")
        self._start_run(active, active.job)
        return True

    def _took_earlier_value(self, active: _Trial) -> bool:
        earlier = _same_complete_trial(active.trial)
        if earlier is None or earlier.value is None:  # same seeds, same numbers
            return False
        active.trial.set_user_attr("same_as", earlier.number)
        active.trial.set_user_attr("comparison", earlier.user_attrs.get("comparison"))
        self._tell(active, TrialState.COMPLETE, earlier.value)
        return True

    # -- what comes back -----------------------------------------------------------------

    def _handle(self, event: EpochDone | RunDone) -> None:
        active = self._flights.get(event.key)
        if active is None:
            return
        if isinstance(event, EpochDone):
            self.store.add_epoch(active.run_id, **event.record)
            self._epoch(active, event.record, live=True)
            return
        for record in event.report.epochs[len(active.epochs) :]:  # any not told live
            self._epoch(active, record, live=False)
        del self._flights[event.key]
        self._run_ended(active, event.report)

    def _epoch(self, active: _Trial, record: dict[str, Any], live: bool) -> None:
        """Report the epoch's metric to the trial; stop the run when the pruner says so."""
        active.epochs.append(record)
        self.progress.epoch_done(record, key=active.number)
        if active.pruned_epoch is not None or self._stopping:
            return
        step = active.seed_index * self.task.epochs + record["epoch"] - 1
        if step <= active.last_step:  # the pruner judged this step in the lost attempt
            return
        active.last_step = step
        if should_prune(active.trial, record.get(self.metric), step):
            active.pruned_epoch = record["epoch"]
            if live and active.job is not None:
                self.executor.cancel(active.job.key)

    def _run_ended(self, active: _Trial, report: RunReport) -> None:
        if self._retried(active, report):
            return
        config = {**active.config, **report.environment}
        try:
            value = self._record(active, report, config)
        except TrialFailed as failed:
            self._tell(active, TrialState.FAIL, note=str(failed))
            return
        except optuna.TrialPruned as pruned:
            self._tell(active, TrialState.PRUNED, note=str(pruned))
            return
        if value is None:  # interrupted
            return
        active.values.append(value)
        active.seed_index += 1
        if active.seed_index < len(self.seeds) and not self._stopping:
            self._next_run(active)
        elif active.seed_index < len(self.seeds):
            self._tell(active, TrialState.FAIL, note=f"{active.what}: interrupted after it")
        else:
            self._tell(active, TrialState.COMPLETE, statistics.fmean(active.values))

    def _record(self, active: _Trial, report: RunReport, config: dict[str, Any]) -> float | None:
        """Store the run's end; its final metric on the split, None if Ctrl-C stopped it,
        or TrialPruned / TrialFailed."""
        run_id, what, epochs = active.run_id, active.what, report.epochs or active.epochs
        if active.pruned_epoch is not None:
            reason = f"pruned by Optuna after epoch {active.pruned_epoch}"
            self.store.mark_run(run_id, "interrupted", error=reason, epochs=epochs or None,
                                config=config, **_outcome_fields(report.outcome))  # fmt: skip
            raise optuna.TrialPruned(f"{what}: {reason}")
        if report.status == "interrupted":
            self.store.mark_run(run_id, "interrupted", error=INTERRUPTED, epochs=epochs or None,
                                config=config)  # fmt: skip
            self._stopped.append(what)
            self._tell(active, TrialState.FAIL, note=f"{what}: interrupted")
            if not self._stopping:  # stopped by something other than our own flag
                self._stop()
            return None
        if report.status in ("failed", "lost"):
            self.store.mark_run(run_id, "failed", error=report.error, epochs=epochs or None,
                                config=config)  # fmt: skip
            raise TrialFailed(f"{what}: {report.summary}")
        return _record_outcome(self.store, run_id, report.outcome, self.metric, what, config)

    def _tell(self, active: _Trial, state, value: float | None = None, *,
              note: str | None = None) -> None:  # fmt: skip
        if note is not None:  # why, for the trial's line and the report
            active.trial.set_user_attr("note", note)
        frozen = self.study.tell(active.trial, value, state=state)
        self._active.pop(active.number, None)
        if active in self._waiting:
            self._waiting.remove(active)
        self.progress.run_done(describe_trial(frozen, self.study), key=active.number)

    def _abandon(self) -> None:
        """Mark the runs still in flight interrupted and fail every trial still ours."""
        for active in list(self._flights.values()):
            with suppress(StoreError):
                self.store.mark_run(active.run_id, "interrupted", error=INTERRUPTED,
                                    epochs=active.epochs or None)  # fmt: skip
            self._stopped.append(active.what)
        self._flights.clear()
        for active in list(self._active.values()):
            with suppress(Exception):  # the storage's own trouble: the first error is the news
                self._tell(active, TrialState.FAIL, note=f"{active.what}: interrupted")
        self._active.clear()

    def _stop_what(self) -> str:
        return ", ".join(self._stopped) or "the study"


_HELD = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)


class _Heartbeat:
    """A daemon thread that records the heartbeat of this process's trials in the storage,
    so that they are marked failed if it dies (`study.optimize` does it for its own)."""

    def __init__(self, storage: optuna.storages.RDBStorage,
                 trials: Callable[[], list[_Trial]]) -> None:  # fmt: skip
        self._storage = storage
        self._trials = trials
        self._stopped = threading.Event()
        interval = self._storage.get_heartbeat_interval() or 60
        self._thread = threading.Thread(target=self._beat, args=(interval,), daemon=True,
                                        name="actlab-trial-heartbeat")  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _beat(self, interval: float) -> None:
        while not self._stopped.wait(interval):
            for active in self._trials():
                with suppress(Exception):  # a tick that fails: the next one tries again
                    self._storage.record_heartbeat(active.trial._trial_id)


def past_total(study: optuna.Study, trial: optuna.Trial, total: int) -> bool:
    """Whether `trial` is past the study's `total`: as many complete, pruned or running
    trials as that came before it (asked for by another process at the same moment)."""
    held = study.get_trials(deepcopy=False, states=_HELD)
    return sum(t.number < trial.number for t in held) >= total


def _lr_override(overrides: dict[str, Any]) -> dict[str, Any]:
    """What a trial's runs change in the setup's task: its learning rate, if tuned."""
    return {k: v for k, v in overrides.items() if k == "learning_rate"}


def _same_complete_trial(trial: optuna.Trial) -> optuna.trial.FrozenTrial | None:
    """A complete trial of the study with the same parameters, if any (Optuna's FAQ: a
    repeated configuration is not trained again; the trial seeds are fixed)."""
    complete = trial.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    return next((t for t in complete if t.params == trial.params), None)


def _outcome_fields(outcome) -> dict[str, Any]:
    if outcome is None:
        return {}
    return {"param_count": outcome.param_count, "total_seconds": outcome.total_seconds}


def _record_outcome(store: Store, run_id: int, outcome, metric: str, what: str,
                    config: dict[str, Any]) -> float:  # fmt: skip
    """Store a trained run's end; the trial's value from it, or TrialFailed."""
    common = {"epochs": outcome.epochs, "config": config, **_outcome_fields(outcome)}
    if outcome.diverged_epoch is not None:
        store.mark_run(run_id, "diverged", diverged_epoch=outcome.diverged_epoch, **common)
        raise TrialFailed(f"{what}: diverged at epoch {outcome.diverged_epoch}")
    last = outcome.epochs[-1] if outcome.epochs else {}
    if metric not in last:
        store.mark_run(run_id, "failed", error=f"no {metric} was recorded", **common)
        raise TrialFailed(f"{what}: no {metric} was recorded")
    store.finish_run(run_id, test_loss=None, test_accuracy=None, **common)
    return float(last[metric])


def describe_trial(trial: optuna.trial.FrozenTrial, study: optuna.Study) -> str:
    """``trial 3 relu: val_accuracy 0.9412`` (or pruned / failed, and why)."""
    label = trial.user_attrs.get("label", "")
    if trial.state == TrialState.COMPLETE:
        same = trial.user_attrs.get("same_as")
        again = "" if same is None else f" (as trial {same}: same configuration, not retrained)"
        return f"trial {trial.number} {label}: {_metric_name(study)} {trial.value:.4f}{again}"
    note = trial.user_attrs.get("note", "")
    return f"trial {trial.number} {label}: {trial.state.name.lower()} ({note})"


def _metric_name(study: optuna.Study) -> str:
    return study.user_attrs.get("actlab", {}).get("metric", "value")
