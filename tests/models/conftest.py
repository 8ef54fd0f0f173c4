"""Shared helpers: tiny inputs per model, one training step, and test-only catalog entries."""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest
from keras import ops

from actlab import activations
from actlab.activations import registry

#: The smallest convenient input of every model (cifar_cnn and small_cnn need 10x10).
TINY_INPUT = {
    "mlp": (8, 8, 1),
    "frelu_cnn": (8, 8, 1),
    "small_cnn": (10, 10, 3),
    "cifar_cnn": (10, 10, 3),
    "resnet20": (8, 8, 3),
}
TINY_CLASSES = 3
CNN_MODELS = ("frelu_cnn", "small_cnn", "cifar_cnn", "resnet20")

LEARNABLE_TEST_ENTRY = "test_learnable_slope"
SPATIAL_TEST_ENTRY = "test_spatial_funnel"
#: Layer entries that need 4-D feature maps: only CNNs take them (cifar_cnn with a
#: dense_activation for its Dense layer).
SPATIAL_ONLY = {"frelu", SPATIAL_TEST_ENTRY}


class ModelsTestChannelSlope(keras.layers.Layer):
    """A PReLU: ``max(x, 0) + a * min(x, 0)`` with one learnable slope per channel."""

    def build(self, input_shape):
        self.slope = self.add_weight(shape=(input_shape[-1],), initializer="zeros", name="slope")

    def call(self, x):
        return ops.relu(x) - self.slope * ops.relu(-x)


class ModelsTestSpatialFunnel(keras.layers.Layer):
    """A bare FReLU, ``max(x, DepthwiseConv3x3(x))``: fails on anything but 4-D input."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.funnel = keras.layers.DepthwiseConv2D(3, padding="same")

    def build(self, input_shape):
        self.funnel.build(input_shape)

    def call(self, x):
        return ops.maximum(x, self.funnel(x))


@pytest.fixture
def test_entries():
    """Registers the two test layer entries for one test and removes them afterwards."""
    activations.register(name=LEARNABLE_TEST_ENTRY, override=True)(ModelsTestChannelSlope)
    activations.register(name=SPATIAL_TEST_ENTRY, override=True)(ModelsTestSpatialFunnel)
    yield (LEARNABLE_TEST_ENTRY, SPATIAL_TEST_ENTRY)
    for name in (LEARNABLE_TEST_ENTRY, SPATIAL_TEST_ENTRY):
        registry._SPECS.pop(name, None)  # the catalog has no unregister(); keep it clean


def function_entries() -> list[str]:
    return [n for n in activations.names() if activations.spec(n).kind == "function"]


def catalog_layer_entries() -> list[str]:
    """The layer entries the brief names, among those that exist yet."""
    return [n for n in ("prelu", "frelu") if n in activations.names()]


def tiny_batch(model_name: str, batch: int = 4, seed: int = 0):
    """Random images in [0, 1] and integer labels for `model_name`'s tiny input."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, size=(batch, *TINY_INPUT[model_name])).astype("float32")
    y = rng.integers(0, TINY_CLASSES, size=(batch,))
    return x, y


def one_step_loss(model: keras.Model, model_name: str) -> float:
    """Loss of one eager SGD step on a tiny batch (eager: no graph tracing, fast)."""
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", run_eagerly=True)
    x, y = tiny_batch(model_name)
    return float(np.asarray(model.train_on_batch(x, y)))


#: Hidden nonlinearities per model, counted from the articles and He et al. 2016 (1 + 9 * 2).
ACTIVATION_POSITIONS = {"mlp": 1, "frelu_cnn": 6, "small_cnn": 2, "cifar_cnn": 5, "resnet20": 19}


def activation_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The layers the builders put at hidden nonlinearities (``act_1``, ``stem_act``, ...)."""
    return [layer for layer in model.layers if re.search(r"(^|_)act_?\d*$", layer.name)]
