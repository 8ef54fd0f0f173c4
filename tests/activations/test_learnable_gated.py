"""swish_beta, acon_c and dice against NumPy references from their papers."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

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


def test_swish_beta_matches_the_paper():
    beta = per_channel(1, -2, 3)
    layer = build("swish_beta")
    np.testing.assert_array_equal(numpy(layer.beta), 1.0)
    assign(layer, beta=beta)
    x = inputs(probe=60.0).astype(np.float64)
    np.testing.assert_allclose(numpy(layer(x.astype("float32"))), x * expit(beta * x), RTOL, ATOL)


def test_swish_beta_gradient_with_respect_to_beta():
    layer = build("swish_beta", (1, 3, 1))
    x = np.array([[[-2.0], [0.5], [3.0]]], "float32")
    _, _, (g_beta,) = value_and_grads(layer, x)
    s = expit(x.astype(np.float64))
    np.testing.assert_allclose(g_beta.item(), np.sum(x**2 * s * (1 - s)), rtol=1e-5)


def _acon(x, p1, p2, beta):
    d = (p1 - p2) * x
    return d * expit(beta * d) + p2 * x


def test_acon_c_matches_the_paper():
    weights = {
        "p1": per_channel(2, -1, 2),
        "p2": per_channel(3, -1, 1),
        "beta": per_channel(4, -1, 3),
    }
    layer = build("acon_c")
    assign(layer, **weights)
    x = inputs(probe=60.0).astype(np.float64)
    expected = _acon(x, *(w.astype(np.float64) for w in weights.values()))
    np.testing.assert_allclose(numpy(layer(x.astype("float32"))), expected, RTOL, ATOL)


def test_acon_c_with_p1_one_p2_zero_is_swish():
    layer = build("acon_c")
    np.testing.assert_array_equal(numpy(layer.beta), 1.0)
    assign(layer, p1=1.0, p2=0.0, beta=1.5)
    x = inputs(probe=60.0)
    swish = build("swish_beta", beta_init=1.5)
    np.testing.assert_allclose(numpy(layer(x)), numpy(swish(x)), rtol=1e-6, atol=1e-7)


def test_acon_c_starting_switches_are_standard_normal():
    layer = build("acon_c", (2, 2000), seed=0)
    for w in (layer.p1, layer.p2):
        v = numpy(w)
        assert abs(v.mean()) < 0.1 and abs(v.std() - 1.0) < 0.1
    assert not np.array_equal(numpy(layer.p1), numpy(layer.p2))


def _dice(x, alpha, mean, var, eps):
    p = expit((x - mean) / np.sqrt(var + eps))
    return p * x + (1 - p) * alpha * x


def test_dice_at_inference_uses_the_moving_statistics():
    alpha = per_channel(5, -0.5, 0.5)
    mean, var = per_channel(6, -1, 1)[0, 0], per_channel(7, 0.5, 4)[0, 0]
    layer = build("dice")
    np.testing.assert_array_equal(numpy(layer.alpha), 0.0)
    assign(layer, alpha=alpha, **{"normalize.moving_mean": mean, "normalize.moving_variance": var})
    x = inputs(probe=60.0).astype(np.float64)
    expected = _dice(x, alpha, mean, var, 1e-8)
    np.testing.assert_allclose(
        numpy(layer(x.astype("float32"), training=False)), expected, RTOL, ATOL
    )


def test_dice_in_training_uses_the_batch_statistics_and_updates_the_moving_ones():
    alpha = per_channel(8, -0.5, 0.5)
    layer = build("dice", momentum=0.9)
    assign(layer, alpha=alpha)
    x = np.random.default_rng(9).normal(1.0, 2.0, SHAPE)
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    y = numpy(layer(x.astype("float32"), training=True))
    np.testing.assert_allclose(y, _dice(x, alpha, mean, var, 1e-8), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(numpy(layer.normalize.moving_mean), 0.1 * mean, rtol=1e-4)
    np.testing.assert_allclose(numpy(layer.normalize.moving_variance), 0.9 + 0.1 * var, rtol=1e-4)


def test_dice_on_dense_features():
    layer = build("dice", (5, 4))
    assign(layer, alpha=0.3, **{"normalize.moving_mean": 0.5, "normalize.moving_variance": 2.0})
    x = np.random.default_rng(10).normal(size=(5, 4))
    np.testing.assert_allclose(
        numpy(layer(x.astype("float32"))), _dice(x, 0.3, 0.5, 2.0, 1e-8), RTOL, ATOL
    )
