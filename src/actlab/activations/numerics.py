"""Numerically stable building blocks shared by the catalog (all in `keras.ops`)."""

from __future__ import annotations

import math

from keras import ops

#: e**EXP_CAP is far above every float32 threshold the catalog needs (tanh(e**20) == 1 in
#: float64) and e**EXP_CAP stays finite, so clipping the exponent keeps gradients finite.
EXP_CAP = 20.0

# Coefficients of erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2), z >= 0, with fractional
# error below 1.2e-7 everywhere (Press et al., Numerical Recipes, 2nd ed., section 6.2).
_ERFC_COEFFS = (
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
)  # fmt: skip


def where_safe(condition, x, safe_value):
    """`x` where `condition` holds, else `safe_value`: feed a branch only inputs it can take.

    ``where(c, f(x), g(x))`` back-propagates through both branches; a branch that is
    infinite or NaN off its own domain poisons the gradient unless its input is replaced.
    """
    return ops.where(condition, x, ops.cast(safe_value, x.dtype))


def erfc(x):
    """Complementary error function with relative accuracy ~1e-7 on the whole real line.

    Unlike ``1 - erf(x)`` it keeps full relative precision in the far right tail, which GELU
    and the normal CDF need for large negative inputs.
    """
    z = ops.where(x >= 0, x, -x)  # not abs(): its gradient at 0 is 0 on TensorFlow and torch
    t = 1.0 / (1.0 + 0.5 * z)
    poly = _ERFC_COEFFS[-1]
    for c in reversed(_ERFC_COEFFS[:-1]):
        poly = c + t * poly
    right_tail = t * ops.exp(-z * z + poly)
    return ops.where(x >= 0, right_tail, 2.0 - right_tail)


def normal_cdf(x):
    """Phi(x) = erfc(-x / sqrt 2) / 2, accurate in both tails."""
    return 0.5 * erfc(-x / math.sqrt(2.0))


def softplus(x):
    """log(1 + e^x), exact for large |x|, with the right gradient at 0 on every backend.

    (Keras' TensorFlow ``logaddexp`` has gradient 1 instead of 1/2 at x = 0.)
    """
    return ops.softplus(x)


def hypot(x, c: float):
    """``sqrt(x^2 + c^2)`` for a constant ``c > 0``, without overflow for any finite x.

    Scaling by ``m = max(|x|, c)`` keeps the squares <= 1; the result does not depend on m, so
    the gradient is exact even where the max switches sides.
    """
    m = ops.maximum(ops.abs(x), c)
    return m * ops.sqrt(ops.square(x / m) + ops.square(c / m))

