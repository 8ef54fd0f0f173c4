"""Rectifiers: ReLU and the piecewise-linear variants built around it (article 004's included)."""

from __future__ import annotations

import keras
from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations import numerics
from actlab.activations.numerics import where_safe
from actlab.activations.registry import registrar

register = registrar("rectified", builtin=True)

_ARTICLE_004 = Reference(
    "reluの特徴を探る (article 004: ReLU variants on CIFAR-10)",
    authors="actlab article 004, a Japanese blog post given to the project",
)

_SOFTPLUS_AT_ZERO_TWICE = 2.0 * 0.6931471805599453  # 2 softplus(0) = 2 ln 2


@register(
    name="relu",
    formula=r"\max(0, x)",
    reference=Reference(
        "Rectified Linear Units Improve Restricted Boltzmann Machines",
        year=2010,
        authors="Nair, Hinton",
        url="https://icml.cc/Conferences/2010/papers/432.pdf",
    ),
    properties=("bounded_below", "monotonic", "piecewise_linear"),
)
def relu(x):
    """Rectified linear unit: `f(x) = max(0, x)`."""
    return ops.relu(x)


@register(
    name="softplus_linear",
    formula=r"\begin{cases} 2\,\mathrm{softplus}(x) & x \le 0 \\ x + 2\ln 2 & x > 0 \end{cases}",
    reference=_ARTICLE_004,
    properties=("bounded_below", "monotonic", "smooth"),
)
def softplus_linear(x):
    """Article 004's softplus + linear: `2 softplus(x)` for `x <= 0`, `x + 2 softplus(0)` above.

    Twice the softplus so that the slope at 0 is 1 on both sides; the value is continuous at 0
    (both pieces equal `2 ln 2`).
    """
    negative_part = 2.0 * numerics.log1p(ops.exp(where_safe(x <= 0, x, 0.0)))
    return ops.where(x <= 0, negative_part, x + _SOFTPLUS_AT_ZERO_TWICE)


@register(
    name="reflection_linear",
    aliases=("abs", "absolute"),
    formula=r"|x|",
    reference=_ARTICLE_004,
    properties=("bounded_below", "piecewise_linear"),
)
def reflection_linear(x):
    """Article 004's reflection linear: `f(x) = -x` for `x <= 0`, `x` above, i.e. `|x|`."""
    return numerics.absolute(x)


@register(
    name="zero_fit_linear",
    formula=r"x - \min_{\text{spatial axes (or units)}} x",
    reference=_ARTICLE_004,
    properties=("bounded_below", "piecewise_linear", "per_sample"),
    note="Per sample: a feature map (N, H, W, C) subtracts its minimum over H and W, channel "
    "by channel; a dense output (N, units) subtracts its minimum over the units.",
)
def zero_fit_linear(x):
    """Article 004's zero-fit linear: `x` minus its minimum, per sample.

    Over the spatial axes of a channels-last feature map (per channel), or over the units of a
    dense output. The result is non-negative and its minimum is 0.
    """
    rank = len(x.shape)
    axes = (-1,) if rank <= 2 else tuple(range(1, rank - 1))
    return x - ops.min(x, axis=axes, keepdims=True)


# --- Further rectifiers ---------------------------------------------------------------------

# Above this the gradient of max(0, x)^2 (2x) would overflow float16 (max 65504); it is held at
# 2 * _SQUARE_GRAD_CAP there while the value stays exact.
_SQUARE_GRAD_CAP = 3.0e4

_KRIZHEVSKY_2010 = Reference(
    "Convolutional Deep Belief Networks on CIFAR-10", year=2010, authors="Krizhevsky",
    url="https://www.cs.toronto.edu/~kriz/conv-cifar10-aug2010.pdf",
)  # fmt: skip


@register(
    name="leaky_relu",
    aliases=("lrelu",),
    formula=r"\begin{cases} x & x \ge 0 \\ \alpha x & x < 0 \end{cases}",
    reference=Reference(
        "Rectifier Nonlinearities Improve Neural Network Acoustic Models",
        year=2013,
        authors="Maas, Hannun, Ng",
        url="https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf",
    ),
    params=(
        Param(
            "negative_slope",
            0.01,
            low=0,
            high=1,
            low_open=True,
            doc="slope for x < 0 (0.01 in the paper and in PyTorch)",
        ),
    ),
    properties=("monotonic", "zero_centred", "piecewise_linear"),
    note="Slope 0.01 below zero, as in the paper and PyTorch. Keras 3's leaky_relu defaults to "
    "negative_slope=0.2 and keras.layers.LeakyReLU to 0.3: as a Keras string 'leaky_relu' "
    "keeps Keras' 0.2, use "
    "activations.get('leaky_relu') for this one.",
)
def leaky_relu(x, negative_slope=0.01):
    """Leaky ReLU: `f(x) = x` for `x >= 0`, `negative_slope * x` below (Maas et al., 2013).

    Keras 3's `leaky_relu` uses a default slope of 0.2; PyTorch's 0.01, like this one.
    """
    return ops.where(x >= 0, x, negative_slope * x)


