import numpy as np
from mpmath import mp

from tests.activations.references.base import Ref


def _softplus(x):
    return mp.log(1 + mp.exp(x))


def _zero_fit(x: np.ndarray) -> np.ndarray:
    # Article 004: subtract the minimum over the spatial axes (feature maps) or the units (dense).
    axes = (-1,) if x.ndim <= 2 else tuple(range(1, x.ndim - 1))
    return x - np.min(x, axis=axes, keepdims=True)


def _relu(x):
    return max(x, 0)


def _bipolar(x: np.ndarray) -> np.ndarray:
    # Eidnes & Nøkland: even units max(0, x), odd units -max(0, -x), along the last axis.
    even = np.arange(x.shape[-1]) % 2 == 0
    return np.where(even, np.maximum(x, 0.0), np.minimum(x, 0.0))


REFERENCES = {
    "relu": Ref(lambda x: max(x, 0), kinks=(0,)),
    "softplus_linear": Ref(lambda x: 2 * _softplus(x) if x <= 0 else x + 2 * mp.log(2)),
    "reflection_linear": Ref(lambda x: -x if x <= 0 else x, kinks=(0,)),
    "zero_fit_linear": Ref(_zero_fit, elementwise=False),
    "leaky_relu": Ref(
        lambda x, negative_slope: x if x >= 0 else negative_slope * x,
        kinks=(0,),
        params=({"negative_slope": 0.2},),
    ),
    "relu6": Ref(lambda x: min(_relu(x), 6), kinks=(0, 6)),
    "bounded_relu": Ref(lambda x, cap: min(_relu(x), cap), kinks=(0, 1), params=({"cap": 6.0},)),
    # Inference form: the mean slope (lower + upper) / 2.
    "rrelu": Ref(
        lambda x, lower, upper: x if x >= 0 else (lower + upper) / 2 * x,
        kinks=(0,),
        params=({"lower": 0.01, "upper": 0.5},),
    ),
    "hard_tanh": Ref(
        lambda x, min_val, max_val: min(max(x, min_val), max_val),
        kinks=(-1, 1),
        params=({"min_val": -2.0, "max_val": 3.0},),
    ),
    "thresholded_relu": Ref(
        lambda x, theta: x if x > theta else mp.zero, kinks=(1,), params=({"theta": 0.75},)
    ),
    "relu_squared": Ref(lambda x: _relu(x) ** 2),
    "star_relu": Ref(
        lambda x, scale, bias: scale * _relu(x) ** 2 + bias, params=({"scale": 1.0, "bias": 0.0},)
    ),
    "bipolar_relu": Ref(_bipolar, elementwise=False),
}
