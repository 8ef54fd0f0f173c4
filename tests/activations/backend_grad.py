"""Value and elementwise derivative of f at x, through the active backend's autodiff.

Tests only: each backend has its own gradient API, so this is where they branch.
"""

from __future__ import annotations

import keras
import numpy as np


def value_and_grad(fn, x: np.ndarray, dtype: str = "float32"):
    """(f(x), d sum(f(x)) / dx) as float64 NumPy arrays, computed in `dtype`."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        xt = tf.Variable(tf.cast(tf.constant(x), dtype))
        with tf.GradientTape() as tape:
            y = fn(xt)
            total = tf.reduce_sum(tf.cast(y, "float32"))
        g = tape.gradient(total, xt)
        return _np(y), _np(g)
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        xt = jnp.asarray(x).astype(dtype)
        y, vjp = jax.vjp(fn, xt)
        (g,) = vjp(jnp.ones_like(y))
        return _np(y), _np(g)
    if backend == "torch":
        import torch

        xt = torch.tensor(x).to(getattr(torch, dtype)).requires_grad_(True)
        y = fn(xt)
        y.float().sum().backward()
        return _np(y.detach()), _np(xt.grad)
    raise RuntimeError(f"no gradient helper for backend {backend!r}")


def _np(t) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(keras.ops.cast(t, "float32")), dtype=np.float64)
