"""The catalog's building blocks against mpmath: log1p on (-1, 1] and softplus, value and slope."""

from __future__ import annotations

import keras
import mpmath
import numpy as np
import pytest

from actlab.activations import fused, numerics
from tests.activations.backend_grad import value_and_grad

#: float32 values on (-1, 1]: tiny ones (where 1 + w rounds to 1), both ends, and between.
W = np.concatenate([
    -np.logspace(-0.000001, -12, 200), [0.0], np.logspace(-12, 0, 200),
]).astype(np.float32)  # fmt: skip
X = np.concatenate([-np.logspace(2, -8, 200), [0.0], np.logspace(-8, 2, 200)]).astype(np.float32)


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
    ],
)
@pytest.mark.parametrize("form", ["op by op", "fused"])
def test_matches_mpmath_in_float32(name, points, exact, form):
    fn = getattr(numerics, name)
    if form == "fused":  # XLA's kernel on TensorFlow and JAX
        fn = fused.fuse(fn)
    got, slope = value_and_grad(fn, points)
    want, want_slope = reference(exact, points)
    tiny = float(np.finfo(np.float32).tiny)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=tiny)
    np.testing.assert_allclose(slope, want_slope, rtol=2e-6, atol=tiny)


def test_log1p_of_minus_one_is_minus_infinity():
    got = keras.ops.convert_to_numpy(numerics.log1p(keras.ops.convert_to_tensor([-1.0])))
    assert got[0] == -np.inf
