"""The forms a builder's `activation` takes, and the errors for forms it refuses."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

from actlab import activations, models

from .conftest import (
    LEARNABLE_TEST_ENTRY,
    SPATIAL_TEST_ENTRY,
    ModelsTestChannelSlope,
    activation_layers,
    catalog_layer_entries,
    one_step_loss,
)


def scaled_tanh(x):
    return 2.0 * ops.tanh(x)


def test_a_python_function_goes_in_an_activation_layer_at_every_position():
    model = models.frelu_cnn(scaled_tanh, (8, 8, 1), 3)
    layers = activation_layers(model)
    assert model.name == "frelu_cnn_scaled_tanh"
    assert len(layers) == 6
    assert all(isinstance(layer, models.FunctionActivation) for layer in layers)
    x = np.linspace(-3, 3, 12, dtype="float32").reshape(1, 12)
    assert np.allclose(ops.convert_to_numpy(layers[0](x)), 2 * np.tanh(x), atol=1e-6)


def test_an_alias_resolves_to_the_canonical_name():
    alias = next(iter(activations.aliases()))
    model = models.mlp(alias, (8, 8, 1), 3)
    assert model.name == f"mlp_{activations.resolve(alias)}"


def test_a_spec_dict_carries_the_name_and_parameters():
    entry = next((s for s in activations.specs() if s.kind == "function" and s.params), None)
    if entry is None:
        pytest.skip("no function entry with parameters in the catalog yet")
    param = entry.params[0]
    model = models.mlp({"name": entry.name, param.name: param.default}, (8, 8, 1), 3)
    layer = activation_layers(model)[0]
    assert layer.params[param.name] == param.default


def test_a_spec_dict_without_a_name_is_refused():
    with pytest.raises(ValueError, match="'name'"):
        models.mlp({"alpha": 0.5}, (8, 8, 1), 3)


def test_unknown_activation_names_the_closest():
    with pytest.raises(activations.UnknownActivationError, match="relu"):
        models.mlp("reluu", (8, 8, 1), 3)


def test_a_layer_class_is_instantiated_once_per_position():
    model = models.mlp(ModelsTestChannelSlope, (8, 8, 1), 3, depth=3)
    layers = activation_layers(model)
    assert len({id(layer.slope) for layer in layers}) == 3
    assert model.name == "mlp_modelstestchannelslope"


def test_a_layer_instance_is_refused_because_it_would_share_weights():
    with pytest.raises(TypeError, match="share"):
        models.mlp(ModelsTestChannelSlope(), (8, 8, 1), 3)


def test_params_with_a_function_are_refused():
    with pytest.raises(TypeError, match="activation_params"):
        models.mlp(scaled_tanh, (8, 8, 1), 3, activation_params={"alpha": 1.0})


def test_unknown_catalog_params_are_refused():
    with pytest.raises(TypeError, match="no_such_param"):
        models.mlp("relu", (8, 8, 1), 3, activation_params={"no_such_param": 1.0})


def test_non_activation_objects_are_refused():
    with pytest.raises(TypeError, match="activation must be"):
        models.mlp(3.0, (8, 8, 1), 3)


def spatial_entries() -> list[str]:
    return [SPATIAL_TEST_ENTRY, *[n for n in catalog_layer_entries() if n == "frelu"]]


@pytest.mark.parametrize("entry", spatial_entries())
def test_a_4d_only_activation_in_an_mlp_names_it_the_model_and_cnns(test_entries, entry):
    with pytest.raises(models.IncompatibleActivationError) as caught:
        models.mlp(entry, (28, 28, 1), 10)
    message = str(caught.value)
    assert repr(entry) in message and "'mlp'" in message and "CNN" in message


@pytest.mark.parametrize("entry", spatial_entries())
def test_cifar_cnn_needs_a_dense_activation_for_4d_only_ones(test_entries, entry):
    with pytest.raises(models.IncompatibleActivationError, match="dense_activation"):
        models.cifar_cnn(entry, (10, 10, 3), 3)
    model = models.cifar_cnn(entry, (10, 10, 3), 3, dense_activation="relu")
    assert model.name == f"cifar_cnn_{entry}_dense_relu"
    assert isinstance(model.get_layer("act_5"), activations.CatalogActivation)
    assert isinstance(model.get_layer("act_4"), activations.spec(entry).layer_class)


def test_learnable_entry_trains_its_own_weights(test_entries):
    model = models.small_cnn(LEARNABLE_TEST_ENTRY, (10, 10, 3), 3)
    before = [layer.slope.numpy().copy() for layer in activation_layers(model)]
    one_step_loss(model, "small_cnn")
    after = [layer.slope.numpy() for layer in activation_layers(model)]
    assert all(not np.array_equal(b, a) for b, a in zip(before, after, strict=True))


def test_resnet20_handles_a_channel_doubling_activation():
    """Option A pads channels; a wider input than the block (CReLU-like) gets a projection."""

    def doubling(x):
        return ops.concatenate([ops.relu(x), ops.relu(-x)], axis=-1)

    model = models.resnet20(doubling, (8, 8, 3), 3)
    assert model.get_layer("stage1_block1_shortcut").__class__ is keras.layers.Conv2D
    assert model.output_shape == (None, 3)
