"""pau, soft_exponential and snake_learnable against NumPy references from their papers."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from actlab import activations
from actlab.activations.learnable_smooth import (
    PAU_LEAKY_RELU_DENOMINATOR,
    PAU_LEAKY_RELU_NUMERATOR,
)
from tests.activations.learnable_testing import assign, build, numpy, value_and_grads

RTOL, ATOL = 1e-5, 1e-6

#: both sides of PAU's switch at |x| = 1, the tails and tiny values
PAU_X = np.array([-1e4, -250.0, -3.0, -1.001, -1.0, -0.999, -0.3, -1e-6, 0.0, 1e-6, 0.4,
                  0.999, 1.0, 1.001, 2.5, 77.0, 1e4], np.float32)  # fmt: skip


def _pau(x, a, b):
    """The safe PAU of the paper in float64: sum a_j x^j / (1 + sum |b_k| |x|^k)."""
    x = x.astype(np.float64)
    p = sum(c * x**j for j, c in enumerate(a))
    q = 1.0 + sum(abs(c) * np.abs(x) ** (k + 1) for k, c in enumerate(b))
    return p / q


def _column(x: np.ndarray) -> np.ndarray:
    return x.reshape(1, -1, 1)


def test_pau_starts_at_the_authors_leaky_relu_fit():
    layer = build("pau", (1, 5, 1))
    np.testing.assert_allclose(numpy(layer.numerator), PAU_LEAKY_RELU_NUMERATOR, rtol=1e-7)
    np.testing.assert_allclose(numpy(layer.denominator), PAU_LEAKY_RELU_DENOMINATOR, rtol=1e-7)
    x = np.linspace(-3, 3, 61, dtype="float32")
    y = numpy(layer(_column(x))).ravel()
    assert np.abs(y - np.where(x > 0, x, 0.01 * x)).max() < 0.05


@pytest.mark.parametrize(("m", "n"), [(5, 4), (3, 3), (2, 4), (6, 2), (0, 1)])
def test_pau_matches_the_paper_on_both_sides_of_one(m, n):
    rng = np.random.default_rng(m * 10 + n)
    a, b = rng.normal(size=m + 1), rng.normal(size=n)
    layer = build("pau", (1, PAU_X.size, 1), numerator_init=list(a), denominator_init=list(b))
    y = numpy(layer(_column(PAU_X))).ravel()
    np.testing.assert_allclose(
        y, _pau(PAU_X, a.astype("float32"), b.astype("float32")), rtol=2e-5, atol=1e-6
    )


def test_pau_derivatives_match_the_formula():
    layer = build("pau", (1, 6, 1))
    x = np.array([-40.0, -2.0, -0.5, 0.3, 1.7, 900.0], np.float32)
    _, gx, (ga, gb) = value_and_grads(layer, _column(x))
    a = np.array(PAU_LEAKY_RELU_NUMERATOR, np.float32).astype(np.float64)
    b = np.array(PAU_LEAKY_RELU_DENOMINATOR, np.float32).astype(np.float64)
    xd = x.astype(np.float64)
    h = 1e-6 * np.maximum(1.0, np.abs(xd))
    np.testing.assert_allclose(
        gx.ravel(), (_pau(xd + h, a, b) - _pau(xd - h, a, b)) / (2 * h), rtol=1e-4
    )
    q = 1.0 + sum(abs(c) * np.abs(xd) ** (k + 1) for k, c in enumerate(b))
    p = sum(c * xd**j for j, c in enumerate(a))
    np.testing.assert_allclose(ga, [np.sum(xd**j / q) for j in range(6)], rtol=1e-4)
    expected_b = [np.sum(-p / q**2 * np.abs(xd) ** (k + 1) * np.sign(b[k])) for k in range(4)]
    np.testing.assert_allclose(gb, expected_b, rtol=1e-4)


def test_pau_stays_finite_in_float16_where_x_to_the_fifth_would_overflow():
    layer = build("pau", (1, 4, 1), dtype="mixed_float16")
    x = np.array([-6e4, -300.0, 300.0, 6e4], np.float32)
    y = numpy(layer(_column(x))).ravel()
    assert np.isfinite(y).all()
    np.testing.assert_allclose(
        y, _pau(x, PAU_LEAKY_RELU_NUMERATOR, PAU_LEAKY_RELU_DENOMINATOR), rtol=2e-3
    )


@pytest.mark.parametrize("bad", [[], "1,2", [1.0, float("nan")], [1.0, "x"], None])
def test_pau_rejects_bad_coefficients(bad):
    with pytest.raises(ValueError, match="numerator_init"):
        activations.layer("pau", numerator_init=bad)
    with pytest.raises(ValueError, match="denominator_init"):
        activations.layer("pau", denominator_init=bad)


def _soft_exponential(x, alpha):
    """The paper's three cases in float64 (NaN where the logarithm is undefined)."""
    x = x.astype(np.float64)
    if alpha < 0:
        with np.errstate(invalid="ignore"):
            return -np.log(1 - alpha * (x + alpha)) / alpha
    if alpha == 0:
        return x
    with np.errstate(over="ignore"):
        return np.expm1(alpha * x) / alpha + alpha


