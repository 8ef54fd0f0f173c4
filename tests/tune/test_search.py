"""`tune` end to end on the offline digits task, with a real Optuna SQLite storage: trials
are runs in the store scored on the validation split, the study resumes by name, pruned and
failed trials are recorded, and the confirmation compares on fresh seeds."""

from __future__ import annotations

import signal

import optuna
import pytest

from actlab import activations
from actlab.experiments import ComparisonInterrupted, Store
from actlab.experiments import training as training_module
from actlab.tune import TuneError, default_storage, trial_comparison, tune

FAST = {"task": "digits_mlp", "epochs": 1, "sampler_seed": 0, "quiet": True}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """A two-trial study of leaky ReLU's slope, without the confirmation."""
    db = tmp_path_factory.mktemp("tune") / "results.db"
    result = tune("leaky_relu", trials=2, db=db, confirm=False, **FAST)
    return result


def _trials(result) -> list[optuna.trial.FrozenTrial]:
    return result.study().get_trials(deepcopy=False)


def test_the_default_storage_is_a_sqlite_file_beside_the_store(study):
    assert study.storage == default_storage(study.db)
    assert study.storage.endswith("/results.optuna.db")
    assert (study.db.parent / "results.optuna.db").is_file()
    assert study.confirmation is None


def test_every_trial_is_a_run_scored_on_the_validation_split(study):
    with Store(study.db, readonly=True) as store:
        runs = store.runs()
        epochs = store.epochs()
    for trial in _trials(study):
        name = trial_comparison(study.study_name, trial.number)
        run = runs[runs["comparison"] == name].iloc[0]
        assert run["status"] == "finished"
        assert run["params"] == {"negative_slope": trial.params["negative_slope"]}
        assert run["config"]["task"]["validation"] == "split"
        assert run["config"]["tune"] == {"study": study.study_name, "trial": trial.number}
        # The test set is kept for the confirmation: no test metrics, no predictions.
        assert run["test_accuracy"] != run["test_accuracy"]  # NaN
        assert not run["has_predictions"]
        history = epochs[epochs["run_id"] == run["run_id"]].sort_values("epoch")
        assert trial.value == pytest.approx(history["val_accuracy"].iloc[-1])
        assert trial.intermediate_values == pytest.approx(dict(enumerate(history["val_accuracy"])))
    best = max(_trials(study), key=lambda t: t.value)
    assert (study.best_trial, study.best_value) == (best.number, pytest.approx(best.value))
    assert study.best.label == f"leaky_relu(negative_slope={best.params['negative_slope']})"


def test_a_second_call_resumes_the_study_by_name(study):
    before = [(t.number, t.params) for t in _trials(study)]
    again = tune("leaky_relu", trials=len(before) + 1, db=study.db, confirm=False, **FAST)
    after = [(t.number, t.params) for t in _trials(again)]
    assert again.study_name == study.study_name
    assert after[: len(before)] == before and len(after) == len(before) + 1
    with Store(study.db, readonly=True) as store:
        assert store.has_comparison(trial_comparison(study.study_name, len(before)))


def test_the_confirmation_compares_the_best_with_the_baseline_on_fresh_seeds(study):
    done = len(_trials(study))
    result = tune("leaky_relu", trials=done, db=study.db, confirm_seeds=2, **FAST)
    assert len(_trials(result)) == done  # the study already held its trials
    confirmation = result.confirmation
    assert confirmation.seeds == [1, 2]  # trial seed 0 is not reused
    assert confirmation.labels == ["relu", result.best_label]
    runs = confirmation.runs()
    assert len(runs) == 4 and runs["test_accuracy"].notna().all()
    assert result.verdict() in {"better", "worse", "no significant difference"}


def test_a_study_refuses_other_settings(study):
    with pytest.raises(TuneError, match=r"other settings \(differs in: task.epochs\)"):
        tune("leaky_relu", trials=5, db=study.db, study=study.study_name, task="digits_mlp",
             epochs=3, quiet=True)  # fmt: skip


