"""Rectifiers: ReLU and the piecewise-linear variants built around it (seed 004's included)."""

from __future__ import annotations

from keras import ops

from actlab.activations.registry import register
from actlab.activations.spec import Reference

_SEED_004 = Reference(
    "ReLU variants on CIFAR-10: softplus_linear, reflection_linear, zero_fit_linear",
    authors="actlab seed article 004 (Japanese blog post, ../shared/seeds/004)",
)

_SOFTPLUS_AT_ZERO_TWICE = 2.0 * 0.6931471805599453  # 2 softplus(0) = 2 ln 2


@register(
    name="relu",
    formula=r"\max(0, x)",
    reference=Reference(
        "Rectified Linear Units Improve Restricted Boltzmann Machines", year=2010,
        authors="Nair, Hinton", url="https://icml.cc/Conferences/2010/papers/432.pdf"),
    family="rectified",
    properties=("bounded_below", "monotonic", "piecewise_linear"),
    builtin=True,
)
def relu(x):
    """Rectified linear unit: `f(x) = max(0, x)`."""
    return ops.relu(x)


@register(
    name="softplus_linear",
    formula=r"\begin{cases} 2\,\mathrm{softplus}(x) & x \le 0 \\ x + 2\ln 2 & x > 0 \end{cases}",
    reference=_SEED_004,
    family="rectified",
    properties=("bounded_below", "monotonic", "smooth"),
    builtin=True,
)
def softplus_linear(x):
    """Seed 004's softplus + linear: `2 softplus(x)` for `x <= 0`, `x + 2 softplus(0)` above.

    Twice the softplus so that the slope at 0 is 1 on both sides; the value is continuous at 0
    (both pieces equal `2 ln 2`).
    """
    negative_part = 2.0 * ops.softplus(ops.minimum(x, 0.0))
    return ops.where(x <= 0, negative_part, x + _SOFTPLUS_AT_ZERO_TWICE)


@register(
    name="reflection_linear",
    aliases=("abs", "absolute"),
    formula=r"|x|",
    reference=_SEED_004,
    family="rectified",
    properties=("bounded_below", "piecewise_linear"),
    builtin=True,
)
def reflection_linear(x):
    """Seed 004's reflection linear: `f(x) = -x` for `x <= 0`, `x` above, i.e. `|x|`."""
    return ops.abs(x)


@register(
    name="zero_fit_linear",
    formula=r"x - \min_{\text{spatial axes (or units)}} x",
    reference=_SEED_004,
    family="rectified",
    properties=("bounded_below", "piecewise_linear", "per_sample"),
    note="Per sample: a feature map (N, H, W, C) subtracts its minimum over H and W, channel "
    "by channel; a dense output (N, units) subtracts its minimum over the units.",
    builtin=True,
)
def zero_fit_linear(x):
    """Seed 004's zero-fit linear: `x` minus its minimum, per sample.

    Over the spatial axes of a channels-last feature map (per channel), or over the units of a
    dense output. The result is non-negative and its minimum is 0.
    """
    rank = len(x.shape)
    axes = (-1,) if rank <= 2 else tuple(range(1, rank - 1))
    return x - ops.min(x, axis=axes, keepdims=True)
