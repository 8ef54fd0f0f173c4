"""prelu, flexible_relu, srelu, aplu and pelu against NumPy references from their papers."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from actlab import activations
from tests.activations.learnable_testing import (
    SHAPE,
    assign,
    build,
    inputs,
    numpy,
    per_channel,
    value_and_grads,
)

RTOL, ATOL = 1e-5, 1e-6


def test_prelu_matches_the_paper():
    alpha = per_channel(1, -0.5, 0.8)
    layer = build("prelu")
    assign(layer, alpha=alpha)
    x = inputs()
    np.testing.assert_allclose(numpy(layer(x)), np.where(x > 0, x, alpha * x), RTOL, ATOL)


def test_prelu_input_gradient_at_zero_is_alpha_as_in_pytorch():
    layer = build("prelu")  # torch.nn.PReLU: d/dx = alpha for x <= 0
    _, grad, _ = value_and_grads(layer, np.zeros(SHAPE, "float32"))
    np.testing.assert_allclose(grad, 0.25)


def test_prelu_starts_at_a_quarter_per_channel():
    layer = build("prelu")
    assert tuple(layer.alpha.shape) == (1, 1, SHAPE[-1])
    np.testing.assert_array_equal(numpy(layer.alpha), 0.25)


@pytest.mark.parametrize(
    ("shared_axes", "shape"),
    [("layer", (1, 1, 1)), ([], (4, 4, 3)), ([1], (1, 4, 3)), ([-2, 1], (1, 1, 3)), (2, (4, 1, 3))],
)
def test_prelu_shared_axes(shared_axes, shape):
    layer = build("prelu", shared_axes=shared_axes)
    assert tuple(layer.alpha.shape) == shape
    wider = np.ones((2, 4, 5, 3), "float32")  # axis 2 grows from 4 to 5
    if shape[1] == 1:
        assert tuple(layer(wider).shape) == wider.shape
    else:
        with pytest.raises(ValueError):
            layer(wider)


def test_unknown_size_of_an_own_axis_is_a_clear_error():
    with pytest.raises(ValueError, match="shared_axes"):
        build("prelu", (None, None, 3), shared_axes=[])


def test_flexible_relu_shifts_the_output_not_the_kink():
    b = per_channel(2, -1.0, 1.0)
    layer = build("flexible_relu")
    np.testing.assert_array_equal(numpy(layer.bias), 0.0)  # starts as ReLU
    assign(layer, bias=b)
    x = inputs()
    np.testing.assert_allclose(numpy(layer(x)), np.maximum(x, 0) + b, RTOL, ATOL)


def _srelu(x, t_l, a_l, t_r, a_r):
    return np.where(x >= t_r, t_r + a_r * (x - t_r), np.where(x <= t_l, t_l + a_l * (x - t_l), x))


def test_srelu_matches_the_paper():
    weights = {
        "t_left": per_channel(3, -2, -0.5),
        "a_left": per_channel(4, -0.5, 0.5),
        "t_right": per_channel(5, 0.5, 2),
        "a_right": per_channel(6, 0, 2),
    }
    layer = build("srelu")
    assign(layer, **weights)
    x = inputs()
    expected = _srelu(x, *weights.values())
    np.testing.assert_allclose(numpy(layer(x)), expected, RTOL, ATOL)


def test_srelu_starts_as_leaky_relu():
    layer = build("srelu")
    x = inputs()
    np.testing.assert_allclose(numpy(layer(x)), np.where(x > 0, x, 0.01 * x), RTOL, ATOL)


def test_srelu_gradients_reach_every_threshold_and_slope():
    layer = build("srelu", (1, 6, 1))
    assign(layer, t_left=-1.0, a_left=0.2, t_right=1.0, a_right=0.5)
    x = np.array([[[-3.0], [-2.0], [0.0], [0.5], [2.0], [4.0]]], "float32")
    _, gx, (g_tl, g_al, g_tr, g_ar) = value_and_grads(layer, x)
    np.testing.assert_allclose(gx.ravel(), [0.2, 0.2, 1, 1, 0.5, 0.5])
    # d/dt_l = (1 - a_l) on the left piece, d/da_l = x - t_l, and the same on the right
    np.testing.assert_allclose(
        [g_tl.item(), g_al.item(), g_tr.item(), g_ar.item()],
        [2 * 0.8, -2 - 1, 2 * 0.5, 1 + 3],
        rtol=1e-6,
    )


def _aplu(x, a, b):
    return np.maximum(x, 0) + np.sum(a * np.maximum(b - x[..., None], 0), axis=-1)


def test_aplu_matches_the_paper():
    rng = np.random.default_rng(7)
    a = rng.uniform(-1, 1, (1, 1, 3, 2)).astype("float32")
    b = rng.normal(0, 1, (1, 1, 3, 2)).astype("float32")
    layer = build("aplu")
    assign(layer, a=a, b=b)
    x = inputs()
    np.testing.assert_allclose(numpy(layer(x)), _aplu(x, a, b), RTOL, ATOL)


def test_aplu_initial_hinges_follow_the_authors_code():
    layer = build("aplu", (2, 400), hinges=3, seed=0)
    a, b = numpy(layer.a), numpy(layer.b)
    assert a.shape == b.shape == (400, 3)
    assert np.abs(a).max() <= 0.2 and a.std() > 0.1
    assert abs(b.std() - 0.5) < 0.05 and abs(b.mean()) < 0.05


def _pelu(x, a, b):
    return np.where(x >= 0, a / b * x, a * np.expm1(np.minimum(x, 0) / b))


def test_pelu_matches_the_paper():
    layer = build("pelu")
    assert tuple(layer.a.shape) == (1, 1, 1)  # one pair per layer, as in the paper
    assign(layer, a=1.7, b=0.6)
    x = inputs()
    np.testing.assert_allclose(numpy(layer(x)), _pelu(x.astype(np.float64), 1.7, 0.6), RTOL, ATOL)


def test_pelu_starts_as_elu_and_is_c1_at_zero():
    layer = build("pelu", (1, 2, 1))
    x = np.array([[[-1e-3], [1e-3]]], "float32")
    y, gx, _ = value_and_grads(layer, x)
    np.testing.assert_allclose(y.ravel(), [np.expm1(-1e-3), 1e-3], rtol=1e-6)
    np.testing.assert_allclose(gx.ravel(), [np.exp(-1e-3), 1.0], rtol=1e-6)


def test_pelu_keeps_a_and_b_above_the_floor_after_an_update():
    layer = activations.layer("pelu", min_value=0.1)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, layer(inputs))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=100.0), loss="mse")
    x = np.linspace(-3, 3, 32, dtype="float32").reshape(8, 4)
    model.fit(x, x * 50.0, epochs=1, batch_size=8, verbose=0)  # pushes a/b far down/up
    assert numpy(layer.a).min() >= 0.1 - 1e-7 and numpy(layer.b).min() >= 0.1 - 1e-7
    assert np.isfinite(numpy(layer.a)).all()


def test_pelu_rejects_initial_values_below_the_floor():
    with pytest.raises(ValueError, match="a_init"):
        activations.layer("pelu", a_init=0.05)
    with pytest.raises(ValueError, match="b_init"):
        activations.layer("pelu", b_init=0.5, min_value=0.6, a_init=1.0)
