"""Further bounded, sigmoid-shaped activations."""

from __future__ import annotations

import math

from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations import numerics
from actlab.activations.numerics import EXP_CAP, normal_cdf, where_safe
from actlab.activations.registry import registrar

register = registrar("bounded", builtin=True)

# Functions in use for decades without one originating paper; the survey links their sources.
_SURVEY_2024 = Reference(
    "Three Decades of Activations: A Comprehensive Survey of 400 Activation Functions for "
    "Neural Networks", year=2024, authors="Kunc, Kléma", arxiv="2402.09092",
)  # fmt: skip
_GOMES_2011 = Reference(
    "Comparison of new activation functions in neural network for forecasting financial time "
    "series", year=2011, authors="Gomes, Ludermir, Lima", doi="10.1007/s00521-010-0407-3",
)  # fmt: skip
_SIGMOID_LIKE = ("bounded", "bounded_below", "bounded_above", "monotonic", "smooth")
_ODD_SIGMOID_LIKE = (*_SIGMOID_LIKE, "zero_centred")


@register(
    name="arctan",
    aliases=("atan",),
    formula=r"\arctan x",
    reference=_SURVEY_2024,
    properties=_ODD_SIGMOID_LIKE,
)
def arctan(x):
    """Arctangent: `f(x) = arctan(x)`, a sigmoid with range (-pi/2, pi/2) and 1/x^2 tails."""
    return numerics.arctan(x)


@register(
    name="isru",
    formula=r"\frac{x}{\sqrt{1 + \alpha x^2}}",
    reference=Reference(
        "Improving Deep Learning by Inverse Square Root Linear Units (ISRLUs)",
        year=2017,
        authors="Carlile, Delamarter, Kinney, Marti, Whitney",
        arxiv="1710.09967",
    ),
    params=(
        Param(
            "alpha", 1.0, low=0, low_open=True, doc="the range is (-1/sqrt(alpha), 1/sqrt(alpha))"
        ),
    ),
    properties=_ODD_SIGMOID_LIKE,
)
def isru(x, alpha=1.0):
    """Inverse square root unit: `f(x) = x / sqrt(1 + alpha x^2)` (Carlile et al., 2017)."""
    return numerics.inverse_square_root(x, alpha)


@register(
    name="gaussian",
    formula=r"e^{-x^2}",
    reference=_SURVEY_2024,
    properties=("bounded", "bounded_below", "bounded_above", "smooth"),
)
def gaussian(x):
    """Gaussian: `f(x) = exp(-x^2)`, the radial-basis bump, 1 at 0 and 0 in both tails."""
    return ops.exp(-ops.square(x))


@register(
    name="lecun_tanh",
    aliases=("scaled_tanh",),
    formula=r"1.7159 \tanh\left(\tfrac{2}{3} x\right)",
    reference=Reference(
        "Efficient BackProp",
        year=1998,
        authors="LeCun, Bottou, Orr, Müller",
        doi="10.1007/3-540-49430-8_2",
    ),
    properties=_ODD_SIGMOID_LIKE,
)
def lecun_tanh(x):
    """LeCun's scaled tanh: `f(x) = 1.7159 tanh(2x / 3)`, f(+-1) = +-1 (LeCun et al., 1998)."""
    return 1.7159 * ops.tanh(x * (2.0 / 3.0))


@register(
    name="penalized_tanh",
    formula=r"\begin{cases} \tanh x & x > 0 \\ 0.25 \tanh x & x \le 0 \end{cases}",
    reference=Reference(
        "Revise Saturated Activation Functions",
        year=2016,
        authors="Xu, Huang, Li",
        arxiv="1602.05980",
    ),
    properties=("bounded", "bounded_below", "bounded_above", "monotonic", "zero_centred"),
)
def penalized_tanh(x):
    """Penalized tanh: `tanh(x)` for `x > 0`, `0.25 tanh(x)` otherwise (Xu, Huang & Li, 2016)."""
    t = ops.tanh(x)
    return ops.where(x > 0, t, 0.25 * t)


