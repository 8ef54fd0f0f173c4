"""`tune` with the executors of `compare`: trials trained by two local workers give the
trials of one process, and the study's total caps every process on the study."""

from __future__ import annotations

import json
import os
import signal

import optuna
import pytest

from actlab.experiments import Store
from actlab.experiments import training as training_module
from actlab.tune import TuneError, default_storage, tune
from actlab.tune.trials import TrialLoop, past_total
from tests.experiments.executors.commands import (
    HOOKS,
    finish,
    release,
    rows,
    runs,
    start,
    waiting_pid,
)

COMPLETE = optuna.trial.TrialState.COMPLETE

FAST = {"task": "digits_mlp", "epochs": 1, "sampler": "random", "sampler_seed": 0, "quiet": True,
        "confirm": False}  # fmt: skip


def trials_of(result) -> list[tuple[int, dict, str, float | None]]:
    return [(t.number, t.params, t.state.name, t.value) for t in result.study().trials]


@pytest.mark.slow
def test_jobs_2_trains_two_trials_at_once_and_finds_what_one_process_finds(tmp_path):
    one = tune(["relu", "leaky_relu"], trials=4, db=tmp_path / "one.db", **FAST)
    two = tune(["relu", "leaky_relu"], trials=4, db=tmp_path / "two.db", jobs=2, **FAST)
    assert trials_of(two) == trials_of(one)  # the random sampler draws in the order asked
    assert (two.best_trial, two.best_params) == (one.best_trial, one.best_params)
    with Store(tmp_path / "two.db", readonly=True) as store:
        runs = store.runs().sort_values("started", ignore_index=True)
    assert {config["executor"]["kind"] for config in runs["config"]} == {"processes"}
    # trial 1 was given to the worker process while trial 0 trained in this one
    first, second = runs.iloc[0], runs.iloc[1]
    assert second["started"] < first["finished"]


def test_a_trial_asked_for_past_the_total_is_known(tmp_path):
    study = optuna.create_study(storage=f"sqlite:///{tmp_path / 'o.db'}")
    first, second = study.ask(), study.ask()  # two processes at the same moment
    assert not past_total(study, first, 1)
    assert past_total(study, second, 1)
    assert not past_total(study, second, 2)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Heartbeat of storage")  # the test's own ask
@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")  # and storage
def test_another_processs_running_trial_counts_towards_the_total(tmp_path, monkeypatch):
    db = tmp_path / "r.db"
    done = tune("leaky_relu", trials=1, db=db, **FAST)  # trial 0, complete
    storage = optuna.storages.RDBStorage(default_storage(db), heartbeat_interval=60)
    study = optuna.load_study(study_name=done.study_name, storage=storage)
    other = study.ask()  # another actlab tune's trial 1, running, with its heartbeat
    storage.record_heartbeat(other._trial_id)
    trained = []
    real_train_one, real_wait = training_module.train_one, TrialLoop._wait_for_others

    def counted(*args, **kwargs):
        trained.append(args[2:5])
        return real_train_one(*args, **kwargs)

    def the_other_ends_while_we_wait(self):
        if other.number not in [t.number for t in study.get_trials(states=(COMPLETE,))]:
            study.tell(other, 0.5)
        real_wait(self)

    monkeypatch.setattr(training_module, "train_one", counted)
    monkeypatch.setattr(TrialLoop, "_wait_for_others", the_other_ends_while_we_wait)
    result = tune("leaky_relu", trials=3, db=db, **FAST)  # 2 more, were the other not there
    trials = result.study().trials
    assert [t.state.name for t in trials] == ["COMPLETE", "COMPLETE", "COMPLETE"]
    assert trials[1].value == 0.5 and "negative_slope" in trials[2].params
    assert len(trained) == 1  # trial 2 only


@pytest.mark.slow
def test_with_jobs_2_the_pruner_stops_runs_in_the_driver_and_in_the_worker(tmp_path):
    db = tmp_path / "r.db"
    always = optuna.pruners.ThresholdPruner(lower=2.0)  # accuracy never reaches 2
    with pytest.raises(TuneError, match=r"completed \(trials: 2 pruned\)"):
        tune("leaky_relu", trials=2, db=db, jobs=2, pruner=always, **{**FAST, "epochs": 3})
    with Store(db, readonly=True) as store:
        runs = store.runs()
    assert list(runs["status"]) == ["interrupted", "interrupted"]
    assert list(runs["error"]) == ["pruned by Optuna after epoch 1"] * 2
    study = optuna.load_study(study_name=runs["config"][0]["tune"]["study"],
                              storage=default_storage(db))  # fmt: skip
    assert [sorted(t.intermediate_values) for t in study.trials] == [[0], [0]]


@pytest.mark.slow
def test_a_trial_whose_worker_is_killed_is_trained_again_with_retries(tmp_path):
    db = tmp_path / "retried.db"
    # Trial 0 trains in the driver's own thread; trial 1 in the worker process, which waits
    # in its run (not in its warm-up) until the test kills it, and the new one until `go`.
    args = ["tune", "blocking_leaky_relu", "--import", str(HOOKS), "--task", "digits_mlp",
            "--trials", "2", "--epochs", "2", "--sampler", "random", "--pruner", "none",
            "--no-confirm", "--quiet", "--jobs", "2", "--retries", "1"]  # fmt: skip
    process = start(db, args, hooks=tmp_path, env={"ACTLAB_TEST_BLOCK": "worker-run"})
    first = waiting_pid(tmp_path, process)
    assert first != process.pid
    os.kill(first, signal.SIGKILL)
    waiting_pid(tmp_path, process, old=first)  # a new worker, waiting in the same run
    release(tmp_path)
    code, _, err = finish(process)
    assert code == 0, err
    assert runs(db) == [("blocking_leaky_relu", 0, "finished", 1),
                        ("blocking_leaky_relu", 0, "finished", 2)]  # fmt: skip
    study_name = rows(db, "SELECT config FROM runs LIMIT 1")[0][0]
    study = optuna.load_study(study_name=json.loads(study_name)["tune"]["study"],
                              storage=default_storage(db))  # fmt: skip
    assert [t.state.name for t in study.trials] == ["COMPLETE", "COMPLETE"]
