"""Activations that change the shape of their input: gated linear units, CReLU, maxout.

All work on the last axis (channels-last). The gated units split it into a value half and a
gate half, so it must be even; CReLU doubles it; maxout divides it by `pieces`.
"""

from __future__ import annotations

import functools

from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations.registry import registrar
from actlab.activations.self_gated import gelu, silu

register = registrar("shape_changing", builtin=True)

_SHAZEER_2020 = Reference(
    "GLU Variants Improve Transformer", year=2020, authors="Shazeer", arxiv="2002.05202",
)  # fmt: skip
_GATED = ("per_sample",)
_SPLIT_NOTE = (
    "Splits the last axis into halves (a, b) and gates the first by the second, as Keras' and "
    "PyTorch's glu do; Shazeer (2020) writes the activated projection first, an equivalent "
    "relabelling of learned weights. The last axis must be even; the output has half its size."
)
# Dense(units, activation=...) declares `units` as its output width, whatever the activation
# returns, so the next layer would be built for the wrong width.
_IN_MODELS = (
    " In a Keras model use the layer form, activations.layer(name), after the Dense layer; "
    "it is not a Keras activation string, since Dense(units, activation=...) would declare "
    "the width `units`."
)


def _last_axis(x, name: str) -> int | None:
    if len(x.shape) == 0:
        raise ValueError(f"{name}: needs an input with at least one axis, got a scalar")
    return x.shape[-1]


def _halves(x, name: str):
    """(a, b): the first and second half of the last axis, or a ValueError naming its size."""
    size = _last_axis(x, name)
    if size is not None and size % 2:
        raise ValueError(
            f"{name} splits the last axis into two halves, so its size must be even; got last "
            f"axis of size {size} (input shape {tuple(x.shape)})"
        )
    a, b = ops.split(x, 2, axis=-1)
    return a, b


@register(
    name="glu",
    formula=r"a \otimes \sigma(b),\quad [a, b] = x",
    reference=Reference(
        "Language Modeling with Gated Convolutional Networks",
        year=2016,
        authors="Dauphin, Fan, Auli, Grangier",
        arxiv="1612.08083",
    ),
    properties=("smooth", *_GATED),
    changes_shape=True,
    note="Identical to Keras 3's glu (axis=-1) and PyTorch's glu. " + _SPLIT_NOTE + _IN_MODELS,
)
def glu(x):
    """Gated linear unit: `a * sigmoid(b)`, `[a, b]` the last axis's halves (Dauphin et al.)."""
    a, b = _halves(x, "glu")
    return a * ops.sigmoid(b)


@register(
    name="reglu",
    formula=r"a \otimes \max(0, b),\quad [a, b] = x",
    reference=_SHAZEER_2020,
    properties=_GATED,
    changes_shape=True,
    note=_SPLIT_NOTE + _IN_MODELS,
)
def reglu(x):
    """ReGLU: `a * relu(b)` for the halves `[a, b]` of the last axis (Shazeer, 2020)."""
    a, b = _halves(x, "reglu")
    return a * ops.relu(b)


@register(
    name="geglu",
    formula=r"a \otimes b\,\Phi(b),\quad [a, b] = x",
    reference=_SHAZEER_2020,
    properties=("smooth", *_GATED),
    changes_shape=True,
    note="Uses the exact GELU b Phi(b), not the tanh approximation. " + _SPLIT_NOTE + _IN_MODELS,
)
def geglu(x):
    """GEGLU: `a * gelu(b)` with the exact GELU `b Phi(b)`, halves `[a, b]` (Shazeer, 2020)."""
    a, b = _halves(x, "geglu")
    return a * gelu(b)