SOFT_X = np.array([-1e4, -60.0, -5.0, -1.2, -0.3, -1e-6, 0.0, 1e-6, 0.4, 2.0, 30.0, 150.0, 1e4],
                  np.float32)  # fmt: skip


@pytest.mark.parametrize("alpha", [-0.9, -0.5, -1e-4, 0.0, 1e-4, 0.3, 1.0])
def test_soft_exponential_matches_the_paper_where_it_is_defined(alpha):
    layer = build("soft_exponential", (1, SOFT_X.size, 1), alpha_init=alpha)
    y = numpy(layer(_column(SOFT_X))).ravel()
    a = np.float32(alpha).astype(np.float64)
    expected = _soft_exponential(SOFT_X, a)
    # where float32 can resolve it: e^(alpha x) finite, and the logarithm's argument not
    # within float32 rounding of the pole (its condition number there exceeds 1e6)
    log_argument = 1 - a * (SOFT_X + a) if a < 0 else np.ones_like(expected)
    defined = np.isfinite(expected) & (np.abs(expected) < 3e38) & (log_argument > 1e-6)
    np.testing.assert_allclose(y[defined], expected[defined], rtol=RTOL, atol=ATOL)
    assert np.all(y[1:] >= y[:-1]), "soft exponential must stay increasing outside the domain"
    assert np.isfinite(y[~defined & (SOFT_X < 0)]).all()


def test_soft_exponential_is_the_identity_at_zero_with_the_limit_gradient():
    x = np.array([-3.0, -1.0, 0.0, 2.0, 5.0], np.float32)
    layer = build("soft_exponential", (1, 5, 1))
    y, gx, (g_alpha,) = value_and_grads(layer, _column(x))
    np.testing.assert_array_equal(y.ravel(), x)
    np.testing.assert_array_equal(gx.ravel(), 1.0)
    # d f / d alpha at alpha = 0 is 1 + x^2 / 2 from either side of the paper's cases
    np.testing.assert_allclose(g_alpha.item(), np.sum(1 + x.astype(np.float64) ** 2 / 2), rtol=1e-6)


@pytest.mark.parametrize("alpha", [-0.6, 0.4])
def test_soft_exponential_with_minus_alpha_is_the_inverse(alpha):
    x = np.linspace(-1, 2, 7, dtype="float32")  # inside the domain x > 1/alpha - alpha
    forward = build("soft_exponential", (1, 7, 1), alpha_init=alpha)
    backward = build("soft_exponential", (1, 7, 1), alpha_init=-alpha)
    np.testing.assert_allclose(numpy(backward(forward(_column(x)))).ravel(), x, atol=2e-6)


def _snake(x, alpha):
    x = x.astype(np.float64)
    return x + np.sin(alpha * x) ** 2 / alpha


def test_snake_matches_the_paper():
    alpha = np.array([0.2, 5.0, 30.0], np.float32)
    layer = build("snake_learnable", (2, 7, 3))
    np.testing.assert_array_equal(numpy(layer.alpha), 0.5)
    assign(layer, alpha=alpha.reshape(1, 3))
    x = np.random.default_rng(14).normal(size=(2, 7, 3)).astype("float32") * 4
    x[0, 0] = [1e-6, -1e-6, 0.0]
    np.testing.assert_allclose(numpy(layer(x)), _snake(x, alpha.astype(np.float64)), RTOL, ATOL)


def test_snake_alpha_gradient_and_small_alpha_limit():
    x = np.array([-2.0, -0.5, 0.7, 3.0], np.float32)
    layer = build("snake_learnable", (1, 4, 1), alpha_init=1.3)
    _, gx, (g_alpha,) = value_and_grads(layer, _column(x))
    a, xd = np.float64(np.float32(1.3)), x.astype(np.float64)
    np.testing.assert_allclose(gx.ravel(), 1 + np.sin(2 * a * xd), rtol=1e-5, atol=1e-6)
    expected = np.sum(xd * np.sin(2 * a * xd) / a - np.sin(a * xd) ** 2 / a**2)
    np.testing.assert_allclose(g_alpha.item(), expected, rtol=1e-5)
    tiny = build("snake_learnable", (1, 4, 1), alpha_init=1e-30)
    y, _, (g_tiny,) = value_and_grads(tiny, _column(x))
    np.testing.assert_array_equal(y.ravel(), x)
    np.testing.assert_allclose(g_tiny.item(), np.sum(xd**2), rtol=1e-6)  # d/d alpha -> x^2


def test_smooth_layers_train_a_step_without_nans():
    inputs = keras.Input((6,))
    x = inputs
    for name in ("pau", "soft_exponential", "snake_learnable"):
        x = keras.layers.Dense(6)(x)
        x = activations.layer(name)(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(x))
    model.compile(optimizer="adam", loss="mse")
    data = np.random.default_rng(15).normal(size=(32, 6)).astype("float32") * 50
    history = model.fit(data, data[:, :1], epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert all(np.isfinite(numpy(w)).all() for w in model.weights)
