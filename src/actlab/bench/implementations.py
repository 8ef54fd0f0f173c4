"""The implementations timed against the catalog: native backend ops and naive composites.

A native op is listed only where it computes the same function as the catalog entry (with the
catalog's default parameters): PyTorch's and JAX's ``hardsigmoid`` (slope 1/6) are not
article 003's ``hard_sigmoid`` (slope 0.2), so that row has no native op. ``tests/bench`` checks
every entry here against the catalog on a grid of inputs.

A naive composite is the expression users write today, in `keras.ops`: the articles' forms
(``x * tanh(exp(x))`` for TanhExp, article 004's ``where(x <= 0, 2 softplus(x), ...)``),
without the catalog's overflow and cancellation guards.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable

import keras
from keras import ops

from actlab import activations

#: The articles' activations, plus Serf: the default of `actlab bench ops`.
ARTICLE_NAMES = (
    "tanhexp", "mish", "gelu", "silu", "elu", "softplus_linear", "reflection_linear",
    "zero_fit_linear", "hard_sigmoid", "serf",
)  # fmt: skip


def benchable_names() -> list[str]:
    """Every function entry that keeps the shape and takes no ``training``/``seed`` argument."""
    return [s.name for s in activations.specs() if _benchable(s)]


def _benchable(entry) -> bool:
    if entry.kind != "function" or entry.changes_shape:
        return False
    arguments = inspect.signature(entry.fn.portable).parameters
    return not {"training", "seed"} & set(arguments)


def native(name: str) -> Callable | None:
    """The current backend's own op for catalog entry `name`, or None where it has none."""
    return _natives(keras.backend.backend()).get(name)


@functools.cache
def _natives(backend: str) -> dict[str, Callable]:
    return {"tensorflow": _tensorflow, "jax": _jax, "torch": _torch}[backend]()


def _tensorflow() -> dict[str, Callable]:
    import tensorflow as tf

    return {
        "relu": tf.nn.relu,
        "elu": tf.nn.elu,
        "selu": tf.nn.selu,
        "gelu": functools.partial(tf.nn.gelu, approximate=False),
        "gelu_tanh": functools.partial(tf.nn.gelu, approximate=True),
        "silu": tf.nn.silu,
        "softplus": tf.nn.softplus,
        "softsign": tf.nn.softsign,
        "sigmoid": tf.math.sigmoid,
        "tanh": tf.math.tanh,
        "relu6": tf.nn.relu6,
        "leaky_relu": functools.partial(tf.nn.leaky_relu, alpha=0.01),
        "log_sigmoid": tf.math.log_sigmoid,
        "reflection_linear": tf.math.abs,
        "erf": tf.math.erf,
    }


def _jax() -> dict[str, Callable]:
    import jax
    import jax.numpy as jnp

    return {
        "relu": jax.nn.relu,
        "elu": jax.nn.elu,
        "selu": jax.nn.selu,
        "celu": jax.nn.celu,
        "gelu": functools.partial(jax.nn.gelu, approximate=False),
        "gelu_tanh": functools.partial(jax.nn.gelu, approximate=True),
        "silu": jax.nn.silu,
        "mish": jax.nn.mish,
        "softplus": jax.nn.softplus,
        "softsign": jax.nn.soft_sign,
        "sigmoid": jax.nn.sigmoid,
        "tanh": jnp.tanh,
        "relu6": jax.nn.relu6,
        "leaky_relu": jax.nn.leaky_relu,
        "log_sigmoid": jax.nn.log_sigmoid,
        "hard_silu": jax.nn.hard_silu,
        "hard_sigmoid_v3": jax.nn.hard_sigmoid,
        "hard_tanh": jax.nn.hard_tanh,
        "squareplus": jax.nn.squareplus,
        "sparse_plus": jax.nn.sparse_plus,
        "sparse_sigmoid": jax.nn.sparse_sigmoid,
        "reflection_linear": jnp.abs,
        "erf": jax.scipy.special.erf,
    }


