"""NumPy references for the shape-changing entries (whole arrays, float64).

The shared harness feeds shapes (4, 6) and (2, 5, 5, 6), whose last axes split in 2 and 3;
tests/activations/test_shape_changing.py checks the errors for axes that do not split.
"""

import mpmath
import numpy as np

from tests.activations.references.base import Ref


def _split(x: np.ndarray, parts: int, name: str):
    assert x.shape[-1] % parts == 0, f"{name} needs a last axis divisible by {parts}"
    return np.split(x, parts, axis=-1)


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


_gelu = np.vectorize(lambda v: float(v * mpmath.ncdf(v)))


def _gated(name, gate):
    def reference(x):
        a, b = _split(x, 2, name)
        return a * gate(b)

    return Ref(reference, elementwise=False)


def _maxout(x, pieces):
    assert x.shape[-1] % pieces == 0, f"maxout(pieces={pieces}) needs a divisible last axis"
    grouped = x.reshape(*x.shape[:-1], x.shape[-1] // pieces, pieces)
    return grouped.max(axis=-1)


def _dual_relu(x):
    a, b = _split(x, 2, "dual_relu")
    return np.maximum(a, 0) - np.maximum(b, 0)


REFERENCES = {
    "glu": _gated("glu", _sigmoid),
    "reglu": _gated("reglu", lambda b: np.maximum(b, 0.0)),
    "geglu": _gated("geglu", _gelu),
    "swiglu": _gated("swiglu", lambda b: b * _sigmoid(b)),
    "bilinear": _gated("bilinear", lambda b: b),
    "dual_relu": Ref(_dual_relu, elementwise=False),
    "crelu": Ref(
        lambda x: np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], axis=-1), elementwise=False
    ),
    "maxout": Ref(_maxout, params=({"pieces": 3},), elementwise=False),
}
