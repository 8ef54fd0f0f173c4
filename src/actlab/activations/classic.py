"""Classic saturating activations: identity, sigmoid and its relatives (article 003's set)."""

from __future__ import annotations

from keras import ops

from actlab.activation_spec import Reference
from actlab.activations import numerics
from actlab.activations.registry import registrar

register = registrar("classic", builtin=True)

_LECUN_1998 = Reference(
    "Efficient BackProp", year=1998, authors="LeCun, Bottou, Orr, Müller",
    doi="10.1007/3-540-49430-8_2",
)  # fmt: skip


@register(
    name="linear",
    aliases=("identity",),
    formula=r"x",
    reference=None,
    properties=("monotonic", "smooth", "zero_centred", "piecewise_linear"),
)
def linear(x):
    """Identity: `f(x) = x` (article 003's baseline)."""
    return x


@register(
    name="sigmoid",
    aliases=("logistic",),
    formula=r"\frac{1}{1 + e^{-x}}",
    reference=Reference(
        "Neural networks and physical systems with emergent collective computational abilities",
        year=1982,
        authors="Hopfield",
        doi="10.1073/pnas.79.8.2554",
    ),
    properties=("bounded", "bounded_below", "bounded_above", "monotonic", "smooth"),
)
def sigmoid(x):
    """Logistic sigmoid: `f(x) = 1 / (1 + exp(-x))`."""
    return ops.sigmoid(x)


@register(
    name="hard_sigmoid",
    formula=r"\operatorname{clip}(0.2x + 0.5,\ 0,\ 1)",
    reference=Reference(
        "Theano: A Python framework for fast computation of mathematical expressions",
        year=2016,
        authors="Theano Development Team",
        arxiv="1605.02688",
    ),
    properties=("bounded", "bounded_below", "bounded_above", "monotonic", "piecewise_linear"),
    note="Article 003's definition (0 below -2.5, 1 above 2.5, slope 0.2): Theano's "
    "nnet.hard_sigmoid, taken over by Keras 2. BinaryConnect's hard sigmoid, "
    "clip((x + 1) / 2, 0, 1), is sparse_sigmoid. Keras 3's and "
    "PyTorch's hard_sigmoid use slope 1/6 (relu6(x + 3) / 6); as a Keras string "
    "'hard_sigmoid' keeps Keras' meaning, use activations.get('hard_sigmoid') for this one.",
)
def hard_sigmoid(x):
    """Hard sigmoid of article 003 and Keras 2: `f(x) = clip(0.2 x + 0.5, 0, 1)`.

    Zero below -2.5, one above 2.5, linear between. Keras 3 and PyTorch use a different
    slope (`relu6(x + 3) / 6`, saturating at +-3).
    """
    return numerics.clip(0.2 * x + 0.5, 0.0, 1.0)


@register(
    name="tanh",
    formula=r"\tanh x",
    reference=_LECUN_1998,
    properties=("bounded", "bounded_below", "bounded_above", "monotonic", "smooth", "zero_centred"),
)
def tanh(x):
    """Hyperbolic tangent: `f(x) = tanh(x)`."""
    return ops.tanh(x)


@register(
    name="softsign",
    formula=r"\frac{x}{1 + |x|}",
    reference=Reference(
        "Quadratic polynomials learn better image features",
        year=2009,
        authors="Bergstra, Desjardins, Lamblin, Bengio",
        url="https://www.iro.umontreal.ca/~lisa/publications2/index.php/attachments/single/205",
    ),
    properties=("bounded", "bounded_below", "bounded_above", "monotonic", "smooth", "zero_centred"),
)
def softsign(x):
    """Softsign: `f(x) = x / (1 + |x|)`, a polynomial-tailed tanh."""
    return x / (1.0 + ops.abs(x))
