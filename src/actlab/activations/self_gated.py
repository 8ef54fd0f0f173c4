"""Self-gated activations x * gate(x): SiLU, GELU, Mish, TanhExp and relatives.

Gates are written so that they keep relative precision where they vanish (x -> -inf): a
sigmoid instead of ``1 + tanh``, ``erfc`` instead of ``1 + erf``, ``log1p``/``expm1`` around
double exponentials, whose inner exponent is clipped at `numerics.EXP_CAP` so that gradients
stay finite.
"""

from __future__ import annotations

import math

from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations import numerics
from actlab.activations.numerics import EXP_CAP, hypot, where_safe
from actlab.activations.registry import registrar
from actlab.activations.smooth import SMU_ALPHA, SMU_REFERENCE

register = registrar("self_gated", builtin=True)

_SELF_GATED = ("bounded_below", "smooth", "self_gated", "zero_centred")

_ELFWING_2017 = Reference(
    "Sigmoid-Weighted Linear Units for Neural Network Function Approximation in Reinforcement "
    "Learning", year=2017, authors="Elfwing, Uchibe, Doya", arxiv="1702.03118",
)  # fmt: skip
_RAMACHANDRAN_2017 = Reference(
    "Searching for Activation Functions", year=2017, authors="Ramachandran, Zoph, Le",
    arxiv="1710.05941",
)  # fmt: skip
_HENDRYCKS_2016 = Reference(
    "Gaussian Error Linear Units (GELUs)", year=2016, authors="Hendrycks, Gimpel",
    arxiv="1606.08415",
)  # fmt: skip

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
# tanh(sqrt(2/pi) (x + 0.044715 x^3)) is +-1 in float32 long before |x| = 100; clipping there
# keeps x^3 finite for every input.
_GELU_TANH_CLIP = 100.0


def _gelu(x):
    return x * numerics.normal_cdf(x)


@register(
    name="silu",
    aliases=("swish",),
    formula=r"x\,\sigma(x)",
    reference=_ELFWING_2017,
    properties=_SELF_GATED,
    note="Same as Keras 3's silu/swish and PyTorch's SiLU.",
)
def silu(x):
    """Sigmoid-weighted linear unit: `f(x) = x sigmoid(x)`.

    Named SiLU by Hendrycks & Gimpel (2016, arXiv 1606.08415), used as an activation by
    Elfwing et al. (2017), rediscovered by search as Swish by Ramachandran et al. (2017,
    arXiv 1710.05941). Keras' docstring cites only the last.
    """
    return x * ops.sigmoid(x)


@register(
    name="gelu",
    formula=r"x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt 2}\right)",
    reference=_HENDRYCKS_2016,
    properties=_SELF_GATED,
    note="The exact GELU, as Keras 3's activation 'gelu' (approximate=False) and PyTorch's "
    "GELU(); keras.ops.gelu defaults to the tanh approximation, which is gelu_tanh here.",
)
def gelu(x):
    """Gaussian error linear unit: `f(x) = x Phi(x)`, Phi the standard normal CDF.

    Hendrycks & Gimpel (2016). Phi comes from `numerics.normal_cdf` (erfc-based), so the
    left tail keeps its relative precision where `1 + erf` would round to 0.
    """
    return _gelu(x)


@register(
    name="gelu_tanh",
    aliases=("gelu_approximate",),
    formula=r"\frac{x}{2}\left(1 + \tanh\!\left[\sqrt{2/\pi}\,(x + 0.044715\,x^3)\right]\right)",
    reference=_HENDRYCKS_2016,
    properties=_SELF_GATED,
    note="keras.ops.gelu's default and PyTorch's GELU(approximate='tanh'); as a Keras "
    "string use activation='gelu' with approximate=True, or this name.",
)
def gelu_tanh(x):
    """GELU, tanh approximation: `x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2`.

    From Hendrycks & Gimpel (2016). Evaluated as `x sigmoid(2 z)` (equal to
    `x (1 + tanh z) / 2`), which does not cancel for negative x.
    """
    c = ops.clip(x, -_GELU_TANH_CLIP, _GELU_TANH_CLIP)
    z = _SQRT_2_OVER_PI * (c + 0.044715 * c * c * c)
    return x * ops.sigmoid(2.0 * z)