@register(
    name="swiglu",
    formula=r"a \otimes b\,\sigma(b),\quad [a, b] = x",
    reference=_SHAZEER_2020,
    properties=("smooth", *_GATED),
    changes_shape=True,
    note="Swish with beta = 1 (SiLU), as in the paper's experiments and in LLaMA. "
    + _SPLIT_NOTE
    + _IN_MODELS,
)
def swiglu(x):
    """SwiGLU: `a * silu(b)` for the halves `[a, b]` of the last axis (Shazeer, 2020)."""
    a, b = _halves(x, "swiglu")
    return a * silu(b)


@register(
    name="bilinear",
    aliases=("bilinear_glu",),
    formula=r"a \otimes b,\quad [a, b] = x",
    reference=_SHAZEER_2020,
    properties=("smooth", *_GATED),
    changes_shape=True,
    note=_SPLIT_NOTE + _IN_MODELS,
)
def bilinear(x):
    """Bilinear GLU: `a * b` for the halves `[a, b]` of the last axis, no nonlinearity (Shazeer)."""
    a, b = _halves(x, "bilinear")
    return a * b


@register(
    name="dual_relu",
    aliases=("drelu",),
    formula=r"\max(0, a) - \max(0, b),\quad [a, b] = x",
    reference=Reference(
        "Dual Rectified Linear Units (DReLUs): A Replacement for Tanh Activation Functions in "
        "Quasi-Recurrent Neural Networks",
        year=2017,
        authors="Godin, Degrave, Dambre, De Neve",
        arxiv="1707.08214",
    ),
    properties=("piecewise_linear", *_GATED),
    changes_shape=True,
    note="The two inputs a and b are the halves of the last axis, which must be even; the output "
    "has half its size." + _IN_MODELS,
)
def dual_relu(x):
    """Dual ReLU: `relu(a) - relu(b)` for the halves `[a, b]` of the last axis (Godin et al.)."""
    a, b = _halves(x, "dual_relu")
    return ops.relu(a) - ops.relu(b)


@register(
    name="crelu",
    aliases=("concatenated_relu",),
    formula=r"[\max(0, x), \max(0, -x)]",
    reference=Reference(
        "Understanding and Improving Convolutional Neural Networks via Concatenated Rectified "
        "Linear Units",
        year=2016,
        authors="Shang, Sohn, Almeida, Lee",
        arxiv="1603.05201",
    ),
    properties=("piecewise_linear",),
    changes_shape=True,
    note="Concatenates along the last axis, which doubles in size (like tf.nn.crelu)." + _IN_MODELS,
)
def crelu(x):
    """Concatenated ReLU: `[relu(x), relu(-x)]` on the last axis, twice as wide (Shang et al.)."""
    _last_axis(x, "crelu")
    return ops.concatenate([ops.relu(x), ops.relu(-x)], axis=-1)


@register(
    name="maxout",
    formula=r"y_i = \max_{0 \le j < k} x_{ik + j}",
    reference=Reference(
        "Maxout Networks",
        year=2013,
        authors="Goodfellow, Warde-Farley, Mirza, Courville, Bengio",
        arxiv="1302.4389",
    ),
    params=(
        Param(
            "pieces",
            2,
            low=1,
            integer=True,
            doc="k, the number of consecutive units each output takes the maximum of",
        ),
    ),
    properties=("piecewise_linear", *_GATED),
    changes_shape=True,
    note="Groups k consecutive units of the last axis, whose size must be divisible by k; the "
    "output has 1/k of it. The paper's learned affine pieces are the preceding layer's units."
    + _IN_MODELS,
)
def maxout(x, pieces=2):
    """Maxout: the maximum over each group of `pieces` consecutive units (Goodfellow et al.)."""
    k = int(pieces)
    size = _last_axis(x, "maxout")
    if size is not None and size % k:
        raise ValueError(
            f"maxout with pieces={k} groups the last axis into blocks of {k}, so its size must "
            f"be divisible by {k}; got last axis of size {size} (input shape {tuple(x.shape)})"
        )
    # Strided slice j holds piece j of every group: unit i*k + j at position i.
    return functools.reduce(ops.maximum, [x[..., j::k] for j in range(k)])