@register(
    name="hard_sigmoid_v3",
    aliases=("hard_sigmoid_relu6", "hardsigmoid"),
    formula=r"\frac{\min(\max(0, x + 3), 6)}{6}",
    reference=Reference(
        "Searching for MobileNetV3",
        year=2019,
        authors="Howard, Sandler, Chu, Chen, Chen, Tan, Wang, Zhu, Pang, Vasudevan, Le, Adam",
        arxiv="1905.02244",
    ),
    properties=("bounded", "bounded_below", "bounded_above", "monotonic", "piecewise_linear"),
    note="What the Keras 3 and PyTorch string/function 'hard_sigmoid' compute (PyTorch's "
    "spelling 'hardsigmoid' is an alias); actlab's own "
    "'hard_sigmoid' is the older slope-0.2 form (see its note).",
)
def hard_sigmoid_v3(x):
    """MobileNetV3's hard sigmoid: `f(x) = relu6(x + 3) / 6`, linear on [-3, 3] (Howard et al.).

    The same as Keras 3's and PyTorch's `hard_sigmoid`.
    """
    return numerics.clip(x + 3.0, 0.0, 6.0) / 6.0


@register(
    name="sparse_sigmoid",
    formula=r"\begin{cases} 0 & x \le -1 \\ \tfrac{x + 1}{2} & -1 < x < 1 \\ 1 & x \ge 1 "
    r"\end{cases}",
    reference=Reference(
        "Learning with Fenchel-Young Losses",
        year=2019,
        authors="Blondel, Martins, Niculae",
        arxiv="1901.02324",
    ),
    properties=("bounded", "bounded_below", "bounded_above", "monotonic", "piecewise_linear"),
    note="Identical to Keras 3's sparse_sigmoid (the two-class sparsemax).",
)
def sparse_sigmoid(x):
    """Sparse sigmoid: `f(x) = clip((x + 1) / 2, 0, 1)`, the sparsemax of `(x, -x) / 2`."""
    return 0.5 * numerics.clip(x + 1.0, 0.0, 2.0)


@register(
    name="bipolar_sigmoid",
    formula=r"\frac{1 - e^{-x}}{1 + e^{-x}} = 2\sigma(x) - 1",
    reference=_SURVEY_2024,
    properties=_ODD_SIGMOID_LIKE,
)
def bipolar_sigmoid(x):
    """Bipolar sigmoid: `f(x) = 2 sigmoid(x) - 1`, computed as `tanh(x / 2)` (exact near 0)."""
    return ops.tanh(0.5 * x)


@register(
    name="erf",
    formula=r"\operatorname{erf}(x)",
    reference=_SURVEY_2024,
    properties=_ODD_SIGMOID_LIKE,
)
def erf(x):
    """Error function: `f(x) = erf(x) = 2/sqrt(pi) int_0^x exp(-t^2) dt`, range (-1, 1)."""
    return ops.erf(x)


@register(
    name="probit",
    aliases=("normal_cdf",),
    formula=r"\Phi(x) = \tfrac{1}{2} \operatorname{erfc}\left(-\tfrac{x}{\sqrt 2}\right)",
    reference=_GOMES_2011,
    properties=_SIGMOID_LIKE,
)
def probit(x):
    """Probit: `f(x) = Phi(x)`, the standard normal CDF (Gomes, Ludermir & Lima, 2011).

    Computed from erfc, so the left tail keeps its relative precision (Phi(-5) = 2.9e-7).
    """
    return normal_cdf(x)


@register(
    name="sqnl",
    formula=r"\begin{cases} 1 & x > 2 \\ x - x^2/4 & 0 \le x \le 2 \\ x + x^2/4 & -2 \le x < 0 "
    r"\\ -1 & x < -2 \end{cases}",
    reference=Reference(
        "SQNL: A New Computationally Efficient Activation Function",
        year=2018,
        authors="Wuraola, Patel",
        doi="10.1109/IJCNN.2018.8489043",
    ),
    properties=_ODD_SIGMOID_LIKE,
)
def sqnl(x):
    """Square nonlinearity: `x - x|x|/4` on [-2, 2], +-1 outside (Wuraola & Patel, 2018)."""
    c = ops.clip(x, -2.0, 2.0)
    return c - c * ops.abs(c) * 0.25


@register(
    name="cloglog",
    aliases=("complementary_log_log",),
    formula=r"1 - e^{-e^{x}}",
    reference=_GOMES_2011,
    properties=_SIGMOID_LIKE,
)
def cloglog(x):
    """Complementary log-log: `f(x) = 1 - exp(-exp(x))` (Gomes, Ludermir & Lima, 2011)."""
    # exp is capped so that its gradient stays finite; 1 - exp(-e^20) is 1 in float32.
    return -ops.expm1(-ops.exp(ops.minimum(x, EXP_CAP)))