@register(
    name="quick_gelu",
    formula=r"x\,\sigma(1.702\,x)",
    reference=_HENDRYCKS_2016,
    properties=_SELF_GATED,
    note="The sigmoid approximation of GELU given in the GELU paper; OpenAI's CLIP uses it.",
)
def quick_gelu(x):
    """GELU, sigmoid approximation: `f(x) = x sigmoid(1.702 x)` (Hendrycks & Gimpel, 2016)."""
    return x * ops.sigmoid(1.702 * x)


@register(
    name="mish",
    formula=r"x \tanh\!\left(\ln(1 + e^{x})\right)",
    reference=Reference(
        "Mish: A Self Regularized Non-Monotonic Activation Function",
        year=2019,
        authors="Misra",
        arxiv="1908.08681",
    ),
    properties=_SELF_GATED,
    note="Same as Keras 3's and PyTorch's mish.",
)
def mish(x):
    """Mish: `f(x) = x tanh(softplus(x))` (Misra, 2019).

    Evaluated with one exponential: with `n = e^x (e^x + 2)`, `tanh(ln(1 + e^x)) = n / (n + 2)`,
    exact in both tails (`n / 2 ~ e^x` as x -> -inf); the exponent is capped at `EXP_CAP`,
    where the gate is 1 in float32.
    """
    e = ops.exp(ops.minimum(x, EXP_CAP))
    n = e * (e + 2.0)
    return x * (n / (n + 2.0))


@register(
    name="tanhexp",
    aliases=("telu",),
    formula=r"x \tanh(e^{x})",
    reference=Reference(
        "TanhExp: A Smooth Activation Function with High Convergence Speed for Lightweight "
        "Neural Networks",
        year=2020,
        authors="Liu, Di",
        arxiv="2003.09855",
    ),
    properties=_SELF_GATED,
    note="Proposed again as TeLU by Fernandez & Mali (2024, arXiv 2412.20269); same function.",
)
def tanhexp(x):
    """TanhExp: `f(x) = x tanh(exp(x))` (Liu & Di, 2020), also published as TeLU.

    Fernandez & Mali (2024) proposed the same function as TeLU. The exponent is clipped at
    `EXP_CAP`: tanh(e^20) is already 1, and without the clip the gradient is 0 * inf = NaN
    for large x.
    """
    return x * ops.tanh(ops.exp(ops.minimum(x, EXP_CAP)))


@register(
    name="smish",
    formula=r"\alpha x \tanh\!\left(\ln\!\left(1 + \sigma(\beta x)\right)\right)",
    reference=Reference(
        "Smish: A Novel Activation Function for Deep Learning Methods",
        year=2022,
        authors="Wang et al.",
        doi="10.3390/electronics11040540",
    ),
    params=(
        Param("alpha", 1.0, low=0, low_open=True, doc="output scale"),
        Param("beta", 1.0, low=0, low_open=True, doc="input scale inside the gate"),
    ),
    properties=_SELF_GATED,
    note="alpha = beta = 1 is Smish proper; the paper's parameterised form found it best.",
)
def smish(x, alpha=1.0, beta=1.0):
    """Smish: `f(x) = alpha x tanh(log(1 + sigmoid(beta x)))` (Wang et al., 2022)."""
    return alpha * x * ops.tanh(numerics.log1p(ops.sigmoid(beta * x)))


