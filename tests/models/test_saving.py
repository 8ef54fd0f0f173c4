"""Models save to ``.keras`` and load back predicting the same, without custom_objects."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

from actlab import activations, models

from .conftest import (
    LEARNABLE_TEST_ENTRY,
    TINY_CLASSES,
    TINY_INPUT,
    activation_layers,
    catalog_layer_entries,
    one_step_loss,
    tiny_batch,
)


def assert_round_trip(model: keras.Model, model_name: str, path) -> keras.Model:
    """Save, load, and compare predictions and weights."""
    x, _ = tiny_batch(model_name, seed=1)
    expected = ops.convert_to_numpy(model(x, training=False))
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(ops.convert_to_numpy(loaded(x, training=False)), expected)
    assert loaded.name == model.name
    assert [w.path for w in loaded.weights] == [w.path for w in model.weights]
    return loaded


@pytest.mark.parametrize("model_name", models.names())
def test_every_model_round_trips_with_a_catalog_function(tmp_path, model_name):
    model = models.build(model_name, "tanh", TINY_INPUT[model_name], TINY_CLASSES)
    one_step_loss(model, model_name)  # trained weights and BatchNorm statistics
    assert_round_trip(model, model_name, tmp_path / "m.keras")


@pytest.mark.parametrize("model_name", ["frelu_cnn", "mlp"])
def test_learnable_entry_round_trips_with_its_weights(tmp_path, test_entries, model_name):
    model = models.build(model_name, LEARNABLE_TEST_ENTRY, TINY_INPUT[model_name], TINY_CLASSES)
    one_step_loss(model, model_name)
    loaded = assert_round_trip(model, model_name, tmp_path / "m.keras")
    slopes = [layer.slope.numpy() for layer in activation_layers(loaded)]
    assert any(np.any(s != 0) for s in slopes)  # trained away from their zero init


@pytest.mark.parametrize("entry", catalog_layer_entries())
def test_catalog_layer_entries_round_trip(tmp_path, entry):
    model = models.frelu_cnn(entry, TINY_INPUT["frelu_cnn"], TINY_CLASSES)
    one_step_loss(model, "frelu_cnn")
    assert_round_trip(model, "frelu_cnn", tmp_path / "m.keras")


def test_a_catalog_callable_round_trips(tmp_path):
    model = models.small_cnn(activations.get("softsign"), TINY_INPUT["small_cnn"], TINY_CLASSES)
    assert_round_trip(model, "small_cnn", tmp_path / "m.keras")


def test_entry_parameters_survive_saving(tmp_path):
    entry = next((s for s in activations.specs() if s.kind == "function" and s.params), None)
    if entry is None:
        pytest.skip("no function entry with parameters in the catalog yet")
    param = entry.params[0]
    value = _non_default_value(param)
    model = models.mlp(
        entry.name, TINY_INPUT["mlp"], TINY_CLASSES, activation_params={param.name: value}
    )
    loaded = assert_round_trip(model, "mlp", tmp_path / "m.keras")
    assert activation_layers(loaded)[0].params[param.name] == pytest.approx(value)


def _non_default_value(param) -> float:
    """A value inside the parameter's range that differs from its default."""
    for candidate in (param.default * 0.5, param.default + 0.5, param.default - 0.5):
        if candidate != param.default:
            try:
                return param.validate(candidate, "test")
            except ValueError:
                continue
    pytest.skip(f"no simple non-default value for {param.name}")
