"""The catalog's building blocks against mpmath: log1p above -1, softplus, sin, cos and
arctan, value and slope, fused (where TensorFlow spells them for XLA) and op by op."""

from __future__ import annotations

import keras
import mpmath
import numpy as np
import pytest

from actlab import activations
from actlab.activations import fused, numerics
from actlab.activations.fused import trig
from tests.activations.backend_grad import value_and_grad

#: float32 values above -1: tiny ones (where 1 + w rounds to 1), both ends of (-1, 1], between,
#: and beyond 1 (where the correction is dropped), with the floats just below 2^k, where
#: 1 + w rounds.
BELOW_POWERS_OF_TWO = np.nextafter(np.float32(2.0) ** np.arange(2, 25, dtype=np.float32), 0)
W = np.concatenate([
    -np.logspace(-0.000001, -12, 200), [0.0], np.logspace(-12, 0, 200), np.logspace(0, 30, 100),
    BELOW_POWERS_OF_TWO,
]).astype(np.float32)  # fmt: skip
X = np.concatenate([-np.logspace(2, -8, 200), [0.0], np.logspace(-8, 2, 200)]).astype(np.float32)
#: Up to sin's and cos's reduction limit (1e6): the float32 values nearest the multiples of
#: pi/2 (where sin or cos is tiny and its digits hang on the range reduction; with float32's
#: own reduction k = 644 and 4275 were 8e-5 off), their neighbours, and between.
TURNS = np.concatenate([np.arange(1, 8149, 13), [644, 4275], np.arange(8149, 636620, 4999)])
QUARTER_TURNS = (np.pi / 2 * np.concatenate([-TURNS, TURNS])).astype(np.float32)
TRIG = np.concatenate([
    QUARTER_TURNS, np.nextafter(QUARTER_TURNS, np.float32(np.inf)), np.linspace(-1e6, 1e6, 801),
    X[np.abs(X) < 10], [1e6, -1e6],
]).astype(np.float32)  # fmt: skip
WIDE = np.concatenate([-np.logspace(30, -8, 300), [0.0], np.logspace(-8, 30, 300)]).astype(
    np.float32
)


def reference(fn, points) -> tuple[np.ndarray, np.ndarray]:
    with mpmath.workdps(40):  # locally: the catalog's references set their own precision
        values = [fn(mpmath.mpf(float(p))) for p in points]
        slopes = [mpmath.diff(fn, mpmath.mpf(float(p))) for p in points]
    return np.array(values, dtype=np.float64), np.array(slopes, dtype=np.float64)


@pytest.mark.parametrize(
    ("name", "points", "exact"),
    [
        ("log1p", W, lambda w: mpmath.log1p(w)),
        ("softplus", X, lambda x: mpmath.log1p(mpmath.exp(x))),
        ("sin", TRIG, mpmath.sin),
        ("cos", TRIG, mpmath.cos),
        ("arctan", WIDE, mpmath.atan),
    ],
)
@pytest.mark.parametrize("form", ["op by op", "fused"])
def test_matches_mpmath_in_float32(name, points, exact, form):
    fn = getattr(numerics, name)
    if form == "fused":  # XLA's kernel on TensorFlow and JAX
        fn = fused.fuse(fn)
    assert name not in ("sin", "cos") or np.abs(points).max() <= trig.REDUCTION_LIMIT
    got, slope = value_and_grad(fn, points)
    want, want_slope = reference(exact, points)
    tiny = float(np.finfo(np.float32).tiny)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=tiny)
    np.testing.assert_allclose(slope, want_slope, rtol=2e-6, atol=tiny)


def test_log1p_of_minus_one_is_minus_infinity():
    got = keras.ops.convert_to_numpy(numerics.log1p(keras.ops.convert_to_tensor([-1.0])))
    assert got[0] == -np.inf


@pytest.mark.parametrize(("name", "exact"), [("sin", mpmath.sin), ("cos", mpmath.cos)])
def test_sin_and_cos_beyond_the_reduction_limit_are_the_librarys(name, exact):
    """A tensor with one value past 1e6 goes to the library's kernel, all of it."""
    x = np.array([2e6, -5e7, 1e12, 3e38, 0.5, 3.0], np.float32)
    got, slope = value_and_grad(fused.fuse(getattr(numerics, name)), x)
    want, want_slope = reference(exact, x)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(slope, want_slope, rtol=2e-6, atol=1e-7)
    special = np.array([np.inf, np.nan, 0.5], np.float32)
    got, _ = value_and_grad(fused.fuse(getattr(numerics, name)), special)
    assert np.isnan(got[:2]).all() and got[2] == pytest.approx(float(exact(0.5)), rel=1e-6)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name", ["sin", "cos", "arctan"])
def test_half_precision_trig_is_computed_in_float32(name, dtype):
    x = np.linspace(-100, 100, 2001).astype(np.float32)
    got, _ = value_and_grad(fused.fuse(getattr(numerics, name)), x, dtype=dtype)
    rounded = x.astype(dtype).astype(np.float64)
    want = getattr(np, name)(rounded)
    eps = float(np.finfo(dtype).eps) if dtype == "float16" else 2.0**-7
    np.testing.assert_allclose(got, want, rtol=eps, atol=eps)


@pytest.mark.parametrize("w0", [30.0, 1e16])
def test_the_reduction_limit_holds_for_sins_argument_not_the_input(w0):
    """SIREN's sin(30 x): inputs within the limit whose argument is not go to the library's
    sin. (With fused multiply-adds the float64 reduction holds far past 1e6; it fails once
    round(2 x / pi) is past float64's integers, as with w0 = 1e16 here.)"""
    x = np.linspace(-1e4, 1e4, 2001).astype(np.float32)
    argument = (np.float32(w0) * x).astype(np.float64)  # as float32 computes it
    got, slope = value_and_grad(lambda v: activations.get("sine")(v, w0=w0), x)
    np.testing.assert_allclose(got, np.sin(argument), rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(slope, w0 * np.cos(argument), rtol=1e-4, atol=1e-4 * w0)


@pytest.mark.parametrize("form", ["op by op", "fused"])
def test_log1p_and_arctan_at_infinity(form):
    log1p, arctan = numerics.log1p, numerics.arctan
    if form == "fused":
        log1p, arctan = fused.fuse(log1p), fused.fuse(arctan)
    infinities = np.array([np.inf, 1.0], np.float32)
    value, slope = value_and_grad(log1p, infinities)
    assert value[0] == np.inf and slope[0] == 0.0
    value, slope = value_and_grad(arctan, np.array([-np.inf, np.inf], np.float32))
    np.testing.assert_allclose(value, [-np.pi / 2, np.pi / 2], rtol=1e-7)
    np.testing.assert_array_equal(slope, [0.0, 0.0])
