"""Shape-changing entries: values on shapes the shared harness cannot give, output shapes,
clear errors for a last axis that does not split, and their use inside Keras models."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from actlab import activations
from actlab.activations import keras_strings
from tests.activations.backend_grad import value_and_grad
from tests.activations.references import ALL as REFERENCES

GATED = ("glu", "reglu", "geglu", "swiglu", "bilinear", "dual_relu")


def _x(shape, scale=3.0, seed=0):
    return np.random.default_rng(seed).normal(scale=scale, size=shape).astype(np.float32)


def _run(name, x, **params):
    fn = activations.get(name, **params) if params else activations.get(name)
    return value_and_grad(fn, x)


@pytest.mark.parametrize("name", GATED)
@pytest.mark.parametrize("shape", [(4, 6), (2, 5, 5, 4), (3, 1, 8)])
def test_gated_units_halve_the_last_axis_and_match_reference(name, shape):
    x = _x(shape)
    y, grad = _run(name, x)
    assert y.shape == (*shape[:-1], shape[-1] // 2)
    np.testing.assert_allclose(y, REFERENCES[name].f(x.astype(np.float64)), rtol=1e-5, atol=1e-5)
    assert np.all(np.isfinite(grad))


def test_gated_units_gate_the_first_half_by_the_second():
    x = np.array([[2.0, -3.0, 0.0, 1e4]], np.float32)  # a = (2, -3), b = (0, 1e4)
    y, _ = _run("glu", x)
    np.testing.assert_allclose(y, [[1.0, -3.0]], rtol=1e-6)
    y, _ = _run("reglu", x)
    np.testing.assert_allclose(y, [[0.0, -3e4]], rtol=1e-6)
    y, _ = _run("dual_relu", np.array([[2.0, -3.0, 5.0, -1.0]], np.float32))
    np.testing.assert_allclose(y, [[2.0 - 5.0, 0.0]], rtol=1e-6)


def test_glu_equals_keras_glu():
    x = _x((3, 8))
    ours = keras.ops.convert_to_numpy(activations.get("glu")(x))
    theirs = keras.ops.convert_to_numpy(keras.activations.glu(x))
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize("shape", [(4, 6), (2, 5, 5, 3), (7,)])
def test_crelu_doubles_the_last_axis(shape):
    x = _x(shape)
    y, grad = _run("crelu", x)
    assert y.shape == (*shape[:-1], 2 * shape[-1])
    np.testing.assert_array_equal(y, np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1))
    np.testing.assert_array_equal(grad, np.sign(x))  # d/dx [relu(x) + relu(-x)] summed


@pytest.mark.parametrize(
    ("pieces", "shape"), [(2, (4, 6)), (3, (2, 5, 5, 3)), (3, (4, 6)), (4, (2, 8)), (1, (3, 5))]
)
def test_maxout_takes_the_max_of_consecutive_groups(pieces, shape):
    x = _x(shape)
    y, grad = _run("maxout", x, pieces=pieces)
    expected = x.reshape(*shape[:-1], shape[-1] // pieces, pieces).max(axis=-1)
    np.testing.assert_array_equal(y, expected)
    assert grad.sum() == pytest.approx(expected.size)  # one winner per group gets the gradient


def test_maxout_groups_are_consecutive_not_strided():
    x = np.array([[1.0, 2.0, 30.0, 4.0, 5.0, 6.0]], np.float32)
    y, _ = _run("maxout", x, pieces=2)
    np.testing.assert_array_equal(y, [[2.0, 30.0, 6.0]])


@pytest.mark.parametrize("name", GATED)
@pytest.mark.parametrize("size", [1, 5])
def test_odd_last_axis_is_a_clear_error(name, size):
    with pytest.raises(ValueError, match=rf"{name}.*even.*size {size}"):
        activations.get(name)(np.zeros((2, size), np.float32))


def test_maxout_indivisible_last_axis_is_a_clear_error():
    with pytest.raises(ValueError, match=r"pieces=4.*divisible by 4.*size 6"):
        activations.get("maxout", pieces=4)(np.zeros((2, 6), np.float32))


@pytest.mark.parametrize("name", [*GATED, "crelu", "maxout"])
def test_scalar_input_is_a_clear_error(name):
    with pytest.raises(ValueError, match="scalar"):
        activations.get(name)(np.float32(1.0))


@pytest.mark.parametrize("pieces", [2.5, 0])
def test_maxout_pieces_must_be_a_positive_integer(pieces):
    with pytest.raises(ValueError, match="pieces"):
        activations.get("maxout", pieces=pieces)


def test_specs_mark_the_shape_changing_entries():
    changing = {n for n in activations.names() if activations.spec(n).changes_shape}
    assert {*GATED, "crelu", "maxout"} <= changing
    assert "bipolar_relu" not in changing


# --- In Keras models -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "params", "units"), [
    ("glu", {}, 3), ("swiglu", {}, 3), ("geglu", {}, 3), ("reglu", {}, 3), ("bilinear", {}, 3),
    ("dual_relu", {}, 3), ("crelu", {}, 12), ("maxout", {}, 3), ("maxout", {"pieces": 3}, 2),
])  # fmt: skip
def test_layer_form_after_dense_gives_the_new_width(name, params, units):
    inputs = keras.Input((5,))
    outputs = activations.layer(name, **params)(keras.layers.Dense(6)(inputs))
    assert tuple(outputs.shape) == (None, units)
    model = keras.Model(inputs, keras.layers.Dense(2)(outputs))
    y = model.predict(_x((4, 5)), verbose=0)
    assert y.shape == (4, 2) and np.all(np.isfinite(y))


@pytest.mark.parametrize("name", ["crelu", "maxout", "swiglu", "dual_relu"])
def test_shape_changing_names_are_not_keras_strings(name):
    # Keras takes a Dense layer's symbolic width from `units`, so a width-changing string
    # activation would build the next layer for the wrong width: actlab does not offer one.
    assert not keras_strings.keras_defines(name)
    with pytest.raises(ValueError, match="Could not interpret activation"):
        keras.layers.Dense(6, activation=name)
    assert "activations.layer" in activations.spec(name).note


def test_dense_declares_its_own_width_whatever_the_activation_returns():
    # Why: if Keras starts tracing activations, this fails and the strings can come back.
    outputs = keras.layers.Dense(6, activation=activations.get("crelu"))(keras.Input((5,)))
    assert tuple(outputs.shape) == (None, 6)


def test_glu_string_keeps_keras_meaning():
    assert keras_strings.keras_defines("glu")
    assert keras.activations.get("glu") is not activations.get("glu")


def test_model_with_shape_changing_layers_trains_and_round_trips(tmp_path):
    inputs = keras.Input((5,))
    x = activations.layer("swiglu")(keras.layers.Dense(8)(inputs))
    x = activations.layer("crelu")(keras.layers.Dense(3)(x))
    x = activations.layer("maxout", pieces=3)(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(x))
    model.compile("sgd", "mse")
    data = _x((16, 5), scale=1.0)
    model.fit(data, data[:, :1], epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(
        loaded.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6
    )


def test_bipolar_relu_alternates_along_the_last_axis_in_a_model():
    inputs = keras.Input((4,))
    dense = keras.layers.Dense(
        4, activation="bipolar_relu", kernel_initializer="identity", bias_initializer="zeros"
    )
    model = keras.Model(inputs, dense(inputs))
    x = np.array([[1.0, 1.0, -1.0, -1.0]], np.float32)
    np.testing.assert_array_equal(model.predict(x, verbose=0), [[1.0, 0.0, 0.0, -1.0]])
