"""sin, cos and atan as polynomials in `keras.ops`, for XLA's CPU kernels (`fused.xla`).

XLA computes its own sin, cos and atan one value at a time, with calls to the C library;
these are Cephes' single-precision ones (Moshier: ``sinf``, ``cosf``, ``atanf``), which XLA
turns into vector code, with sin's and cos's range reduction in float64 (fdlibm's two-part
pi/2). For float32 input (`numerics` computes half precision in float32): relative error
about 2e-7 for atan everywhere, and for sin and cos up to `REDUCTION_LIMIT`, where their
range reduction stops being exact.
"""

from __future__ import annotations

import math

from keras import ops

TWO_OVER_PI = 2.0 / math.pi
# pi/2 = PIO2_HI + PIO2_LO in float64 (fdlibm's pio2_1 and pio2_1t): PIO2_HI has 33
# significant bits, so for a quadrant k below 2^20, k * PIO2_HI is exact and x - k pi/2 keeps
# all its digits in float64 (to about 2^-80 of pi/2), also at the float32 values nearest the
# multiples of pi/2, where sin or cos is tiny.
PIO2_HI = 1.57079632673412561417e00
PIO2_LO = 6.07710050650619224932e-11
#: |k| = round(|x| 2/pi) <= 636620 < 2^20 up to here.
REDUCTION_LIMIT = 1.0e6

# Minimax polynomials on [-pi/4, pi/4] (Cephes sinf.c, cosf.c), in z = r^2.
_SIN = (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)
_COS = (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)
# atan on [-tan(pi/8), tan(pi/8)] (Cephes atanf.c), in z = t^2.
_ATAN = (8.05374449538e-2, -1.38776856032e-1, 1.99777106478e-1, -3.33329491539e-1)
_TAN_3PI_8 = 2.414213562373095
_TAN_PI_8 = 0.4142135623730950


def _horner(coefficients, z):
    total = coefficients[0]
    for c in coefficients[1:]:
        total = total * z + c
    return total


def _quarter_turns(x, quadrant_shift: float):
    """sin(x + quadrant_shift * pi/2) for |x| <= REDUCTION_LIMIT."""
    wide = ops.cast(x, "float64")
    k = ops.round(wide * TWO_OVER_PI)
    r = ops.cast((wide - k * PIO2_HI) - k * PIO2_LO, x.dtype)
    z = r * r
    sin_r = r + r * z * _horner(_SIN, z)
    cos_r = 1.0 - 0.5 * z + z * z * _horner(_COS, z)
    q = k + quadrant_shift
    q = q - 4.0 * ops.floor(q * 0.25)  # the quadrant, 0 to 3
    odd = ops.logical_or(q == 1.0, q == 3.0)
    value = ops.where(odd, cos_r, sin_r)
    return ops.where(q >= 2.0, -value, value)


def sin(x):
    """sin(x), for |x| <= REDUCTION_LIMIT."""
    return _quarter_turns(x, 0.0)


def cos(x):
    """cos(x) = sin(x + pi/2), for |x| <= REDUCTION_LIMIT."""
    return _quarter_turns(x, 1.0)


def arctan(x):
    """atan(x), for every x: atan(|x|) = pi/4 + atan((|x| - 1) / (|x| + 1)) above tan(pi/8),
    pi/2 - atan(1 / |x|) above tan(3 pi/8); the polynomial of `x` itself below, where the
    slope at 0 must not go through |x|."""
    a = ops.abs(x)
    large = a > _TAN_3PI_8
    middle = ops.logical_and(a > _TAN_PI_8, ops.logical_not(large))
    small = a <= _TAN_PI_8
    beyond = -1.0 / ops.where(large, a, 1.0)  # 1 elsewhere: no infinite slope at 0
    between = ops.where(middle, a, 1.0)  # no inf / inf at +-inf
    t = ops.where(large, beyond, ops.where(middle, (between - 1.0) / (between + 1.0), x))
    offset = ops.where(large, math.pi / 2, ops.where(middle, math.pi / 4, 0.0))
    z = t * t
    p = t + t * z * _horner(_ATAN, z)
    # NaN: no comparison holds, so `small` is false and NaN comes through `p`.
    return ops.where(ops.logical_or(small, ops.isnan(x)), p, ops.sign(x) * (offset + p))
