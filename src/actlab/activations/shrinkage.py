"""Shrinkage activations: soft, hard and tanh shrink."""

from __future__ import annotations

from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations.numerics import where_safe
from actlab.activations.registry import registrar

register = registrar("shrinkage", builtin=True)

_LAMBDA = Param("lambd", 0.5, low=0, doc="threshold lambda below which |x| is set to 0")

# x - tanh(x) = sum_k c_k x^(2k+1) from x^3 on (the tanh series with signs flipped); at
# |x| < 1/2 eight terms leave a relative error below 2e-7.
_TANH_SHRINK_SERIES = (
    1 / 3, -2 / 15, 17 / 315, -62 / 2835, 1382 / 155925, -21844 / 6081075,
    929569 / 638512875, -6404582 / 10854718875,
)  # fmt: skip
_SERIES_BELOW = 0.5


@register(
    name="tanh_shrink",
    aliases=("tanhshrink",),
    formula=r"x - \tanh x",
    reference=Reference(
        "Torch7: A Matlab-like Environment for Machine Learning (BigLearn, NIPS workshop)",
        year=2011,
        authors="Collobert, Kavukcuoglu, Farabet",
        url="https://ronan.collobert.com/pub/matos/2011_torch7_nipsw.pdf",
    ),
    properties=("monotonic", "smooth", "zero_centred"),
    note="Identical to Keras 3's tanh_shrink and PyTorch's Tanhshrink (from Torch7's nn).",
)
def tanh_shrink(x):
    """Tanh shrink: `f(x) = x - tanh(x)`, Torch7's `Tanhshrink`.

    Near 0 the difference cancels (it is about x^3 / 3), so |x| < 1/2 uses its Taylor series.
    """
    small = ops.abs(x) < _SERIES_BELOW
    s = where_safe(small, x, 0.0)
    s2 = ops.square(s)
    poly = _TANH_SHRINK_SERIES[-1]
    for c in reversed(_TANH_SHRINK_SERIES[:-1]):
        poly = c + s2 * poly
    return ops.where(small, s * s2 * poly, x - ops.tanh(x))


_DONOHO_1995 = Reference(
    "De-noising by soft-thresholding", year=1995, authors="Donoho",
    doi="10.1109/18.382009",
)  # fmt: skip


@register(
    name="soft_shrink",
    aliases=("softshrink", "soft_threshold"),
    formula=r"\begin{cases} x - \lambda & x > \lambda \\ x + \lambda & x < -\lambda \\ 0 & "
    r"\text{otherwise} \end{cases}",
    reference=_DONOHO_1995,
    params=(_LAMBDA,),
    properties=("monotonic", "zero_centred", "piecewise_linear"),
    note="Same function and default as Keras 3's soft_shrink (whose parameter is named "
    "`threshold`) and PyTorch's Softshrink (`lambd`).",
)
def soft_shrink(x, lambd=0.5):
    """Soft shrinkage: `sign(x) max(|x| - lambd, 0)`, Donoho's soft thresholding (1995)."""
    # ">=": both sides give 0 at +-lambd, and lambd = 0 leaves the identity's slope at 0.
    zero = ops.zeros_like(x)
    return ops.where(x >= lambd, x - lambd, ops.where(x <= -lambd, x + lambd, zero))


@register(
    name="hard_shrink",
    aliases=("hardshrink", "hard_threshold"),
    formula=r"\begin{cases} x & |x| > \lambda \\ 0 & \text{otherwise} \end{cases}",
    reference=Reference(
        "Ideal spatial adaptation by wavelet shrinkage",
        year=1994,
        authors="Donoho, Johnstone",
        doi="10.1093/biomet/81.3.425",
    ),
    params=(_LAMBDA,),
    properties=("monotonic", "zero_centred", "piecewise_linear"),
    note="Same function and default as Keras 3's hard_shrink (whose parameter is named "
    "`threshold`) and PyTorch's Hardshrink (`lambd`). Discontinuous at +-lambd.",
)
def hard_shrink(x, lambd=0.5):
    """Hard shrinkage: `x` where `|x| > lambd`, else 0 (hard thresholding, Donoho & Johnstone)."""
    return ops.where(ops.abs(x) > lambd, x, ops.zeros_like(x))