@register(
    name="logish",
    formula=r"\alpha x \ln\!\left(1 + \sigma(\beta x)\right)",
    reference=Reference(
        "Logish: A new nonlinear nonmonotonic activation function for convolutional neural network",
        year=2021,
        authors="Zhu, Zeng, Liu, Zhang",
        doi="10.1016/j.neucom.2021.06.067",
    ),
    params=(
        Param("alpha", 1.0, low=0, low_open=True, doc="output scale"),
        Param(
            "beta",
            1.0,
            low=0,
            low_open=True,
            doc="input scale inside the gate (the paper also reports beta = 10)",
        ),
    ),
    properties=_SELF_GATED,
)
def logish(x, alpha=1.0, beta=1.0):
    """Logish: `f(x) = alpha x log(1 + sigmoid(beta x))` (Zhu et al., Neurocomputing 2021)."""
    return alpha * x * numerics.log1p(ops.sigmoid(beta * x))


@register(
    name="serf",
    formula=r"x \operatorname{erf}\!\left(\ln(1 + e^{x})\right)",
    reference=Reference(
        "SERF: Towards better training of deep neural networks using log-Softplus ERror "
        "activation Function",
        year=2021,
        authors="Nag, Bhattacharyya",
        arxiv="2108.09598",
    ),
    properties=_SELF_GATED,
)
def serf(x):
    """Serf: `f(x) = x erf(softplus(x))` (Nag & Bhattacharyya, 2021)."""
    return x * ops.erf(numerics.softplus(x))


@register(
    name="hard_silu",
    aliases=("hard_swish", "hardswish"),
    formula=r"x\,\frac{\operatorname{ReLU6}(x + 3)}{6}",
    reference=Reference(
        "Searching for MobileNetV3", year=2019, authors="Howard et al.", arxiv="1905.02244"
    ),
    properties=("bounded_below", "self_gated", "zero_centred"),
    note="Same as Keras 3's hard_silu/hard_swish and PyTorch's Hardswish.",
)
def hard_silu(x):
    """Hard SiLU (h-swish): `f(x) = x relu6(x + 3) / 6`, from MobileNetV3 (Howard et al., 2019).

    Zero below -3, identity above 3, `x (x + 3) / 6` between.
    """
    return x * numerics.clip(x + 3.0, 0.0, 6.0) / 6.0


@register(
    name="aptx",
    formula=r"(\alpha + \tanh(\beta x))\,\gamma x",
    reference=Reference(
        "APTx: better activation function than MISH, SWISH, and ReLU's variants used in deep "
        "learning",
        year=2022,
        authors="Kumar",
        arxiv="2209.06119",
    ),
    params=(
        Param("alpha", 1.0, low=0, doc="offset of the tanh gate"),
        Param("beta", 1.0, low=0, low_open=True, doc="input scale inside tanh"),
        Param("gamma", 0.5, low=0, low_open=True, doc="output scale"),
    ),
    properties=_SELF_GATED,
    note="With alpha = 1, beta = 1/2, gamma = 1/2 it is exactly SiLU.",
)
def aptx(x, alpha=1.0, beta=1.0, gamma=0.5):
    """APTx: `f(x) = (alpha + tanh(beta x)) gamma x` (Kumar, 2022).

    Evaluated with `1 + tanh(t) = 2 sigmoid(2 t)`, which keeps the left tail exact.
    """
    gate = (alpha - 1.0) + 2.0 * ops.sigmoid(2.0 * beta * x)
    return gamma * x * gate


@register(
    name="lisht",
    formula=r"x \tanh x",
    reference=Reference(
        "LiSHT: Non-Parametric Linearly Scaled Hyperbolic Tangent Activation Function for "
        "Neural Networks",
        year=2019,
        authors="Roy, Manna, Dubey, Chaudhuri",
        arxiv="1901.05894",
    ),
    properties=("bounded_below", "smooth", "self_gated"),
)
def lisht(x):
    """LiSHT: `f(x) = x tanh(x)`, even and non-negative (Roy et al., 2019)."""
    return x * ops.tanh(x)