@register(
    name="relu6",
    formula=r"\min(\max(0, x), 6)",
    reference=_KRIZHEVSKY_2010,
    properties=("bounded", "bounded_below", "bounded_above", "monotonic", "piecewise_linear"),
    note="Identical to Keras 3's and PyTorch's relu6.",
)
def relu6(x):
    """ReLU6: `f(x) = min(max(0, x), 6)`, the ReLU capped at 6 (Krizhevsky, 2010)."""
    return numerics.clip(x, 0.0, 6.0)


@register(
    name="bounded_relu",
    aliases=("relu_n", "capped_relu"),
    formula=r"\min(\max(0, x), A)",
    reference=Reference(
        "Bounded activation functions for enhanced training stability of deep neural networks "
        "on visual pattern recognition problems",
        year=2016,
        authors="Liew, Khalil-Hani, Bakhteri",
        doi="10.1016/j.neucom.2016.08.037",
    ),
    params=(Param("cap", 1.0, low=0, low_open=True, doc="the output's upper bound A"),),
    properties=("bounded", "bounded_below", "bounded_above", "monotonic", "piecewise_linear"),
    note="relu6 is bounded_relu with cap=6.",
)
def bounded_relu(x, cap=1.0):
    """Bounded ReLU: `f(x) = min(max(0, x), cap)` (Liew, Khalil-Hani & Bakhteri, 2016)."""
    return numerics.clip(x, 0.0, cap)


@register(
    name="rrelu",
    aliases=("randomized_leaky_relu",),
    formula=r"\begin{cases} x & x \ge 0 \\ a x & x < 0 \end{cases},\ "
    r"a \sim U(l, u) \text{ in training},\ a = \tfrac{l + u}{2} \text{ in inference}",
    reference=Reference(
        "Empirical Evaluation of Rectified Activations in Convolutional Network",
        year=2015,
        authors="Xu, Wang, Chen, Li",
        arxiv="1505.00853",
    ),
    params=(
        Param("lower", 0.125, low=0, high=1, doc="smallest random slope l"),
        Param("upper", 1 / 3, low=0, high=1, doc="largest random slope u (>= lower)"),
    ),
    properties=("monotonic", "zero_centred", "piecewise_linear", "stochastic"),
    note="PyTorch's parametrisation: the slope is drawn from U(lower, upper) per element in "
    "training and is (lower + upper) / 2 in inference. The paper draws the divisor a ~ U(3, 8) "
    "(slope 1/a) and divides by 5.5 in inference (slope 0.182, not 0.229). The layer form "
    "passes `training`; under a traced JAX training step pass a `keras.random.SeedGenerator` "
    "as `seed`.",
)
def rrelu(x, lower=0.125, upper=1 / 3, training=False, seed=None):
    """Randomized leaky ReLU: `x` for `x >= 0`, `a * x` below, `a ~ U(lower, upper)` (Xu et al.).

    In inference (the default) the slope is the mean `(lower + upper) / 2`, as in PyTorch's
    `RReLU`; the paper samples the divisor instead (see the entry's note).
    """
    if lower > upper:
        raise ValueError(f"rrelu: lower={lower} must not exceed upper={upper}")
    if training:
        dtype = keras.backend.standardize_dtype(x.dtype)
        slope = keras.random.uniform(ops.shape(x), lower, upper, dtype=dtype, seed=seed)
    else:
        slope = (lower + upper) / 2
    return ops.where(x >= 0, x, slope * x)


@register(
    name="hard_tanh",
    aliases=("hardtanh",),
    formula=r"\min(\max(x, m), M)",
    reference=Reference(
        "Large Scale Machine Learning (PhD thesis, Université Paris VI)",
        year=2004,
        authors="Collobert",
        url="https://ronan.collobert.com/pub/matos/2004_phdthesis_lip6.pdf",
    ),
    params=(
        Param("min_val", -1.0, doc="lower saturation value m (< max_val)"),
        Param("max_val", 1.0, doc="upper saturation value M"),
    ),
    properties=(
        "bounded",
        "bounded_below",
        "bounded_above",
        "monotonic",
        "zero_centred",
        "piecewise_linear",
    ),
    note="Defaults equal Keras 3's hard_tanh (which has no parameters) and PyTorch's Hardtanh.",
)
def hard_tanh(x, min_val=-1.0, max_val=1.0):
    """Hard tanh: `f(x) = clip(x, min_val, max_val)`, a piecewise-linear tanh (Collobert, 2004)."""
    if min_val >= max_val:
        raise ValueError(f"hard_tanh: min_val={min_val} must be below max_val={max_val}")
    return numerics.clip(x, min_val, max_val)


