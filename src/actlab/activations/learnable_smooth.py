"""Learnable shape families: Padé units, soft exponential and Snake (layer entries).

Their formulas divide by a learnable quantity or raise x to high powers, so each is rewritten
into a form that stays finite, with finite gradients, for every finite input and weight.
"""

from __future__ import annotations

import keras
from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations.learnable_base import (
    LearnableActivation,
    OneWeightActivation,
    sequence_of_floats,
)
from actlab.activations.numerics import where_safe
from actlab.activations.registry import registrar

register = registrar("learnable", builtin=True)

# Safe PAU (5, 4) fitted to leaky ReLU (slope 0.01) on [-3, 3]: the authors' default
# initialisation ("pade_optimized_leakyrelu" in github.com/ml-research/pau).
PAU_LEAKY_RELU_NUMERATOR = (
    3.35583603e-02, 5.05000375e-01, 1.65343934e00, 2.01001052e00, 9.31901999e-01,
    1.52424124e-01,
)  # fmt: skip
PAU_LEAKY_RELU_DENOMINATOR = (3.30847488e-06, 3.98021568e00, 5.12471206e-07, 3.01830109e-01)

#: Largest exponent whose exp is finite in float32 (e**88 = 1.65e38).
_EXP_LIMIT = 88.0
#: log1p's argument is kept above -1 by one float32 step, so the log stays finite.
_LOG1P_FLOOR = -(1.0 - 2.0**-24)
_SERIES_BELOW = 1e-3


def _horner(coefficients, z):
    """`c[0] z^k + c[1] z^(k-1) + ... + c[k]` for coefficients listed highest power first."""
    out = coefficients[0]
    for c in coefficients[1:]:
        out = out * z + c
    return out