@register(
    name="eswish",
    aliases=("e_swish",),
    formula=r"\beta x\,\sigma(x)",
    reference=Reference(
        "E-swish: Adjusting Activations to Different Network Depths",
        year=2018,
        authors="Alcaide",
        arxiv="1801.07145",
    ),
    params=(
        Param(
            "beta",
            1.375,
            low=0,
            low_open=True,
            doc="output scale; the paper explores 1 <= beta <= 2",
        ),
    ),
    properties=_SELF_GATED,
)
def eswish(x, beta=1.375):
    """E-swish: `f(x) = beta x sigmoid(x)` (Alcaide, 2018); beta = 1 is SiLU."""
    return beta * x * ops.sigmoid(x)


@register(
    name="silu_beta",
    formula=r"x\,\sigma(\beta x)",
    reference=_RAMACHANDRAN_2017,
    params=(Param("beta", 1.0, low=0, doc="gate sharpness: 0 gives x/2, -> inf gives ReLU"),),
    properties=_SELF_GATED,
    note="Swish with a fixed beta. The trainable-beta Swish of the paper is a layer "
    "(swish_beta); beta = 1 is silu.",
)
def silu_beta(x, beta=1.0):
    """Swish with a fixed beta: `f(x) = x sigmoid(beta x)` (Ramachandran et al., 2017)."""
    return x * ops.sigmoid(beta * x)


@register(
    name="dsilu",
    formula=r"\sigma(x)\,\left(1 + x\,(1 - \sigma(x))\right)",
    reference=_ELFWING_2017,
    properties=("bounded", "bounded_below", "bounded_above", "smooth"),
    note="The derivative of SiLU, proposed as an activation of its own; not self-gated.",
)
def dsilu(x):
    """dSiLU: `f(x) = sigmoid(x) (1 + x (1 - sigmoid(x)))`, the derivative of SiLU.

    Elfwing, Uchibe & Doya (2017). `1 - sigmoid(x)` is computed as `sigmoid(-x)`. Below 0
    the bracket is `((1 + x) + e^x) sigmoid(-x)`: `1 + x` is exact there, so near the zero
    at x = -1.2785 only the rounding of `e^x` is left, not the cancellation of `1 + x s`.
    """
    negative = where_safe(x < 0, x, 0.0)
    bracket_below_0 = ((1.0 + negative) + ops.exp(negative)) * ops.sigmoid(-negative)
    bracket = ops.where(x < 0, bracket_below_0, 1.0 + x * ops.sigmoid(-x))
    return ops.sigmoid(x) * bracket


@register(
    name="golu",
    formula=r"x\,e^{-e^{-x}}",
    reference=Reference(
        "Gompertz Linear Units: Leveraging Asymmetry for Enhanced Learning Dynamics",
        year=2025,
        authors="Das, Safari, Adriaensen, Hutter",
        arxiv="2502.03654",
    ),
    properties=_SELF_GATED,
)
def golu(x):
    """Gompertz linear unit: `f(x) = x exp(-exp(-x))`, gated by the Gompertz (Gumbel) CDF.

    Das et al. (2025). The inner exponent is clipped at `EXP_CAP` (exp(-e^20) is 0 in float32)
    so that the gradient stays finite for very negative x.
    """
    return x * ops.exp(-ops.exp(ops.minimum(-x, EXP_CAP)))


@register(
    name="smu",
    formula=r"\frac{(1 + \alpha)\,x + (1 - \alpha)\,x \operatorname{erf}\!\left(\mu (1 - "
    r"\alpha) x\right)}{2}",
    reference=SMU_REFERENCE,
    params=(
        SMU_ALPHA,
        Param("mu", 1.0, low=0, low_open=True, doc="smoothing; mu -> inf gives leaky ReLU"),
    ),
    properties=("monotonic", "smooth", "self_gated", "zero_centred"),
    note="In the paper mu is trainable (common PyTorch ports start it at 1e6, nearly a leaky "
    "ReLU); here it is a fixed parameter. alpha = 0, mu = 1/sqrt(2) is GELU.",
)
def smu(x, alpha=0.25, mu=1.0):
    """Smooth maximum unit: `((1 + alpha) x + (1 - alpha) x erf(mu (1 - alpha) x)) / 2`.

    Biswas et al. (2021): max(x, alpha x) with `|z| ~ z erf(mu z)`. The gate is written as
    `2 alpha + (1 - alpha) erfc(-mu (1 - alpha) x)`, exact in the left tail for any alpha.
    """
    gate = 2.0 * alpha + (1.0 - alpha) * numerics.erfc(-mu * (1.0 - alpha) * x)
    return x * gate / 2.0


