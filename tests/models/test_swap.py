"""`with_activation`: every hidden activation of a Sequential or functional Keras model
swapped, the output layer and gates kept, fresh weights drawn identically per seed."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import actlab  # noqa: F401  (actlab's names as Keras activation strings)
from actlab.models import ActivationSwapError, hidden_activations, with_activation

X = np.random.default_rng(3).normal(size=(4, 6)).astype("float32")


def sequential_mlp() -> keras.Sequential:
    return keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(5, activation="relu", name="hidden_1"),
            keras.layers.Dense(4, name="hidden_2"),
            keras.layers.ReLU(name="relu_2"),
            keras.layers.Dense(3, activation="softmax", name="out"),
        ],
        name="mlp_relu",
    )


def squeeze_excite_cnn() -> keras.Model:
    """A functional CNN with a sigmoid gate (squeeze-excitation), which is not hidden."""
    inputs = keras.Input((6, 6, 2))
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    gate = keras.layers.GlobalAveragePooling2D()(x)
    gate = keras.layers.Dense(4, activation="sigmoid", name="gate")(gate)
    x = keras.layers.Multiply()([x, keras.layers.Reshape((1, 1, 4))(gate)])
    x = keras.layers.Activation("elu", name="after_gate")(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(x)
    return keras.Model(inputs, outputs, name="se_cnn")


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_every_hidden_activation_of_a_sequential_model_is_swapped():
    swapped = with_activation(sequential_mlp(), "tanh")
    w1, b1, w2, b2, w3, b3 = swapped.get_weights()
    hidden = np.tanh(np.tanh(X @ w1 + b1) @ w2 + b2)
    expected = softmax(hidden @ w3 + b3)  # the output layer keeps its softmax
    np.testing.assert_allclose(swapped.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert swapped.name == "mlp_relu_tanh"


def test_a_functional_model_keeps_its_gate_and_output():
    model = squeeze_excite_cnn()
    assert hidden_activations(model) == ["conv", "after_gate"]
    swapped = with_activation(model, "mish")
    names = [layer.name for layer in swapped.layers]
    assert "conv_mish" in names and "after_gate_mish" in names
    gate = swapped.get_layer("gate")
    assert gate.activation is keras.activations.sigmoid
    assert swapped.get_layer("out").activation is keras.activations.softmax
    assert swapped.get_layer("conv").activation is keras.activations.linear
    assert swapped.count_params() == model.count_params()


def test_a_learnable_activation_gets_its_own_weights_at_every_position():
    swapped = with_activation(sequential_mlp(), "prelu")
    prelus = [layer for layer in swapped.layers if layer.name.endswith("_prelu")]
    assert [layer.name for layer in prelus] == ["hidden_1_prelu", "relu_2_prelu"]
    assert [tuple(p.weights[0].shape) for p in prelus] == [(5,), (4,)]


def test_activation_parameters_are_passed_on():
    swapped = with_activation(sequential_mlp(), "elu", {"alpha": 0.5})
    w1, b1, w2, b2, w3, b3 = swapped.get_weights()

    def elu(z):
        return np.where(z > 0, z, 0.5 * np.expm1(z))

    expected = softmax(elu(elu(X @ w1 + b1) @ w2 + b2) @ w3 + b3)
    np.testing.assert_allclose(swapped.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_weights_are_fresh_and_the_same_for_each_activation_under_one_seed():
    model = sequential_mlp()
    keras.utils.set_random_seed(11)
    relu = with_activation(model, "relu")
    keras.utils.set_random_seed(11)
    mish = with_activation(model, "mish")
    keras.utils.set_random_seed(12)
    other_seed = with_activation(model, "mish")
    for a, b in zip(relu.get_weights(), mish.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(mish.get_weights()[0], other_seed.get_weights()[0])
    assert not np.array_equal(mish.get_weights()[0], model.get_weights()[0])


def test_the_original_model_is_left_as_it_is():
    model = squeeze_excite_cnn()
    before = [w.copy() for w in model.get_weights()]
    with_activation(model, "mish")
    assert model.get_layer("conv").activation is keras.activations.relu
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_nested_model_is_swapped_inside():
    inner = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(4, activation="relu", name="inner_dense")],
        name="backbone",
    )
    inputs = keras.Input((6,))
    outputs = keras.layers.Dense(3, activation="softmax")(inner(inputs))
    swapped = with_activation(keras.Model(inputs, outputs), "tanh")
    backbone = swapped.get_layer("backbone")
    assert [layer.name for layer in backbone.layers] == ["inner_dense", "inner_dense_tanh"]


def test_a_sequential_model_without_input_takes_an_input_shape():
    model = keras.Sequential(
        [keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2, activation="softmax")]
    )
    with pytest.raises(ActivationSwapError, match=r"no input shape yet.*input_shape="):
        with_activation(model, "mish")
    assert with_activation(model, "mish", input_shape=(6,)).input_shape == (None, 6)


def test_a_model_without_a_hidden_activation_is_refused():
    linear = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(4), keras.layers.Dense(2, activation="softmax")]
    )
    with pytest.raises(ActivationSwapError, match="no hidden activation to swap"):
        with_activation(linear, "mish")


def test_a_subclassed_model_is_refused_with_the_fix():
    class Custom(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ActivationSwapError, match=r"subclassed .*actlab.models.register"):
        with_activation(Custom(), "mish")
    with pytest.raises(ActivationSwapError, match=r"takes a keras\.Model"):
        with_activation("mlp", "mish")  # type: ignore[arg-type]