def _torch() -> dict[str, Callable]:
    import torch
    from torch.nn import functional

    from actlab.activations.fused import torch as catalog_kernels

    return {
        **catalog_kernels.NATIVE,  # the PyTorch kernels the catalog itself runs
        "relu": torch.relu,
        "gelu": functional.gelu,
        "gelu_tanh": functools.partial(functional.gelu, approximate="tanh"),
        "softplus": functional.softplus,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu6": functional.relu6,
        "leaky_relu": functional.leaky_relu,
        "log_sigmoid": functional.logsigmoid,
        "hard_silu": functional.hardswish,
        "hard_sigmoid_v3": functional.hardsigmoid,
        "hard_tanh": functional.hardtanh,
        "soft_shrink": functional.softshrink,
        "hard_shrink": functional.hardshrink,
        "tanh_shrink": functional.tanhshrink,
        "reflection_linear": torch.abs,
        "erf": torch.erf,
    }


# --- Naive composites, as users write them ------------------------------------------------


def _tanhexp(x):
    return x * ops.tanh(ops.exp(x))


def _mish(x):
    return x * ops.tanh(ops.log(1.0 + ops.exp(x)))


def _gelu(x):
    return 0.5 * x * (1.0 + ops.erf(x / math.sqrt(2.0)))


def _gelu_tanh(x):
    return 0.5 * x * (1.0 + ops.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def _silu(x):
    return x * ops.sigmoid(x)


def _elu(x):
    return ops.where(x > 0, x, ops.exp(x) - 1.0)


def _selu(x):
    return 1.0507009873554805 * ops.where(x > 0, x, 1.6732632423543772 * (ops.exp(x) - 1.0))


def _softplus(x):
    return ops.log(1.0 + ops.exp(x))


def _sigmoid(x):
    return 1.0 / (1.0 + ops.exp(-x))


def _softsign(x):
    return x / (1.0 + ops.abs(x))


def _softplus_linear(x):
    # Article 004: tf.where(x <= 0, 2 * tf.nn.softplus(x), x + 2 * tf.nn.softplus(0.0))
    return ops.where(x <= 0, 2.0 * ops.softplus(x), x + 2.0 * math.log(2.0))


def _reflection_linear(x):
    # Article 004: tf.where(x <= 0, -x, x)
    return ops.where(x <= 0, -x, x)


def _zero_fit_linear(x):
    # Article 004's dense form (reduce_min over the units), on the last axis.
    return x - ops.min(x, axis=-1, keepdims=True)


def _hard_sigmoid(x):
    # Article 003 / Keras 2: 0 below -2.5, 1 above 2.5, slope 0.2 between.
    return ops.maximum(0.0, ops.minimum(1.0, 0.2 * x + 0.5))


def _serf(x):
    return x * ops.erf(ops.log(1.0 + ops.exp(x)))


def _leaky_relu(x):
    return ops.where(x > 0, x, 0.01 * x)


def _relu6(x):
    return ops.minimum(ops.maximum(x, 0.0), 6.0)


NAIVE: dict[str, Callable] = {
    "tanhexp": _tanhexp,
    "mish": _mish,
    "gelu": _gelu,
    "gelu_tanh": _gelu_tanh,
    "silu": _silu,
    "elu": _elu,
    "selu": _selu,
    "softplus": _softplus,
    "sigmoid": _sigmoid,
    "softsign": _softsign,
    "softplus_linear": _softplus_linear,
    "reflection_linear": _reflection_linear,
    "zero_fit_linear": _zero_fit_linear,
    "hard_sigmoid": _hard_sigmoid,
    "serf": _serf,
    "leaky_relu": _leaky_relu,
    "relu6": _relu6,
}


def naive(name: str) -> Callable | None:
    """The naive keras.ops composite of `name`, or None where none is listed."""
    return NAIVE.get(name)


def copy(x):
    """The memory-bandwidth floor: ``-x``, one read and one write forward, and its backward
    ``-g`` one read and one write too (an identity copy may be elided, and its backward is no
    work at all)."""
    return ops.negative(x)
