"""Smooth rectifiers: softplus and its algebraic and log-domain relatives.

Algebraic rectifiers (squareplus, SMU-1) are ``(a x + sqrt(x^2 + c^2)) / 2`` in disguise: on the
side where the two terms cancel they are rewritten as a quotient, and the square root is taken
without squaring x (`hypot`), so they stay exact for every finite input.
"""

from __future__ import annotations

import math

from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations import numerics
from actlab.activations.numerics import hypot, where_safe
from actlab.activations.registry import registrar

register = registrar("smooth", builtin=True)

_LN2 = math.log(2.0)

_DUGAS_2001 = Reference(
    "Incorporating Second-Order Functional Knowledge for Better Option Pricing", year=2001,
    authors="Dugas, Bengio, Bélisle, Nadeau, Garcia",
    url="https://papers.nips.cc/paper/1920-incorporating-second-order-functional-knowledge-"
    "for-better-option-pricing",
)  # fmt: skip


@register(
    name="softplus",
    aliases=("softrelu",),
    formula=r"\ln(1 + e^{x})",
    reference=_DUGAS_2001,
    properties=("bounded_below", "monotonic", "smooth"),
    note="Same as Keras 3's and PyTorch's softplus (PyTorch switches to the identity above "
    "x = 20; this one is exact everywhere).",
)
def softplus(x):
    """Softplus: `f(x) = log(1 + exp(x))`, the smooth ReLU of Dugas et al. (2001).

    `numerics.softplus`: exact in both tails, and its gradient at 0 is 1/2 on every backend
    (Keras' ``logaddexp(x, 0)`` on TensorFlow gives 1 there).
    """
    return numerics.softplus(x)


@register(
    name="softplus_beta",
    formula=r"\frac{1}{\beta} \ln(1 + e^{\beta x})",
    reference=_DUGAS_2001,
    params=(Param("beta", 1.0, low=0, low_open=True, doc="sharpness; -> ReLU as beta -> inf"),),
    properties=("bounded_below", "monotonic", "smooth"),
    note="PyTorch's Softplus(beta) without its threshold: PyTorch returns x once beta x > 20, "
    "this one is the exact formula for every input. Keras' softplus has no beta.",
)
def softplus_beta(x, beta=1.0):
    """Softplus with sharpness: `f(x) = log(1 + exp(beta x)) / beta` (PyTorch's Softplus).

    The softplus of Dugas et al. (2001) rescaled; beta = 1 is plain softplus.
    """
    return numerics.softplus(beta * x) / beta


@register(
    name="log_sigmoid",
    aliases=("logsigmoid",),
    formula=r"\ln \sigma(x) = -\ln(1 + e^{-x})",
    reference=_DUGAS_2001,
    properties=("bounded_above", "monotonic", "smooth"),
    note="Same as Keras 3's log_sigmoid and PyTorch's LogSigmoid. It is -softplus(-x); the "
    "reference is the softplus paper, no paper introduced it as an activation.",
)
def log_sigmoid(x):
    """Log-sigmoid: `f(x) = log(sigmoid(x)) = -softplus(-x)`, exact in both tails."""
    return -numerics.softplus(-x)


@register(
    name="shifted_softplus",
    aliases=("ssp",),
    formula=r"\ln(1 + e^{x}) - \ln 2 = \ln\!\left(\tfrac{1}{2} e^{x} + \tfrac{1}{2}\right)",
    reference=Reference(
        "SchNet: A continuous-filter convolutional neural network for modeling quantum "
        "interactions",
        year=2017,
        authors="Schütt, Kindermans, Sauceda, Chmiela, Tkatchenko, Müller",
        arxiv="1706.08566",
    ),
    properties=("bounded_below", "monotonic", "smooth", "zero_centred"),
)
def shifted_softplus(x):
    """Shifted softplus of SchNet: `f(x) = log(1 + exp(x)) - log(2)`, so that f(0) = 0.

    Schütt et al. (2017). ``softplus(x) - ln 2`` would cancel near 0, so it is written as
    ``max(x, 0) + log1p(expm1(-|x|) / 2)``, both sides with `where` (as `numerics.softplus`)
    so that the slope at 0 is 1/2.
    """
    positive = x > 0
    tail = numerics.log1p(ops.expm1(ops.where(positive, -x, x)) / 2.0)
    return ops.where(positive, x, 0.0) + tail


@register(
    name="squareplus",
    formula=r"\frac{x + \sqrt{x^2 + b}}{2}",
    reference=Reference(
        "Squareplus: A Softplus-Like Algebraic Rectifier",
        year=2021,
        authors="Barron",
        arxiv="2112.11687",
    ),
    params=(Param("b", 4.0, low=0, low_open=True, doc="curvature at 0; b -> 0 gives ReLU"),),
    properties=("bounded_below", "monotonic", "smooth"),
    note="Same definition and default (b = 4) as Keras 3's squareplus, whose direct formula "
    "loses all digits for large negative x; this one uses b / (2 (sqrt(x^2 + b) - x)) there. "
    "Keras' docstring credits Ramachandran et al.; the paper is Barron's.",
)
def squareplus(x, b=4.0):
    """Squareplus: `f(x) = (x + sqrt(x^2 + b)) / 2`, an algebraic softplus (Barron, 2021).

    For x < 0 the equal form `b / (2 (sqrt(x^2 + b) - x))` avoids the cancellation.
    """
    root = hypot(x, math.sqrt(b))
    right = (where_safe(x >= 0, x, 0.0) + root) / 2.0
    left = b / (2.0 * (root - where_safe(x < 0, x, 0.0)))
    return ops.where(x >= 0, right, left)


