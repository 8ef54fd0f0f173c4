"""Selection never on the test set: early stopping on a validation metric needs a validation
split of the training data; the articles' recipes stay as written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from actlab import experiments, tasks
from actlab.cli import app

FIX = "use validation='split'"


def test_early_stopping_on_the_test_set_is_refused_naming_the_fix():
    with pytest.raises(tasks.TaskConfigError) as caught:
        tasks.get("mnist_mlp", early_stopping_patience=3)
    message = str(caught.value)
    assert FIX in message and "test set" in message and "\n" not in message
    with pytest.raises(tasks.TaskConfigError, match=FIX):
        tasks.get("mnist_frelu_cnn", validation="test")
    with pytest.raises(tasks.TaskConfigError, match=FIX):
        tasks.get("digits_mlp", early_stopping_patience=0, early_stopping_monitor="val_accuracy")


def test_a_users_own_task_is_held_to_the_same_rule():
    recipe = {"name": "mine", "dataset": "digits", "model": "mlp", "input_shape": (8, 8, 1),
              "num_classes": 10, "early_stopping_patience": 2}  # fmt: skip
    with pytest.raises(tasks.TaskConfigError, match=FIX):
        tasks.Task(**recipe)  # validation defaults to "test"
    with pytest.raises(tasks.TaskConfigError, match=FIX):
        tasks.Task.from_dict({**recipe, "validation": "test"})
    assert tasks.Task(**recipe, validation="split").fit_kwargs()["validation_split"] == 0.1


def test_what_selects_nothing_on_the_test_set_stays_allowed():
    split = tasks.get("mnist_mlp", early_stopping_patience=3, validation="split")
    assert split.fit_kwargs()["validation_split"] == 0.1
    stopping = [type(c).__name__ for c in split.callbacks()]
    assert stopping == ["EarlyStopping"]
    on_training_loss = tasks.get(
        "mnist_mlp", early_stopping_patience=3, early_stopping_monitor="loss"
    )
    assert on_training_loss.validation == "test"  # watches the test set, chooses nothing by it


def test_the_articles_recipes_are_kept_as_written():
    # Article 000 stops early on a 10% split of the training data; articles 001, 002 and 004
    # validate on the test set with no early stopping (their fit calls, in the articles' texts).
    frelu = tasks.get("mnist_frelu_cnn")
    assert (frelu.validation, frelu.validation_split, frelu.early_stopping_patience) == (
        "split", 0.1, 20,
    )  # fmt: skip
    for name in ("mnist_mlp", "cifar10_small_cnn", "cifar10_cnn"):
        task = tasks.get(name)
        assert task.validation == "test" and task.early_stopping_patience is None


def test_compare_refuses_before_the_store_is_touched(tmp_path):
    db = tmp_path / "never.db"
    with pytest.raises(tasks.TaskConfigError, match=FIX):
        experiments.compare(["relu"], task="digits_mlp", seeds=1, db=db, quiet=True,
                            overrides={"early_stopping_patience": 2})  # fmt: skip
    assert not db.exists()


def test_the_command_line_answers_in_one_line_with_the_fix(tmp_path):
    db = tmp_path / "never.db"
    result = CliRunner().invoke(app, ["compare", "relu", "--task", "digits_mlp", "--seeds", "1",
                                      "--set", "early_stopping_patience=2", "--db", str(db),
                                      "--quiet"], terminal_width=300)  # fmt: skip
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and FIX in errors[0] and "--set validation=split" in errors[0]
    assert "Traceback" not in result.output and not db.exists()
    fixed = CliRunner().invoke(app, ["compare", "relu", "--task", "digits_mlp", "--seeds", "1",
                                     "--epochs", "1", "--set", "early_stopping_patience=2",
                                     "--set", "validation=split", "--db", str(db), "--quiet"],
                               terminal_width=300)  # fmt: skip
    assert fixed.exit_code == 0, fixed.output
