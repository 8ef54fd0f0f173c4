"""Normalising activations over the last axis: softmax and its logarithm."""

from __future__ import annotations

from keras import ops

from actlab.activation_spec import Reference
from actlab.activations.registry import registrar

register = registrar("normalising", builtin=True)

_BRIDLE_1990 = Reference(
    "Probabilistic Interpretation of Feedforward Classification Network Outputs, with "
    "Relationships to Statistical Pattern Recognition", year=1990, authors="Bridle",
    doi="10.1007/978-3-642-76153-9_28",
)  # fmt: skip


@register(
    name="softmax",
    formula=r"\frac{e^{x_i}}{\sum_j e^{x_j}}",
    reference=_BRIDLE_1990,
    properties=("bounded", "bounded_below", "bounded_above", "smooth", "per_sample"),
    note="Over the last axis. The same as Keras' 'softmax' string (axis=-1).",
)
def softmax(x):
    """Softmax over the last axis: `exp(x_i) / sum_j exp(x_j)` (Bridle 1990).

    Computed after subtracting the maximum, so it never overflows.
    """
    return ops.softmax(x, axis=-1)


@register(
    name="log_softmax",
    formula=r"x_i - \log \sum_j e^{x_j}",
    reference=_BRIDLE_1990,
    properties=("bounded_above", "smooth", "per_sample"),
    note="Over the last axis. The same as Keras' 'log_softmax' string (axis=-1).",
)
def log_softmax(x):
    """Log-softmax over the last axis: `x_i - log sum_j exp(x_j)`, exact where softmax is 0."""
    return ops.log_softmax(x, axis=-1)
