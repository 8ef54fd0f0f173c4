"""Numerically stable building blocks shared by the catalog (all in `keras.ops`)."""

from __future__ import annotations

import math

import keras
from keras import ops

from actlab.activations.fused import trig, xla

#: e**EXP_CAP is far above every float32 threshold the catalog needs (tanh(e**20) == 1 in
#: float64) and e**EXP_CAP stays finite, so clipping the exponent keeps gradients finite.
EXP_CAP = 20.0
HALF_DTYPES = ("float16", "bfloat16")


def where_safe(condition, x, safe_value):
    """`x` where `condition` holds, else `safe_value`: feed a branch only inputs it can take.

    ``where(c, f(x), g(x))`` back-propagates through both branches; a branch that is
    infinite or NaN off its own domain poisons the gradient unless its input is replaced.
    """
    return ops.where(condition, x, ops.cast(safe_value, x.dtype))


def erfc(x):
    """Complementary error function, with full relative precision in the right tail.

    Unlike ``1 - erf(x)`` it keeps its digits where erfc is tiny (x >> 1), which GELU and the
    normal CDF need for large negative inputs. Each backend's own erfc (relative error below
    3e-6 in float32) is one fused operation with an analytic gradient.
    """
    return ops.erfc(x)


def normal_cdf(x):
    """Phi(x) = erfc(-x / sqrt 2) / 2, accurate in both tails."""
    return 0.5 * erfc(-x / math.sqrt(2.0))


def log1p(w):
    """``log(1 + w)`` for ``w > -1``, with full relative precision near 0.

    Inside one of TensorFlow's XLA kernels it is spelled with ``log``: XLA's CPU compiler
    emits its own log1p in 256-bit vectors only, and a fused kernel that holds one runs at that
    width throughout, half the width of the catalog's other kernels on an AVX-512 CPU
    (`fused.xla`). ``u = 1 + w`` rounds, ``r = (u - 1) - w`` is that rounding error, exactly,
    and ``log(1 + w) = log(u - r) ~ log(u) - r / u``; on ``(-1, 1]`` the correction's ``1 / u``
    may be ``2 - u`` (relative error ``w^2``, on a term below one ulp; no division), and
    ``r = 0`` where ``w <= -1/2``; from ``u = 2`` on it is dropped (``|r| / u`` is at most
    2^-24 there, against ``log(u) >= 0.69``). Its gradient, ``1 / u + r``, is as exact.
    Elsewhere the backend's log1p, one operation (JAX's XLA, which compiles JAX's kernels,
    folds ``(1 + w) - 1`` to ``w`` and would drop the correction). Tests check both.
    """
    if _spelling_trace("log1p", w) is None:
        return ops.log1p(w)
    u = 1.0 + w
    corrected = u < 2.0
    near = where_safe(corrected, w, 0.0)  # an infinite w would make the correction NaN
    rounding = (1.0 + near - 1.0) - near
    return ops.log(u) - ops.where(corrected, rounding * (2.0 - u), 0.0)


def softplus(x):
    """``log(1 + e^x)``, exact in both tails.

    Inside one of TensorFlow's XLA kernels ``max(x, 0) + log1p(e^-|x|)`` with `log1p` above
    (``e^-|x| <= 1``), both sides written with `where` so that the gradient at 0 is
    sigmoid(0) = 1/2; elsewhere the backend's own softplus, one operation.
    """
    if _spelling_trace("softplus", x) is None:
        return ops.softplus(x)
    positive = x > 0
    return ops.where(positive, x, 0.0) + log1p(ops.exp(ops.where(positive, -x, x)))


def sin(x):
    """sin(x); inside one of TensorFlow's XLA kernels, a polynomial in vector code
    (`fused.trig`: XLA's own sin is a library call per value), exact to the library's digits.

    Its range reduction is exact up to `trig.REDUCTION_LIMIT`: the kernel records its argument,
    and an input that gives a larger one (or NaN, or an infinity) takes the library's sin.
    """
    return _trig(x, ops.sin, "sin", range_limited=True)


def cos(x):
    """cos(x), as `sin` is computed."""
    return _trig(x, ops.cos, "cos", range_limited=True)


def arctan(x):
    """atan(x); inside one of the catalog's XLA kernels (TensorFlow's and JAX's), a polynomial
    (`fused.trig`), for every x."""
    return _trig(x, ops.arctan, "arctan", range_limited=False)


