"""Shared pieces of the learnable-layer tests: building, weight setting and backend gradients.

Tests only: each backend has its own gradient API, so this is where they branch.
"""

from __future__ import annotations

import keras
import numpy as np

from actlab import activations

LAYER_NAMES = sorted(
    n
    for n in activations.names()
    if activations.spec(n).kind == "layer" and activations.spec(n).family == "learnable"
)

#: channels-last feature maps, the one input shape every learnable layer accepts
SHAPE = (2, 4, 4, 3)

#: weights kept positive (PELU's a and b, which must be; APL's a and b, which may be; variances)
_POSITIVE = {"a", "b", "moving_variance"}


def build(name: str, shape=SHAPE, **params) -> keras.layers.Layer:
    layer = activations.layer(name, **params)
    layer.build(shape)
    return layer


def numpy(t) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(keras.ops.cast(t, "float32")), np.float64)


def randomize(layer: keras.layers.Layer, rng: np.random.Generator) -> list[np.ndarray]:
    """Give every weight (sublayers included) a fresh random value; returns them in order."""
    values = []
    for w in layer.weights:
        leaf = w.path.split("/")[-1]
        v = rng.normal(0.5, 0.3, w.shape)
        if leaf in _POSITIVE:
            v = np.abs(v) + 0.2
        w.assign(v.astype(w.dtype))
        values.append(v.astype(w.dtype))
    return values


def assign(layer: keras.layers.Layer, **values: np.ndarray) -> None:
    """Set weights by attribute path: ``assign(layer, alpha=a, **{"normalize.gamma": g})``."""
    for path, value in values.items():
        owner = layer
        *parents, leaf = path.split(".")
        for p in parents:
            owner = getattr(owner, p)
        var = getattr(owner, leaf)
        var.assign(np.broadcast_to(value, var.shape).astype(var.dtype))


def value_and_grads(layer: keras.layers.Layer, x: np.ndarray, training: bool = False):
    """(f(x), d sum f / dx, [d sum f / dw for each trainable weight]) as float64 arrays."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        xt = tf.Variable(x)
        with tf.GradientTape() as tape:
            y = layer(xt, training=training)
            total = tf.reduce_sum(tf.cast(y, "float32"))
        gx, *gw = tape.gradient(total, [xt, *layer.trainable_variables])
        return numpy(y), numpy(gx), [numpy(g) for g in gw]
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        trainable = [v.value for v in layer.trainable_variables]
        frozen = [v.value for v in layer.non_trainable_variables]

        def total(tv, xt):
            y, _ = layer.stateless_call(tv, frozen, xt, training=training)
            return jnp.sum(y.astype("float32")), y

        (_, y), (gw, gx) = jax.value_and_grad(total, argnums=(0, 1), has_aux=True)(
            trainable, jnp.asarray(x)
        )
        return numpy(y), numpy(gx), [numpy(g) for g in gw]
    if backend == "torch":
        import torch

        xt = torch.tensor(x, requires_grad=True)
        y = layer(xt, training=training)
        y.float().sum().backward()
        gw = [v.value.grad for v in layer.trainable_variables]
        return numpy(y.detach()), numpy(xt.grad), [numpy(g) for g in gw]
    raise RuntimeError(f"no gradient helper for backend {backend!r}")


def inputs(seed: int = 0, *, probe: float = 2.5) -> np.ndarray:
    """Random channels-last inputs with huge, zero, tiny and `probe` values planted."""
    x = np.random.default_rng(seed).normal(size=SHAPE).astype("float32") * 3
    x[0, 0, 0] = [1e4, -1e4, 0.0]
    x[0, 0, 1] = [-1e-6, 1e-6, probe]
    return x


def per_channel(seed: int, low: float, high: float) -> np.ndarray:
    """One uniform random value per channel, shaped to broadcast over SHAPE."""
    return np.random.default_rng(seed).uniform(low, high, (1, 1, SHAPE[-1])).astype("float32")