@register(
    name="thresholded_relu",
    aliases=("trec",),
    formula=r"\begin{cases} x & x > \theta \\ 0 & x \le \theta \end{cases}",
    reference=Reference(
        "Zero-bias autoencoders and the benefits of co-adapting features",
        year=2014,
        authors="Konda, Memisevic, Krueger",
        arxiv="1402.3337",
    ),
    params=(Param("theta", 1.0, low=0, doc="threshold; the output jumps from 0 to theta"),),
    properties=("bounded_below", "monotonic", "piecewise_linear"),
    note="Konda et al.'s truncated rectified (TRec) unit; Keras 2's ThresholdedReLU layer.",
)
def thresholded_relu(x, theta=1.0):
    """Thresholded ReLU (TRec): `f(x) = x` for `x > theta`, else 0 (Konda et al., 2014)."""
    return ops.where(x > theta, x, ops.zeros_like(x))


@register(
    name="relu_squared",
    aliases=("squared_relu",),
    formula=r"\max(0, x)^2",
    reference=Reference(
        "Primer: Searching for Efficient Transformers for Language Modeling",
        year=2021,
        authors="So, Mańke, Liu, Dai, Shazeer, Le",
        arxiv="2109.08668",
    ),
    properties=("bounded_below", "monotonic", "smooth"),
    note="The gradient is held at 6e4 for x > 3e4 so that it stays finite in float16.",
)
def relu_squared(x):
    """Squared ReLU: `f(x) = max(0, x)**2`, found by Primer's architecture search (So et al.).

    The value is exact everywhere; the gradient is capped at 6e4 (for x > 3e4) so that it stays
    finite in float16.
    """
    return _relu_squared(x)


def _relu_squared(x):
    r = ops.relu(x)
    r_cap = ops.minimum(r, _SQUARE_GRAD_CAP)
    excess = r - r_cap
    # (r_cap + excess)^2 with the excess^2 term outside autodiff: exact value, gradient 2 r_cap.
    return ops.square(r_cap) + 2.0 * r_cap * excess + ops.stop_gradient(ops.square(excess))


@register(
    name="star_relu",
    formula=r"s \max(0, x)^2 + b",
    reference=Reference(
        "MetaFormer Baselines for Vision",
        year=2022,
        authors="Yu, Si, Zhou, Luo, Zhou, Feng, Yan, Wang",
        arxiv="2210.13452",
    ),
    params=(
        Param("scale", 0.8944, doc="s; 0.8944 = 1/sqrt(1.25) normalises the output's variance"),
        Param("bias", -0.4472, doc="b; -0.4472 = -0.5 s centres the output"),
    ),
    properties=("bounded_below", "monotonic", "smooth"),
    note="The paper's defaults as fixed parameters; MetaFormer can also learn s and b. The "
    "gradient is held at 6e4 s for x > 3e4 so that it stays finite in float16.",
)
def star_relu(x, scale=0.8944, bias=-0.4472):
    """StarReLU: `f(x) = scale * max(0, x)**2 + bias` (Yu et al., MetaFormer Baselines, 2022).

    Like relu_squared, exact in value with the gradient capped above x = 3e4.
    """
    return scale * _relu_squared(x) + bias


@register(
    name="bipolar_relu",
    aliases=("brelu",),
    formula=r"f(x_i) = \begin{cases} \max(0, x_i) & i \text{ even} \\ "
    r"\min(0, x_i) & i \text{ odd} \end{cases}",
    reference=Reference(
        "Shifting Mean Activation Towards Zero with Bipolar Activation Functions",
        year=2017,
        authors="Eidnes, Nøkland",
        arxiv="1709.04054",
    ),
    properties=("piecewise_linear",),
    note="Depends on the position i along the last axis (units or channels): even units are "
    "rectified from below, odd ones from above (-relu(-x)). Not an elementwise function of x.",
)
def bipolar_relu(x):
    """Bipolar ReLU: `relu(x_i)` on even units, `-relu(-x_i)` on odd ones (Eidnes & Nøkland).

    Units are indexed along the last axis, so half the units can output negative values and the
    layer's mean activation moves towards zero.
    """
    even = ops.arange(ops.shape(x)[-1]) % 2 == 0
    return ops.where(even, ops.relu(x), ops.minimum(x, 0.0))