def test_a_new_storage_cannot_take_over_trials_in_the_store(study, tmp_path):
    with pytest.raises(TuneError, match="already holds trials of a study"):
        tune("leaky_relu", trials=5, db=study.db, storage=f"sqlite:///{tmp_path / 'o.db'}",
             confirm=False, **FAST)  # fmt: skip


def test_pruned_trials_count_and_their_runs_say_so(tmp_path):
    db = tmp_path / "r.db"
    always = optuna.pruners.ThresholdPruner(lower=2.0)  # accuracy never reaches 2
    with pytest.raises(TuneError, match=r"no trial of study .* completed \(trials: 1 pruned\)"):
        tune("relu", trials=1, db=db, pruner=always, **{**FAST, "epochs": 2})
    with Store(db, readonly=True) as store:
        runs = store.runs()
        epochs = store.epochs()
    assert list(runs["status"]) == ["interrupted"]
    assert list(runs["error"]) == ["pruned by Optuna after epoch 1"]
    assert list(epochs["epoch"]) == [1]  # of 2


@pytest.fixture
def broken_activation():
    from actlab.activations import registry

    @activations.register(name="test_tune_broken", formula="?")
    def test_tune_broken(x):
        """Raises when the model is built."""
        raise RuntimeError("broken on purpose")

    yield "test_tune_broken"
    registry._SPECS.pop("test_tune_broken")


def test_a_failing_activation_fails_its_trials_and_the_study_says_so(tmp_path, broken_activation):
    db = tmp_path / "r.db"
    with pytest.raises(TuneError, match=r"completed \(trials: 2 fail\)"):
        tune(broken_activation, trials=2, db=db, **FAST)
    with Store(db, readonly=True) as store:
        runs = store.runs()
    assert list(runs["status"]) == ["failed", "failed"]
    study = optuna.load_study(study_name="digits_mlp[epochs=1]:test_tune_broken",
                              storage=default_storage(db))  # fmt: skip
    assert "broken on purpose" in study.trials[0].user_attrs["note"]


def test_the_history_and_importances_of_a_study(study):
    history = study.trials()
    assert {"number", "value", "state", "params_negative_slope"} <= set(history.columns)
    assert study.importances() == {"negative_slope": pytest.approx(1.0)}


def test_a_repeated_configuration_is_not_trained_again(tmp_path):
    db = tmp_path / "r.db"
    result = tune(["relu", "tanh"], trials=3, db=db, confirm=False, sampler="random",
                  **FAST)  # fmt: skip
    trials = _trials(result)
    with Store(db, readonly=True) as store:
        runs = store.runs()
    assert sorted(runs["activation"]) == sorted({t.params["activation"] for t in trials})
    repeats = [t for t in trials if "same_as" in t.user_attrs]
    assert len(repeats) == 3 - len(runs) >= 1  # three trials of two choices repeat one
    for repeat in repeats:
        earlier = trials[repeat.user_attrs["same_as"]]
        assert (earlier.params, earlier.value) == (repeat.params, repeat.value)


def test_ctrl_c_stops_the_study_and_the_same_call_resumes_it(tmp_path, monkeypatch):
    real_train_one = training_module.train_one

    def ctrl_c_after_the_first_epoch(*args, on_epoch, **kwargs):
        def then_ctrl_c(record):
            on_epoch(record)
            signal.raise_signal(signal.SIGINT)  # sets the flag: training stops at a boundary

        monkeypatch.setattr(training_module, "train_one", real_train_one)  # once only
        return real_train_one(*args, on_epoch=then_ctrl_c, **kwargs)

    monkeypatch.setattr(training_module, "train_one", ctrl_c_after_the_first_epoch)
    db = tmp_path / "r.db"
    with pytest.raises(ComparisonInterrupted):
        tune("relu", trials=1, db=db, confirm=False, **FAST)
    result = tune("relu", trials=1, db=db, confirm=False, **FAST)
    assert [t.state.name for t in _trials(result)] == ["FAIL", "COMPLETE"]
    with Store(db, readonly=True) as store:
        runs = store.runs()
    assert list(runs["status"]) == ["interrupted", "finished"]
    assert runs["error"].iloc[0] == "interrupted by the user (Ctrl-C)"
