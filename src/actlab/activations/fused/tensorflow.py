"""TensorFlow: an XLA-compiled forward and an XLA-compiled backward, tied by custom_gradient.

TensorFlow runs a graph op by op on the CPU (each op one pass over the tensor, each output
kept for the gradient). XLA fuses the forward into one loop; the backward recomputes the
forward from the input inside its own fused loop, so only the input is kept between them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import tensorflow as tf

from actlab.activations.fused import trig, xla


class _OwnRetracingFilter(logging.Filter):
    """Drops TensorFlow's "excessive retracing" warning about these kernels.

    There is one kernel per activation and parameter set, each traced once per input
    signature: many traces by design, which the warning takes for a tf.function made in a loop.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("triggered tf.function retracing" in message and "actlab_fused_" in message)


tf.get_logger().addFilter(_OwnRetracingFilter())


#: Catalog entries that TensorFlow computes with a kernel of its own (see `fused.native`).
NATIVE: dict[str, Callable] = {
    "tanh": tf.tanh, "softsign": tf.nn.softsign, "relu6": tf.nn.relu6,
    "softmax": tf.nn.softmax, "log_softmax": tf.nn.log_softmax,  # over the last axis
}  # fmt: skip


def compile_kernel(f: Callable) -> Callable:
    """``f`` as one XLA kernel forward and one backward, keeping only its input.

    They are traced with the catalog's XLA spellings (`fused.xla.tracing_kernel`). Where `f`
    gives a polynomial an argument it is exact for only up to `trig.REDUCTION_LIMIT` (sin's,
    cos's), one more XLA kernel computes the largest such argument (one read of the input),
    and an input that gives a larger one (or NaN, or an infinity) goes to the same kernels
    traced without the spellings.
    """
    spelled, spelled_forward, traces = _kernels(f, spelled=True)
    library: list[Callable] = []  # made at the first input that needs it

    @tf.function(jit_compile=True, autograph=False)
    def actlab_fused_reach(x):
        with xla.tracing_kernel() as trace:
            f(x)
        return tf.reduce_max(tf.stack([
            tf.reduce_max(tf.abs(tf.cast(argument, tf.float32)))
            for argument in trace.limited_arguments
        ]))  # fmt: skip

    def kernel(x):
        spelled_forward.get_concrete_function(x)  # traced for x's signature, if new
        if not any(trace.limited_arguments for trace in traces):
            return spelled(x)
        if not library:
            library.append(_kernels(f, spelled=False)[0])
        within = actlab_fused_reach(x) <= trig.REDUCTION_LIMIT
        return tf.cond(within, lambda: spelled(x), lambda: library[0](x))

    return kernel


def _kernels(f: Callable, *, spelled: bool) -> tuple[Callable, Any, list[xla.KernelTrace]]:
    """The custom-gradient kernel of `f`, its XLA forward, and the traces of its XLA
    functions (with `spelled`)."""
    traces: list[xla.KernelTrace] = []

    def traced(x):
        if not spelled:
            return f(x)
        with xla.tracing_kernel() as trace:
            traces.append(trace)
            return f(x)

    @tf.function(jit_compile=True, autograph=False)
    def actlab_fused_forward(x):
        return traced(x)

    @tf.function(jit_compile=True, autograph=False)
    def actlab_fused_backward(x, upstream):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = traced(x)
        return tape.gradient(y, x, output_gradients=upstream)

    @tf.custom_gradient
    def kernel(x):
        return actlab_fused_forward(x), lambda upstream: actlab_fused_backward(x, upstream)

    return kernel, actlab_fused_forward, traces


def batch_normalize_training(layer, x):
    """Keras' BatchNormalization in training, on channels-last 4-D `x`, as TF's fused kernel.

    The moving statistics are updated as Keras does, with the biased batch variance (the
    kernel returns the unbiased one).
    """
    y, mean, unbiased_variance = tf.compat.v1.nn.fused_batch_norm(
        x, layer.gamma.value, layer.beta.value, epsilon=layer.epsilon, is_training=True
    )
    count = tf.cast(tf.reduce_prod(tf.shape(x)[:-1]), x.dtype)
    variance = unbiased_variance * tf.maximum(count - 1.0, 0.0) / count
    momentum = layer.momentum
    layer.moving_mean.assign(layer.moving_mean * momentum + mean * (1.0 - momentum))
    layer.moving_variance.assign(layer.moving_variance * momentum + variance * (1.0 - momentum))
    return y