@register(
    name="loglog",
    formula=r"e^{-e^{-x}}",
    reference=_GOMES_2011,
    properties=_SIGMOID_LIKE,
)
def loglog(x):
    """Log-log: `f(x) = exp(-exp(-x))`, the Gumbel CDF (Gomes, Ludermir & Lima, 2011)."""
    return ops.exp(-ops.exp(-ops.maximum(x, -EXP_CAP)))


@register(
    name="soft_clipping",
    formula=r"\frac{1}{\alpha} \ln \frac{1 + e^{\alpha x}}{1 + e^{\alpha (x - 1)}}",
    reference=Reference(
        "Neural Network-Based Approach to Phase Space Integration",
        year=2018,
        authors="Klimek, Perelstein",
        arxiv="1810.11509",
    ),
    params=(
        Param(
            "alpha",
            0.5,
            low=0,
            high=50,
            low_open=True,
            doc="sharpness: larger alpha is closer to clip(x, 0, 1)",
        ),
    ),
    properties=_SIGMOID_LIKE,
)
def soft_clipping(x, alpha=0.5):
    """Soft clipping: `(1/alpha) ln((1 + e^(alpha x)) / (1 + e^(alpha (x - 1))))` (Klimek et al.).

    Close to `x` on [0, 1] and saturating smoothly at 0 and 1. Computed on `x <= 1/2` as a
    `log1p` of a small ratio, and above through the symmetry `f(x) = 1 - f(1 - x)`.
    """
    low = x <= 0.5
    z = ops.where(low, x, 1.0 - x)
    ratio = ops.exp(alpha * z) * -math.expm1(-alpha) / (1.0 + ops.exp(alpha * (z - 1.0)))
    tail = numerics.log1p(ratio) / alpha
    return ops.where(low, tail, 1.0 - tail)


@register(
    name="elliott",
    aliases=("elliott_sigmoid",),
    formula=r"\frac{x}{2(1 + |x|)} + \frac{1}{2}",
    reference=Reference(
        "A Better Activation Function for Artificial Neural Networks (ISR technical report "
        "TR 93-8, University of Maryland)",
        year=1993,
        authors="Elliott",
        url="https://citeseerx.ist.psu.edu/viewdoc/summary?doi=10.1.1.46.7204",
    ),
    properties=_SIGMOID_LIKE,
)
def elliott(x):
    """Elliott sigmoid: `f(x) = x / (2(1 + |x|)) + 1/2`, an exp-free sigmoid (Elliott, 1993).

    Written as `1 / (2(1 - x))` below zero, which keeps the left tail's relative precision.
    """
    negative = x < 0
    left = 0.5 / (1.0 - where_safe(negative, x, 0.0))
    right = 1.0 - 0.5 / (1.0 + where_safe(ops.logical_not(negative), x, 0.0))
    return ops.where(negative, left, right)


@register(
    name="smooth_step",
    aliases=("smoothstep",),
    formula=r"\begin{cases} 0 & x \le -\gamma/2 \\ -\frac{2}{\gamma^3} x^3 + \frac{3}{2\gamma} x "
    r"+ \frac{1}{2} & |x| < \gamma/2 \\ 1 & x \ge \gamma/2 \end{cases}",
    reference=Reference(
        "The Tree Ensemble Layer: Differentiability meets Conditional Computation",
        year=2020,
        authors="Hazimeh, Ponomareva, Mol, Tan, Mazumder",
        arxiv="2002.07772",
    ),
    params=(Param("gamma", 1.0, low=0, low_open=True, doc="width of the cubic transition"),),
    properties=_SIGMOID_LIKE,
)
def smooth_step(x, gamma=1.0):
    """Smooth-step: a cubic from 0 at `-gamma/2` to 1 at `gamma/2`, flat outside (Hazimeh et al.).

    Exactly 0 or 1 outside the transition, continuously differentiable. Computed as
    `u^2 (3 - 2u)` with `u = (x + gamma/2) / gamma`, exact near the lower end.
    """
    u = ops.clip((x + 0.5 * gamma) / gamma, 0.0, 1.0)
    return ops.square(u) * (3.0 - 2.0 * u)