@register(
    name="gish",
    formula=r"x \ln\!\left(2 - e^{-e^{x}}\right)",
    reference=Reference(
        "Gish: a novel activation function for image classification",
        year=2023,
        authors="Kaytan, Aydilek, Yeroğlu",
        doi="10.1007/s00521-023-09035-5",
    ),
    properties=_SELF_GATED,
)
def gish(x):
    """Gish: `f(x) = x log(2 - exp(-exp(x)))` (Kaytan, Aydilek & Yeroğlu, 2023).

    Written as `x log1p(-expm1(-e^x))`, exact as x -> -inf; the exponent is clipped at
    `EXP_CAP`, where the gate is already ln 2.
    """
    return x * numerics.log1p(-ops.expm1(-ops.exp(ops.minimum(x, EXP_CAP))))


@register(
    name="phish",
    formula=r"x \tanh\!\left(\operatorname{GELU}(x)\right)",
    reference=Reference(
        "Phish: A Novel Hyper-Optimizable Activation Function",
        year=2022,
        authors="Naveen",
        doi="10.36227/techrxiv.17283824",
    ),
    properties=("bounded_below", "smooth", "self_gated"),
    note="Uses the exact GELU. Non-negative: for x < 0 both x and tanh(GELU(x)) are negative.",
)
def phish(x):
    """Phish: `f(x) = x tanh(gelu(x))` with the exact GELU (Naveen, 2022)."""
    return x * ops.tanh(_gelu(x))


@register(
    name="pflu",
    formula=r"x \cdot \frac{1}{2}\left(1 + \frac{x}{\sqrt{1 + x^2}}\right)",
    reference=Reference(
        "PFLU and FPFLU: Two novel non-monotonic activation functions in convolutional neural "
        "networks",
        year=2021,
        authors="Zhu et al.",
        doi="10.1016/j.neucom.2020.11.068",
    ),
    properties=_SELF_GATED,
)
def pflu(x):
    """Power function linear unit: `f(x) = x (1 + x / sqrt(1 + x^2)) / 2` (Zhu et al., 2021).

    For x < 0 the gate cancels; there `f(x) = (x / r) / (2 (r - x))` with `r = sqrt(1 + x^2)`.
    """
    r = hypot(x, 1.0)
    positive = where_safe(x >= 0, x, 0.0)
    negative = where_safe(x < 0, x, 0.0)
    right = positive * (1.0 + positive / r) / 2.0
    left = (negative / r) / (2.0 * (r - negative))
    return ops.where(x >= 0, right, left)


@register(
    name="flatten_t_swish",
    aliases=("fts",),
    formula=r"\begin{cases} x\,\sigma(x) + T & x \ge 0 \\ T & x < 0 \end{cases}",
    reference=Reference(
        "Flatten-T Swish: a thresholded ReLU-Swish-like activation function for deep learning",
        year=2018,
        authors="Chieng, Wahid, Ong, Perla",
        arxiv="1812.06247",
    ),
    params=(Param("t", -0.2, high=0, doc="flat value for x < 0 (the paper's best: -0.20)"),),
    properties=("bounded_below", "monotonic"),
)
def flatten_t_swish(x, t=-0.2):
    """Flatten-T Swish: `x sigmoid(x) + T` for `x >= 0`, `T` below (Chieng et al., 2018).

    A ReLU-shaped SiLU shifted down by T = -0.2 (the paper's best), flat for negative x.
    """
    return ops.relu(x) * ops.sigmoid(x) + t
