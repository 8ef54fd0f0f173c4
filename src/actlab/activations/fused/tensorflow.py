"""TensorFlow: an XLA-compiled forward and an XLA-compiled backward, tied by custom_gradient.

TensorFlow runs a graph op by op on the CPU (each op one pass over the tensor, each output
kept for the gradient). XLA fuses the forward into one loop; the backward recomputes the
forward from the input inside its own fused loop, so only the input is kept between them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import tensorflow as tf


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
NATIVE: dict[str, Callable] = {"tanh": tf.tanh, "softsign": tf.nn.softsign, "relu6": tf.nn.relu6}


def compile_kernel(f: Callable) -> Callable:
    """``f`` as one XLA kernel forward and one backward, keeping only its input."""

    @tf.function(jit_compile=True, autograph=False)
    def actlab_fused_forward(x):
        return f(x)

    @tf.function(jit_compile=True, autograph=False)
    def actlab_fused_backward(x, upstream):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        return tape.gradient(y, x, output_gradients=upstream)

    @tf.custom_gradient
    def kernel(x):
        return actlab_fused_forward(x), lambda upstream: actlab_fused_backward(x, upstream)

    return kernel


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
