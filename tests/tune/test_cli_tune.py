"""`actlab tune` on the command line: a --choose study, its output, and one-line errors."""

from __future__ import annotations

import optuna
import pytest
from typer.testing import CliRunner

from actlab.cli import app
from actlab.tune import default_storage

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), terminal_width=200)


def test_choose_makes_the_activation_a_choice_with_its_parameters_conditional(tmp_path):
    db = tmp_path / "r.db"
    result = invoke("tune", "--choose", "relu,elu", "--task", "digits_mlp", "--trials", "3",
                    "--epochs", "1", "--no-confirm", "--study", "article003",
                    "--report", str(tmp_path / "study.html"), "--db", str(db))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "study article003 in sqlite:///" in result.output
    assert "on the validation split (seeds [0])" in result.output
    assert "best parameters: activation=" in result.output
    study = optuna.load_study(study_name="article003", storage=default_storage(db))
    assert len(study.trials) == 3
    for trial in study.trials:
        chosen = trial.params["activation"]
        assert set(trial.params) == {"activation"} | ({"elu.alpha"} if chosen == "elu" else set())
    page = (tmp_path / "study.html").read_text()
    assert "Study article003" in page and "Slice: activation" in page
    listing = invoke("runs", "--db", str(db))
    assert listing.exit_code == 0 and "article003/trial-" in listing.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["leaky_relu", "--param", "negative_slope=0:2"], "0 is outside the allowed range (0, 1]"),
        (["leaky_relu", "--param", "alpha=0.1:2"], "unknown parameter 'alpha' of leaky_relu"),
        (["leaky_relu", "--param", "negative_slope=0.5:0.1"], "low must be below high"),
        (["leaky_relu", "--param", "negative_slope"], "write it as name=low:high"),
        (["--choose", "relu,tanhexpp"], "unknown activation 'tanhexpp'"),
        (["relu", "--choose", "relu,elu"], "give one activation to tune, or --choose"),
        ([], "give one activation to tune, or --choose"),
        (["relu", "--storage", "nosuchdialect://x"], "cannot open the Optuna storage"),
        (["elu", "--baseline", "relux"], "unknown activation 'relux'"),  # before any trial
        (["elu", "--cpus-per-run", "2"], "cpus_per_run only go with executor='ray'"),
    ],
)
def test_bad_input_is_a_one_line_error_with_non_zero_exit(args, message, tmp_path):
    db = tmp_path / "x.db"
    result = invoke("tune", *args, "--task", "digits_mlp", "--db", str(db))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    if "--storage" not in args:  # refused before the store is opened
        assert not db.exists()


@pytest.mark.parametrize(
    ("option", "value", "allowed"),
    [("--metric", "test_accuracy", "val_loss"), ("--sampler", "grid", "random"),
     ("--pruner", "hyperband", "median"), ("--test", "anova", "wilcoxon")],
)  # fmt: skip
def test_a_bad_choice_is_refused_naming_the_allowed_ones(option, value, allowed, tmp_path):
    db = tmp_path / "x.db"
    result = invoke("tune", "elu", option, value, "--task", "digits_mlp", "--db", str(db))
    assert result.exit_code == 2, result.output
    assert value in result.output and allowed in result.output
    assert "Traceback" not in result.output and not db.exists()


def test_tune_has_help():
    result = invoke("tune", "--help")
    assert result.exit_code == 0 and "--choose" in result.output and "--no-confirm" in result.output
