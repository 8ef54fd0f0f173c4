"""Exponential-linear units: ELU and its descendants.

The negative branches are written with ``expm1`` (ELU, SELU, CELU, ELiSH) so that they keep
relative precision next to 0, and each branch of a ``where`` only sees the inputs it owns
(`numerics.where_safe`), so gradients stay finite and are exact at the seam x = 0 on every
backend (``minimum(x, 0)`` would send half the gradient at x = 0 to the wrong side on JAX and
PyTorch).
"""

from __future__ import annotations

from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations import numerics
from actlab.activations.numerics import where_safe
from actlab.activations.registry import registrar

register = registrar("exponential", builtin=True)

# The fixed-point constants alpha_01, lambda_01 of Klambauer et al. (2017), to the 32 digits
# TensorFlow and PyTorch use.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_ELISH = Reference(
    "The Quest for the Golden Activation Function", year=2018, authors="Basirat, Roth",
    arxiv="1808.00783",
)  # fmt: skip


def _positive(x):
    return where_safe(x > 0, x, 0.0)


def _non_positive(x):
    return where_safe(x <= 0, x, 0.0)


@register(
    name="elu",
    formula=r"\begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}",
    reference=Reference(
        "Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)",
        year=2015,
        authors="Clevert, Unterthiner, Hochreiter",
        arxiv="1511.07289",
    ),
    params=(
        Param("alpha", 1.0, low=0, low_open=True, doc="value approached as x -> -inf is -alpha"),
    ),
    properties=("bounded_below", "monotonic", "zero_centred"),
    note="Same definition and default as Keras 3's and PyTorch's elu. Continuously "
    "differentiable only for alpha = 1.",
)
def elu(x, alpha=1.0):
    """Exponential linear unit: `x` for `x > 0`, `alpha (exp(x) - 1)` otherwise.

    Clevert, Unterthiner & Hochreiter (2015). Keras 3 and PyTorch define it the same way.
    """
    return ops.where(x > 0, x, alpha * ops.expm1(_non_positive(x)))


@register(
    name="selu",
    formula=r"\lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases},"
    r"\ \lambda \approx 1.0507,\ \alpha \approx 1.6733",
    reference=Reference(
        "Self-Normalizing Neural Networks",
        year=2017,
        authors="Klambauer, Unterthiner, Mayr, Hochreiter",
        arxiv="1706.02515",
    ),
    properties=("bounded_below", "monotonic", "zero_centred"),
    note="Same as Keras 3's and PyTorch's selu; the constants are the paper's, to full double "
    "precision. Meant for LeCun-normal initialisation and AlphaDropout.",
)
def selu(x):
    """Scaled ELU: `scale * elu(x, alpha)` with the fixed point constants of the paper.

    Klambauer et al. (2017): alpha = 1.6732632423543772, scale = 1.0507009873554805 make zero
    mean and unit variance a stable fixed point of the layer-to-layer map.
    """
    negative = SELU_ALPHA * ops.expm1(_non_positive(x))
    return SELU_SCALE * ops.where(x > 0, x, negative)


@register(
    name="celu",
    formula=r"\max(0, x) + \min\!\left(0,\ \alpha\,(e^{x/\alpha} - 1)\right)",
    reference=Reference(
        "Continuously Differentiable Exponential Linear Units",
        year=2017,
        authors="Barron",
        arxiv="1704.07483",
    ),
    params=(
        Param(
            "alpha",
            1.0,
            low=0,
            low_open=True,
            doc="scale of the negative saturation (-alpha as x -> -inf)",
        ),
    ),
    properties=("bounded_below", "monotonic", "smooth", "zero_centred"),
    note="Same as Keras 3's and PyTorch's celu. Unlike ELU it is C1 for every alpha.",
)
def celu(x, alpha=1.0):
    """Continuously differentiable ELU: `x` for `x > 0`, `alpha (exp(x / alpha) - 1)` below.

    Barron (2017) rescales the exponent so the slope at 0 is 1 on both sides for every alpha.
    """
    return ops.where(x > 0, x, alpha * ops.expm1(_non_positive(x) / alpha))


@register(
    name="isrlu",
    formula=r"\begin{cases} x & x \ge 0 \\ \dfrac{x}{\sqrt{1 + \alpha x^2}} & x < 0 \end{cases}",
    reference=Reference(
        "Improving Deep Learning by Inverse Square Root Linear Units (ISRLUs)",
        year=2017,
        authors="Carlile, Delamarter, Kinney, Marti, Whitney",
        arxiv="1710.09967",
    ),
    params=(
        Param("alpha", 1.0, low=0, low_open=True, doc="negative saturation is -1/sqrt(alpha)"),
    ),
    properties=("bounded_below", "monotonic", "smooth", "zero_centred"),
)
def isrlu(x, alpha=1.0):
    """Inverse square root linear unit: `x` for `x >= 0`, `x / sqrt(1 + alpha x^2)` below.

    Carlile et al. (2017): an ELU-like curve without an exponential. The left side is ISRU's
    (`numerics.inverse_square_root`), computed without squaring overflow, so the saturation
    -1/sqrt(alpha) is exact for any x.
    """
    return ops.where(x >= 0, x, numerics.inverse_square_root(_non_positive(x), alpha))


@register(
    name="elish",
    formula=r"\begin{cases} x\,\sigma(x) & x \ge 0 \\ (e^{x} - 1)\,\sigma(x) & x < 0 \end{cases}",
    reference=_ELISH,
    properties=("bounded_below", "smooth", "zero_centred"),
)
def elish(x):
    """ELiSH: `x sigmoid(x)` for `x >= 0`, `(exp(x) - 1) sigmoid(x)` below.

    Exponential linear sigmoid squashing (Basirat & Roth, 2018): SiLU on the right, ELU times
    sigmoid on the left.
    """
    negative = where_safe(x < 0, x, 0.0)
    return ops.where(x >= 0, x, ops.expm1(negative)) * ops.sigmoid(x)


@register(
    name="hard_elish",
    formula=r"\begin{cases} x\,h(x) & x \ge 0 \\ (e^{x} - 1)\,h(x) & x < 0 \end{cases},"
    r"\ h(x) = \max\!\left(0, \min\!\left(1, \tfrac{x + 1}{2}\right)\right)",
    reference=_ELISH,
    properties=("bounded_below", "zero_centred"),
    note="The hard sigmoid here is clip((x + 1) / 2, 0, 1), as in the paper; Keras' "
    "hard_sigmoid has slope 1/6 instead.",
)
def hard_elish(x):
    """Hard ELiSH: ELiSH with the sigmoid replaced by `clip((x + 1) / 2, 0, 1)`.

    Basirat & Roth (2018). Zero below -1, kinks at -1 and 1.
    """
    gate = numerics.clip((x + 1.0) / 2.0, 0.0, 1.0)
    negative = where_safe(x < 0, x, 0.0)
    return ops.where(x >= 0, x, ops.expm1(negative)) * gate
