"""The predefined tasks carry the articles' recipes (and He et al.'s for ResNet-20)."""

from __future__ import annotations

import pytest

from actlab import models, tasks

# Read off the articles' code (model.compile / model.fit / EarlyStopping).
ARTICLE_RECIPES = {
    "mnist_mlp": dict(  # article 002: Adam(), batch 1000, 10 epochs, validation_data=test
        dataset="mnist", model="mlp", input_shape=(28, 28, 1), num_classes=10,
        optimizer="adam", learning_rate=1e-3, batch_size=1000, epochs=10, validation="test",
        early_stopping_patience=None,
    ),
    "mnist_frelu_cnn": dict(  # article 000: Adam(lr=0.0001), batch 1000, 100 epochs, split 0.1
        dataset="mnist", model="frelu_cnn", input_shape=(28, 28, 1), num_classes=10,
        optimizer="adam", learning_rate=1e-4, batch_size=1000, epochs=100,
        validation="split", validation_split=0.1,
        early_stopping_patience=20, early_stopping_monitor="val_loss",
    ),
    "cifar10_small_cnn": dict(  # article 001: 'adam', batch 100, 50 epochs, validation_data=test
        dataset="cifar10", model="small_cnn", input_shape=(32, 32, 3), num_classes=10,
        optimizer="adam", learning_rate=1e-3, batch_size=100, epochs=50, validation="test",
        early_stopping_patience=None,
    ),
    "cifar10_cnn": dict(  # article 004: 'adam', batch 64, 50 epochs, validation_data=test
        dataset="cifar10", model="cifar_cnn", input_shape=(32, 32, 3), num_classes=10,
        optimizer="adam", learning_rate=1e-3, batch_size=64, epochs=50, validation="test",
        early_stopping_patience=None,
    ),
    "cifar10_resnet20": dict(  # He et al. 2016, section 4.2
        dataset="cifar10", model="resnet20", input_shape=(32, 32, 3), num_classes=10,
        optimizer="sgd", learning_rate=0.1, momentum=0.9, weight_decay=1e-4, batch_size=128,
        lr_drops=(0.5, 0.75), lr_drop_factor=0.1, augment=True, validation="split",
        validation_split=0.1,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(ARTICLE_RECIPES))
def test_recipe_matches_its_source(name):
    task = tasks.get(name)
    for field, expected in ARTICLE_RECIPES[name].items():
        assert getattr(task, field) == expected, field


def test_article_002_mlp_is_16_units_one_layer():
    assert dict(tasks.get("mnist_mlp").model_options) == {"units": 16, "depth": 1}


def test_resnet20_uses_option_a_shortcuts():
    assert tasks.get("cifar10_resnet20").model_options["shortcut"] == "A"


@pytest.mark.parametrize("mnist_name", ["mnist_mlp", "mnist_frelu_cnn"])
def test_fashion_mnist_twins_differ_only_in_dataset(mnist_name):
    mnist = tasks.get(mnist_name).to_dict()
    fashion = tasks.get("fashion_" + mnist_name).to_dict()
    assert fashion.pop("dataset") == "fashion_mnist" and mnist.pop("dataset") == "mnist"
    for key in ("name", "description"):
        fashion.pop(key), mnist.pop(key)
    assert fashion == mnist


def test_digits_smoke_task_is_small_and_quick():
    task = tasks.get("digits_mlp")
    assert (task.dataset, task.model, task.input_shape) == ("digits", "mlp", (8, 8, 1))
    assert task.epochs <= 10


@pytest.mark.parametrize("name", tasks.names())
def test_every_task_names_a_known_model_and_cites_its_source(name):
    task = tasks.get(name)
    assert task.model in models.names()
    assert task.source and task.description
