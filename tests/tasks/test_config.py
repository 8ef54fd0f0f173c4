"""Task names, overrides, their errors and the JSON round trip."""

from __future__ import annotations

import dataclasses
import json

import pytest

from actlab import tasks

EXPECTED_TASKS = {
    "mnist_mlp", "fashion_mnist_mlp", "mnist_frelu_cnn", "fashion_mnist_frelu_cnn",
    "cifar10_small_cnn", "cifar10_cnn", "cifar10_resnet20", "digits_mlp",
}  # fmt: skip


def test_names_lists_the_predefined_tasks_sorted():
    assert set(tasks.names()) >= EXPECTED_TASKS
    assert tasks.names() == sorted(tasks.names())


def test_get_applies_overrides_and_leaves_the_catalog_alone():
    task = tasks.get("mnist_mlp", epochs=3, batch_size=128, learning_rate=0.01)
    assert (task.epochs, task.batch_size, task.learning_rate) == (3, 128, 0.01)
    assert tasks.get("mnist_mlp").epochs == 10


def test_integer_learning_rate_is_stored_as_float():
    assert isinstance(tasks.get("mnist_mlp", learning_rate=1).learning_rate, float)


def test_model_options_overrides_merge():
    task = tasks.get("mnist_mlp", model_options={"units": 64})
    assert dict(task.model_options) == {"units": 64, "depth": 1}


def test_unknown_task_names_the_closest():
    with pytest.raises(tasks.UnknownTaskError, match="mnist_mlp") as caught:
        tasks.get("mnist_mpl")
    assert isinstance(caught.value, ValueError)


def test_unknown_override_lists_the_allowed_fields():
    with pytest.raises(tasks.TaskConfigError, match="unknown task override") as caught:
        tasks.get("mnist_mlp", epoch=3)
    assert "epochs" in str(caught.value) and "batch_size" in str(caught.value)


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        ({"epochs": 2.5}, ["epochs", "integer", "[1, inf)"]),
        ({"epochs": 0}, ["epochs=0", "[1, inf)"]),
        ({"batch_size": "64"}, ["batch_size", "str"]),
        ({"learning_rate": 0}, ["learning_rate", "(0, inf)"]),
        ({"learning_rate": True}, ["learning_rate", "bool"]),
        ({"momentum": 1.0}, ["momentum", "[0, 1)"]),
        ({"validation_split": 1.0}, ["validation_split", "(0, 1)"]),
        ({"optimizer": "rmsprop"}, ["optimizer", "adam", "sgd"]),
        ({"validation": "val"}, ["validation", "split", "test"]),
        ({"early_stopping_patience": -1}, ["early_stopping_patience", "[0, inf)"]),
        ({"lr_drops": (0.75, 0.5)}, ["lr_drops", "increasing"]),
        ({"input_shape": (28, 0)}, ["input_shape", "positive"]),
        ({"augment": 1}, ["augment", "True or False"]),
        ({"model": "mlpp"}, ["model", "mlp"]),
        ({"model_options": {"width": 3}}, ["width", "units", "depth"]),
        ({"model_options": {"weight_decay": 0.1}}, ["weight_decay", "task field"]),
        ({"model_options": {"units": object()}}, ["model_options", "JSON"]),
    ],
)
def test_bad_override_names_the_field_and_what_it_allows(override, fragments):
    with pytest.raises(tasks.TaskConfigError) as caught:
        tasks.get("mnist_mlp", **override)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_config_errors_are_value_and_type_errors():
    with pytest.raises(ValueError):
        tasks.get("mnist_mlp", epochs=0)
    with pytest.raises(TypeError):
        tasks.get("mnist_mlp", epochs="3")


def test_early_stopping_on_validation_needs_validation():
    with pytest.raises(tasks.TaskConfigError, match="validation"):
        tasks.get("mnist_frelu_cnn", validation="none")
    task = tasks.get("mnist_frelu_cnn", validation="none", early_stopping_monitor="loss")
    assert task.validation == "none"


@pytest.mark.parametrize("name", tasks.names())
def test_json_round_trip(name):
    task = tasks.get(name)
    text = task.to_json()
    assert set(json.loads(text)) == set(tasks.Task.field_names())
    again = tasks.Task.from_json(text)
    assert again == task
    assert again.to_dict() == task.to_dict()


def test_round_trip_keeps_overrides():
    task = tasks.get(
        "cifar10_resnet20", epochs=4, lr_drops=(0.25,), model_options={"shortcut": "B"}
    )
    assert tasks.Task.from_dict(json.loads(task.to_json())) == task


def test_from_dict_rejects_unknown_and_missing_fields():
    data = tasks.get("mnist_mlp").to_dict()
    with pytest.raises(tasks.TaskConfigError, match="unknown"):
        tasks.Task.from_dict({**data, "colour": "red"})
    del data["model"]
    with pytest.raises(tasks.TaskConfigError, match="model"):
        tasks.Task.from_dict(data)


def test_tasks_are_frozen_and_hashable():
    task = tasks.get("mnist_mlp")
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.epochs = 3
    with pytest.raises(TypeError):
        task.model_options["units"] = 3
    assert hash(task) == hash(tasks.get("mnist_mlp"))


def test_register_a_user_task():
    task = tasks.get("digits_mlp", name="digits_mlp_wide", model_options={"units": 64})
    tasks.register(task, override=True)
    try:
        assert tasks.get("digits_mlp_wide").model_options["units"] == 64
        with pytest.raises(ValueError, match="exists"):
            tasks.register(task)
    finally:
        tasks.unregister("digits_mlp_wide")
    assert "digits_mlp_wide" not in tasks.names()
    with pytest.raises(ValueError, match="predefined"):
        tasks.unregister("digits_mlp")