@register(
    name="pau",
    aliases=("pade_activation_unit",),
    formula=r"\frac{\sum_{j=0}^{m} a_j x^j}{1 + \sum_{k=1}^{n} |b_k|\,|x|^k}",
    reference=Reference(
        "Padé Activation Units: End-to-end Learning of Flexible Activation Functions in Deep "
        "Networks",
        year=2019,
        authors="Molina, Schramowski, Kersting",
        arxiv="1907.06732",
    ),
    params=(),
    properties=(),
    note="The 'safe' PAU of the paper and of the authors' code (their version A): the "
    "denominator sums |b_k| |x|^k, so it is >= 1 and has no poles (their version B, "
    "1 + |sum b_k x^k|, is not this one). Degrees (5, 4) and coefficients fitted to leaky ReLU "
    "by default (pass numerator_init / denominator_init for others); one set per layer. For "
    "|x| > 1 it is evaluated in powers of 1/x, so no x^5 overflows: finite for every finite x, "
    "also in float16.",
)
class PAU(LearnableActivation):
    """Padé activation unit (safe): `f(x) = P(x) / (1 + sum_k |b_k| |x|^k)`, P of degree m.

    Molina, Schramowski & Kersting 2019, "Padé Activation Units" (arXiv 1907.06732). The m + 1
    numerator and n denominator coefficients are shared by the whole layer and start as the
    authors' (5, 4) fit of leaky ReLU.
    """

    catalog_name = "pau"
    default_sharing = None

    def __init__(
        self,
        numerator_init=PAU_LEAKY_RELU_NUMERATOR,
        denominator_init=PAU_LEAKY_RELU_DENOMINATOR,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.numerator_init = sequence_of_floats(numerator_init, "numerator_init", "pau")
        self.denominator_init = sequence_of_floats(denominator_init, "denominator_init", "pau")

    def build(self, input_shape):
        self.numerator = self.add_float32_weight(
            "numerator",
            (len(self.numerator_init),),
            keras.initializers.Constant(self.numerator_init),
        )
        self.denominator = self.add_float32_weight(
            "denominator",
            (len(self.denominator_init),),
            keras.initializers.Constant(self.denominator_init),
        )

    def activate(self, x, training=None):
        a = [self.value(self.numerator, x)[j] for j in range(len(self.numerator_init))]
        b = [ops.abs(self.value(self.denominator, x)[k]) for k in range(len(self.denominator_init))]
        inside = ops.abs(x) <= 1.0
        near = self._near_zero(where_safe(inside, x, 0.0), a, b)
        far = self._far_out(where_safe(ops.logical_not(inside), x, 1.0), a, b)
        return ops.where(inside, near, far)

    @staticmethod
    def _near_zero(x, a, b):
        """P(x) / Q(x) straight from the coefficients, for |x| <= 1."""
        r = ops.abs(x)
        return _horner(a[::-1], x) / (1.0 + r * _horner(b[::-1], r))

    @staticmethod
    def _far_out(x, a, b):
        """The same ratio for |x| > 1, divided through by x^m and |x|^n: only powers of 1/x."""
        m, n = len(a) - 1, len(b)
        t = 1.0 / x
        u = ops.abs(t)
        numerator = _horner(a, t)  # a_0 t^m + ... + a_m = P(x) / x^m
        denominator = _horner([1.0, *b], u)  # u^n + |b_1| u^(n-1) + ... = Q(x) / |x|^n
        scale = ops.sign(x) if m % 2 else ops.ones_like(x)  # x^m / |x|^n = sign^m |x|^(m-n)
        for _ in range(abs(m - n)):
            scale = scale * (ops.abs(x) if m > n else u)
        return scale * numerator / denominator

    def get_config(self):
        return {
            **super().get_config(),
            "numerator_init": self.numerator_init,
            "denominator_init": self.denominator_init,
        }


def _expm1_ratio(z):
    """`(e^z - 1) / z`, 1 at z = 0, with a series where the quotient would lose digits."""
    small = ops.abs(z) < _SERIES_BELOW
    safe = ops.where(small, ops.ones_like(z), z)
    return ops.where(small, 1.0 + z / 2.0 + z * z / 6.0, ops.expm1(safe) / safe)


def _log1p_ratio(w):
    """`log(1 + w) / w`, 1 at w = 0, with a series where the quotient would lose digits."""
    small = ops.abs(w) < _SERIES_BELOW
    safe = ops.where(small, ops.ones_like(w), w)
    return ops.where(small, 1.0 - w / 2.0 + w * w / 3.0, ops.log1p(safe) / safe)


@register(
    name="soft_exponential",
    aliases=("soft_exp",),
    formula=r"\begin{cases} -\frac{\ln(1 - \alpha (x + \alpha))}{\alpha} & \alpha < 0 \\ "
    r"x & \alpha = 0 \\ \frac{e^{\alpha x} - 1}{\alpha} + \alpha & \alpha > 0 \end{cases}",
    reference=Reference(
        "A continuum among logarithmic, linear, and exponential functions, and its potential "
        "to improve generalization in neural networks",
        year=2016,
        authors="Godfrey, Gashler",
        arxiv="1602.01321",
    ),
    params=(Param("alpha_init", 0.0, doc="initial alpha (0 is the identity)"),),
    properties=("monotonic",),
    note="alpha is learned per channel from 0. Written as x E(alpha x) + alpha and "
    "(x + alpha) L(-alpha (x + alpha)) with E(z) = expm1(z)/z and L(w) = log1p(w)/w, so "
    "alpha = 0 needs no special case and gets its true gradient 1 + x^2/2. Where float32 cannot "
    "follow the paper the curve continues as a straight line, staying finite and increasing: "
    "for alpha x > 88 (e^{alpha x} overflows) and, for alpha < 0, below the pole "
    "x = 1/alpha - alpha where the logarithm is undefined.",
)
class SoftExponential(OneWeightActivation):
    """Soft exponential: logarithmic for alpha < 0, identity at 0, exponential for alpha > 0.

    `f = -ln(1 - alpha (x + alpha)) / alpha` (alpha < 0), `x` (alpha = 0),
    `(exp(alpha x) - 1) / alpha + alpha` (alpha > 0). Godfrey & Gashler 2016 (arXiv
    1602.01321); alpha per channel, starting at 0.
    """

    catalog_name = "soft_exponential"
    weight_name = "alpha"

    def __init__(self, alpha_init=0.0, shared_axes=None, **kwargs):
        super().__init__(alpha_init, shared_axes=shared_axes, **kwargs)

    def activate(self, x, training=None):
        alpha = self.value(self.alpha, x) + ops.zeros_like(x)
        positive = alpha > 0
        a_pos = ops.where(positive, alpha, 0.0)
        a_neg = ops.where(positive, 0.0, alpha)  # alpha = 0 lands here and keeps its gradient
        # where, not minimum/maximum: a clipped entry must pass back an exact 0, not 0 * inf
        z = a_pos * x
        z = ops.where(z > _EXP_LIMIT, _EXP_LIMIT, z)
        exponential = x * _expm1_ratio(z) + a_pos
        w = -a_neg * (x + a_neg)
        w = ops.where(w < _LOG1P_FLOOR, _LOG1P_FLOOR, w)
        logarithmic = (x + a_neg) * _log1p_ratio(w)
        return ops.where(positive, exponential, logarithmic)


def _sinc(z):
    """`sin(z) / z`, 1 at z = 0."""
    small = ops.abs(z) < _SERIES_BELOW
    safe = ops.where(small, ops.ones_like(z), z)
    return ops.where(small, 1.0 - z * z / 6.0, ops.sin(safe) / safe)


@register(
    name="snake_learnable",
    aliases=("snake_alpha",),
    formula=r"x + \frac{\sin^2(\alpha_c x)}{\alpha_c}",
    reference=Reference(
        "Neural Networks Fail to Learn Periodic Functions and How to Fix It",
        year=2020,
        authors="Ziyin, Hartwig, Ueda",
        arxiv="2006.08195",
    ),
    params=(
        Param(
            "alpha_init",
            0.5,
            low=0,
            low_open=True,
            doc="initial frequency alpha (the paper: 0.5 for usual tasks, 5-50 for periodic data)",
        ),
    ),
    properties=("monotonic", "smooth", "periodic_component"),
    note="alpha is learned per channel. Computed as x + x sin(alpha x) sinc(alpha x), equal to "
    "sin^2(alpha x)/alpha without dividing by alpha, so alpha near 0 is safe (the limit is x).",
)
class SnakeLearnable(OneWeightActivation):
    """Snake with a learnable frequency: `f(x) = x + sin(alpha x)^2 / alpha`, alpha per channel.

    Ziyin, Hartwig & Ueda 2020, "Neural Networks Fail to Learn Periodic Functions and How to
    Fix It" (arXiv 2006.08195). f'(x) = 1 + sin(2 alpha x) >= 0: monotonic for every alpha.
    """

    catalog_name = "snake_learnable"
    weight_name = "alpha"

    def __init__(self, alpha_init=0.5, shared_axes=None, **kwargs):
        super().__init__(alpha_init, shared_axes=shared_axes, **kwargs)

    def activate(self, x, training=None):
        z = self.value(self.alpha, x) * x
        return x + x * ops.sin(z) * _sinc(z)