@register(
    name="sparse_plus",
    formula=r"\begin{cases} 0 & x \le -1 \\ \tfrac{1}{4}(x + 1)^2 & -1 < x < 1 \\ x & x \ge 1 "
    r"\end{cases}",
    reference=Reference(
        "Learning with Fenchel-Young Losses",
        year=2019,
        authors="Blondel, Martins, Niculae",
        arxiv="1901.02324",
    ),
    properties=("bounded_below", "monotonic", "smooth"),
    note="Keras 3's sparse_plus (the integral of sparse_sigmoid); equal to smelu with beta=1.",
)
def sparse_plus(x):
    """SparsePlus: 0 below -1, `(x + 1)^2 / 4` on (-1, 1), `x` above 1 (Keras 3's definition).

    The Fenchel-Young-loss counterpart of softplus (Blondel et al., 2019): C1, exactly zero
    for x <= -1.
    """
    return ops.where(x >= 1.0, x, ops.square(ops.clip(x, -1.0, 1.0) + 1.0) / 4.0)


@register(
    name="smelu",
    aliases=("smooth_relu",),
    formula=r"\begin{cases} 0 & x \le -\beta \\ \frac{(x + \beta)^2}{4\beta} & |x| < \beta \\ "
    r"x & x \ge \beta \end{cases}",
    reference=Reference(
        "Smooth activations and reproducibility in deep networks",
        year=2020,
        authors="Shamir, Lin, Coviello",
        arxiv="2010.09931",
    ),
    params=(
        Param("beta", 1.0, low=0, low_open=True, doc="half-width of the quadratic transition"),
    ),
    properties=("bounded_below", "monotonic", "smooth"),
    note="With beta = 1 it equals Keras' sparse_plus.",
)
def smelu(x, beta=1.0):
    """Smooth ReLU (SmeLU): ReLU with its kink replaced by a parabola of half-width beta.

    Shamir, Lin & Coviello (2020): 0 below -beta, `(x + beta)^2 / (4 beta)` between, x above.
    """
    middle = ops.square(ops.clip(x, -beta, beta) + beta) / (4.0 * beta)
    return ops.where(x >= beta, x, middle)


#: The SMU paper's reference and slope parameter, shared by SMU-1 (here) and SMU (self_gated).
SMU_REFERENCE = Reference(
    "SMU: smooth activation function for deep networks using smoothing maximum technique",
    year=2021,
    authors="Biswas, Kumar, Banerjee, Pandey",
    arxiv="2111.04682",
)
SMU_ALPHA = Param(
    "alpha", 0.25, low=0, high=1, high_open=True, doc="slope as x -> -inf (leaky ReLU slope)"
)


# smu_1's left side is evaluated with s = -x and mu scaled by a power of two (so exactly):
# mu to [1, 2) (numerics.unit_scale) while s is below 2^60 of that, s as it is below 2^60,
# and by 2^-66 beyond, which keeps float32's largest s below 2^62: no square overflows or
# loses mu where mu matters, and one division.
_SMU_FAR_SCALE = 2.0**-66


def _smu_1_left(s, alpha, mu):
    """``(mu^2 - 4 alpha s^2) / (2 (r + (1 + alpha) s))`` at ``s = -x > 0``, with
    ``r = sqrt((1 - alpha)^2 s^2 + mu^2)``: homogeneous of degree 1 in (s, mu)."""
    mu_to_one = numerics.unit_scale(mu)
    near = s * mu_to_one < numerics.SQUARE_SAFE_BELOW
    middle = s < numerics.SQUARE_SAFE_BELOW
    scale = ops.where(near, mu_to_one, ops.where(middle, 1.0, _SMU_FAR_SCALE))
    unscale = ops.where(near, 1.0 / mu_to_one, ops.where(middle, 1.0, 1.0 / _SMU_FAR_SCALE))
    t, c = s * scale, mu * scale
    numerator = ops.square(c) - 4.0 * alpha * ops.square(t)
    denominator = ops.sqrt(ops.square((1.0 - alpha) * t) + ops.square(c)) + (1.0 + alpha) * t
    return numerator / (2.0 * denominator) * unscale


@register(
    name="smu_1",
    aliases=("smu1",),
    formula=r"\frac{(1 + \alpha)\,x + \sqrt{(1 - \alpha)^2 x^2 + \mu^2}}{2}",
    reference=SMU_REFERENCE,
    params=(
        SMU_ALPHA,
        Param("mu", 1.0, low=0, low_open=True, doc="smoothing; mu -> 0 gives leaky ReLU"),
    ),
    properties=("monotonic", "smooth"),
    note="In the paper mu is trainable (common PyTorch ports start it at 4.35e-9, nearly a "
    "leaky ReLU); here it is a fixed parameter. f(0) = mu / 2.",
)
def smu_1(x, alpha=0.25, mu=1.0):
    """SMU-1: `((1 + alpha) x + sqrt((1 - alpha)^2 x^2 + mu^2)) / 2`, a smooth leaky ReLU.

    Biswas et al. (2021) smooth max(x, alpha x) with `|z| ~ sqrt(z^2 + mu^2)`. For x < 0 the
    terms cancel; there it is `(mu^2 - 4 alpha x^2) / (2 (r - (1 + alpha) x))`, computed
    so that nothing overflows (`_smu_1_left`).
    """
    positive = where_safe(x >= 0, x, 0.0)
    # Halved term by term: (1 + alpha) x alone overflows near float32's largest x.
    right = (0.5 + 0.5 * alpha) * positive + 0.5 * hypot((1.0 - alpha) * positive, mu)
    left = _smu_1_left(-where_safe(x < 0, x, 0.0), alpha, mu)
    return ops.where(x >= 0, right, left)
