"""Fast paths for function entries: one fused kernel forward, one backward, per backend.

The catalog writes each activation once, in `keras.ops`. Run op by op, that spelling costs a
pass over the tensor per operation (a dozen for GELU's erfc) and keeps every intermediate for
the backward pass. `fuse` compiles the same expression into one forward kernel and one
backward kernel that recomputes from the input, so the backward pass keeps the input alone:

* TensorFlow: an XLA-compiled forward and an XLA-compiled gradient, joined by
  ``tf.custom_gradient`` (`fused.tensorflow`);
* JAX: ``jax.jit`` of ``jax.checkpoint`` (`fused.jax`);
* PyTorch, opt-in (`torch_compile`): ``torch.compile`` of the forward and of its
  vector-Jacobian product, in an ``autograd.Function`` (`fused.torch`); tensors below
  `torch_min_elements` values run eagerly, where compiling would cost more than it saves.

On TensorFlow, on an AVX-512 CPU, XLA is asked for 512-bit vector code when the catalog
loads (`fused.xla`): the fused kernels are bound by their polynomials, not by memory. Its
kernels are traced with the catalog's XLA spellings: sin, cos and atan as polynomials in
vector code (`fused.trig`), where XLA's own call the C library per value, and log1p with
log; JAX's with atan's alone (`fused.xla.JAX_SPELLINGS`).

Learnable layers use `batch_normalize`: FReLU's batch normalisation through TensorFlow's
fused kernel, where Keras' portable form costs several passes of its own.

The portable form stays the definition: the fast path computes the same expression and its
tests compare it with the portable form on the catalog's mpmath grid.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable
from typing import Any

import keras

from actlab.activations.fused import xla

#: PyTorch's compiled path is opt-in (``ACTLAB_TORCH_COMPILE=1``): measured alone it beats
#: eager PyTorch, but in a benchmark mixing a dozen activations in one process it ran slower.
torch_compile = os.environ.get("ACTLAB_TORCH_COMPILE") == "1"
#: Below this many values a torch tensor runs eagerly (see `fused.torch`).
torch_min_elements = 65536


def native(name: str) -> Callable | None:
    """The current backend's own kernel for catalog entry `name`, where it has one.

    Listed in each backend module's ``NATIVE``: PyTorch's one-kernel ops, which run eagerly
    beat a chain of small ones by up to 10x, and TensorFlow's for the functions whose
    gradient its kernel takes from the output (``tanh``, ``softmax``, ``log_softmax``: an
    XLA kernel recomputes their reductions) or in one pass (``relu6``, ``softsign``), which
    the XLA kernel cannot beat. Only kernels that compute the catalog's
    function to its precision are listed: ``tf.nn.elu`` and ``tf.nn.selu`` compute
    ``exp(x) - 1`` (1% off at ``x = -1e-6``), ``tf.nn.leaky_relu`` has slope ``alpha`` at 0.
    """
    if keras.backend.backend() not in NATIVE_BACKENDS:
        return None
    backend = importlib.import_module(f"actlab.activations.fused.{keras.backend.backend()}")
    return backend.NATIVE.get(name)


def with_native(native_fn: Callable, portable: Callable) -> Callable:
    """`native_fn` on backend tensors, `portable` on symbolic Keras tensors (model building)."""

    @functools.wraps(portable)
    def fast(x, **params):
        if isinstance(x, keras.KerasTensor):
            return portable(x, **params)
        return native_fn(x, **params)

    return fast


#: The backends with a module here; on any other Keras backend every entry runs op by op.
FAST_BACKENDS = ("tensorflow", "jax", "torch")
#: The backends whose module lists kernels of their own (`native`).
NATIVE_BACKENDS = ("tensorflow", "torch")
#: The backends whose fused kernels XLA compiles.
XLA_BACKENDS = ("tensorflow", "jax")

# TensorFlow only: JAX's XLA (jax 0.10) miscompiles atan in 512-bit vectors (arctan(-4.2e3)
# came out 0), and on JAX the flag would reach the whole jitted training step, not just these.
if keras.backend.backend() == "tensorflow":
    xla.prefer_wide_vectors()


def fuse(portable: Callable) -> Callable:
    """The fast form of `portable` (``f(x, **params)``) on the current Keras backend.

    Symbolic Keras tensors (model construction) go to `portable`; so does everything on a
    backend without a fast path.
    """
    if keras.backend.backend() not in FAST_BACKENDS:  # e.g. Keras' numpy backend
        return portable
    backend = importlib.import_module(f"actlab.activations.fused.{keras.backend.backend()}")
    kernels: dict[tuple, Callable] = {}

    def kernel(params: dict[str, Any]) -> Callable:
        key = tuple(sorted(params.items()))
        if key not in kernels:
            kernels[key] = backend.compile_kernel(functools.partial(portable, **params))
        return kernels[key]

    @functools.wraps(portable)
    def fast(x, **params):
        if isinstance(x, keras.KerasTensor):
            return portable(x, **params)
        x = keras.ops.convert_to_tensor(x)
        if not keras.backend.is_float_dtype(x.dtype):
            x = keras.ops.cast(x, keras.backend.floatx())
        return kernel(params)(x)

    return fast


#: TensorFlow's fused batch normalisation takes no smaller epsilon.
_FUSED_BATCH_NORM_MIN_EPSILON = 1.001e-5


def batch_normalize(layer: keras.layers.BatchNormalization, x, training=None):
    """``layer(x, training=training)``; in training on TensorFlow, as one fused kernel.

    Keras' portable batch normalisation is a chain of reductions and elementwise ops (on a
    TensorFlow CPU it costs more than the depthwise convolution FReLU puts in front of it);
    TensorFlow's fused kernel gives the same normalisation and moving statistics in one pass.
    """
    fusable = (
        keras.backend.backend() == "tensorflow" and bool(training) and layer.trainable
        and not isinstance(x, keras.KerasTensor) and len(x.shape) == 4
        and layer.axis in (-1, 3) and layer.center and layer.scale and not layer.renorm
        and layer.epsilon >= _FUSED_BATCH_NORM_MIN_EPSILON
        and keras.backend.standardize_dtype(x.dtype) == "float32"
    )  # fmt: skip
    if not fusable:
        return layer(x, training=training)
    from actlab.activations.fused import tensorflow

    return tensorflow.batch_normalize_training(layer, x)