def _trig(x, library, name: str, *, range_limited: bool):
    trace = _spelling_trace(name, x)
    if trace is None:
        return library(x)
    if range_limited:
        trace.limited_arguments.append(x)
    return half_in_float32(getattr(trig, name), x)


def _spelling_trace(name: str, x) -> xla.KernelTrace | None:
    """The trace of the XLA kernel `x` is traced into, if that kernel spells `name` for XLA
    (`fused.xla`) and `x` is float32 or half precision (the spellings are float32's; float64
    keeps the backend's operations); else None."""
    trace = xla.kernel_trace()
    if trace is None or name not in trace.spellings:
        return None
    return None if keras.backend.standardize_dtype(x.dtype) == "float64" else trace


def half_in_float32(fn, x, **kwargs):
    """``fn(x, **kwargs)``, computed in float32 for a float16 or bfloat16 `x`, in `x`'s dtype.

    Half precision overflows in intermediate terms (x**2 at 1e4, exp at 12) and loses the
    digits the catalog promises; float32 inside costs one cast each way.
    """
    dtype = keras.backend.standardize_dtype(x.dtype)
    if dtype in HALF_DTYPES:
        return ops.cast(fn(ops.cast(x, "float32"), **kwargs), dtype)
    return fn(x, **kwargs)


#: Below this (scaled) |x|, x^2 + c^2 stays finite in float32; above it, sqrt(x^2 + c^2)
#: rounds to |x| (c^2 / x^2 <= 2^-64, also with c clamped to 2^28). Squares of values below
#: it stay below 2^120.
SQUARE_SAFE_BELOW = 2.0**60
#: The powers of two of `unit_scale` stay within 2^+-UNIT_SCALE_BITS (normal in float32).
UNIT_SCALE_BITS = 100


def unit_scale(c: float) -> float:
    """The power of two k that brings a constant c > 0 to [1, 2) (``k c``), within
    2^+-UNIT_SCALE_BITS; multiplying by it is exact."""
    exponent = math.frexp(c)[1] - 1  # c = m 2^exponent with 1 <= m < 2
    return 2.0 ** min(UNIT_SCALE_BITS, max(-UNIT_SCALE_BITS, -exponent))


def hypot(x, c: float):
    """``sqrt(x^2 + c^2)`` for a constant ``c > 0``, without overflow or underflow for any x.

    Computed at ``(k x, k c)``, with k the power of two that brings c to [1, 2) (within
    2^+-100), exactly: ``sqrt((k x)^2 + (k c)^2) / k`` while ``|k x| < 2^60``, and ``|x|``
    beyond, which is its rounding there. One square root, no division.
    """
    k = unit_scale(c)
    direct = ops.abs(x) * k < SQUARE_SAFE_BELOW
    near = where_safe(direct, x, 0.0) * k
    return ops.where(direct, ops.sqrt(ops.square(near) + (c * k) ** 2) * (1.0 / k), ops.abs(x))


def inverse_square_root(x, alpha: float):
    """``x / sqrt(1 + alpha x^2)`` for a constant ``alpha > 0``, for any x: one square root and
    one division, and ``sign(x) / sqrt(alpha)`` beyond ``sqrt(alpha) |x| = 2^60``, where the
    square could overflow and that is its rounding."""
    root_alpha = math.sqrt(alpha)
    direct = ops.abs(root_alpha * x) < SQUARE_SAFE_BELOW
    near = where_safe(direct, x, 0.0)
    root = ops.sqrt(1.0 + ops.square(root_alpha * near))
    return ops.where(direct, near / root, ops.sign(x) / root_alpha)


# Gradients at kinks: `ops.clip` has gradient 1 at its bounds on TensorFlow and PyTorch but 0.5
# on JAX, and `ops.abs` has 0 at 0 on TensorFlow and PyTorch but 1 on JAX, so one seed would
# train differently per backend. The catalog takes one convention, spelled with `where` (the
# same on every backend): at a bound the gradient is the flat side's 0, as `tf.nn.relu6` and
# PyTorch's `relu6`/`hardtanh` give; at 0, |x| has sign(0) = 0.


def clip(x, low, high):
    """`x` limited to [low, high]; gradient 1 strictly inside, 0 at and beyond the bounds."""
    return ops.where(x <= low, low, ops.where(x < high, x, high))


def absolute(x):
    """|x| with gradient sign(x), so 0 at x = 0."""
    return x * ops.sign(x)
