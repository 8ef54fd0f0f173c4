"""Activations with a periodic component: Snake, GCU, sine, sinc and the sinc units."""

from __future__ import annotations

import math

from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations import numerics
from actlab.activations.numerics import where_safe
from actlab.activations.registry import registrar

register = registrar("periodic", builtin=True)

# pi = _PI_HI + _PI_LO with _PI_HI the float32 nearest pi: x - _PI_HI is exact near pi, so
# (x - _PI_HI) - _PI_LO keeps the digits of x - pi that sin(x) / (x - pi) needs there.
_PI_HI = 3.1415927410125732
_PI_LO = -8.742278000372485e-08

# sin(x)/x = sum_k (-1)^k x^(2k) / (2k+1)!; six terms are exact to float32 for |x| < 1/2.
_SINC_SERIES = (1.0, -1 / 6, 1 / 120, -1 / 5040, 1 / 362880, -1 / 39916800)
_SERIES_BELOW = 0.5

_NOEL_2021 = Reference(
    "Biologically Inspired Oscillating Activation Functions Can Bridge the Performance Gap "
    "between Biological and Artificial Neurons", year=2021,
    authors="Noel, Bharadwaj, Muthiah-Nakarajan, Dutta, Amali", arxiv="2111.04020",
)  # fmt: skip
_OSCILLATING = ("bounded", "bounded_below", "bounded_above", "smooth", "periodic_component")


def _sinc(x):
    """sin(x) / x with value 1 and a finite gradient at 0 (series for |x| < 1/2)."""
    small = ops.abs(x) < _SERIES_BELOW
    far = where_safe(ops.logical_not(small), x, 1.0)
    return ops.where(small, _sinc_series(where_safe(small, x, 0.0)), numerics.sin(far) / far)


def _sinc_series(x):
    """sin(x) / x for |x| < 1/2 (finite everywhere; feed it only such x for a gradient)."""
    x2 = ops.square(x)
    series = _SINC_SERIES[-1]
    for c in reversed(_SINC_SERIES[:-1]):
        series = c + x2 * series
    return series


def _minus_pi(x):
    return (x - _PI_HI) - _PI_LO


def _plus_pi(x):
    return (x + _PI_HI) + _PI_LO


@register(
    name="snake",
    formula=r"x + \frac{\sin^2(\alpha x)}{\alpha}",
    reference=Reference(
        "Neural Networks Fail to Learn Periodic Functions and How to Fix It",
        year=2020,
        authors="Ziyin, Hartwig, Ueda",
        arxiv="2006.08195",
    ),
    params=(Param("alpha", 1.0, low=0, low_open=True, doc="frequency a of the periodic part"),),
    properties=("monotonic", "smooth", "zero_centred", "periodic_component"),
    note="The frequency is a fixed parameter here; the paper also learns it per channel.",
)
def snake(x, alpha=1.0):
    """Snake: `f(x) = x + sin^2(alpha x) / alpha` (Ziyin, Hartwig & Ueda, 2020).

    Monotonic (its slope is `1 + sin(2 alpha x)`), linear trend plus a periodic ripple.
    """
    return x + ops.square(numerics.sin(alpha * x)) / alpha


@register(
    name="gcu",
    aliases=("growing_cosine_unit",),
    formula=r"x \cos x",
    reference=Reference(
        "Growing Cosine Unit: A Novel Oscillatory Activation Function That Can Speedup "
        "Training and Reduce Parameters in Convolutional Neural Networks",
        year=2021,
        authors="Noel, Arunkumar L, Trivedi, Dutta",
        arxiv="2108.12943",
    ),
    properties=("smooth", "zero_centred", "periodic_component"),
)
def gcu(x):
    """Growing cosine unit: `f(x) = x cos(x)` (Noel et al., 2021)."""
    return x * numerics.cos(x)


@register(
    name="sine",
    aliases=("sin", "siren"),
    formula=r"\sin(\omega_0 x)",
    reference=Reference(
        "Implicit Neural Representations with Periodic Activation Functions",
        year=2020,
        authors="Sitzmann, Martel, Bergman, Lindell, Wetzstein",
        arxiv="2006.09661",
    ),
    params=(Param("w0", 1.0, low=0, low_open=True, doc="frequency omega_0 (SIREN uses 30)"),),
    properties=(
        "bounded",
        "bounded_below",
        "bounded_above",
        "smooth",
        "zero_centred",
        "periodic_component",
    ),
    note="Default w0=1 is the plain sine; SIREN uses w0=30 together with its own weight "
    "initialisation, which this function does not provide.",
)
def sine(x, w0=1.0):
    """Sine: `f(x) = sin(w0 x)`, SIREN's activation (Sitzmann et al., 2020; SIREN uses w0 = 30)."""
    return numerics.sin(w0 * x)


@register(
    name="sinc",
    formula=r"\begin{cases} \frac{\sin x}{x} & x \ne 0 \\ 1 & x = 0 \end{cases}",
    reference=Reference(
        "Three Decades of Activations: A Comprehensive Survey of 400 Activation Functions for "
        "Neural Networks",
        year=2024,
        authors="Kunc, Kléma",
        arxiv="2402.09092",
    ),
    properties=_OSCILLATING,
    note="The unnormalised sinc sin(x)/x; NumPy's and PyTorch's sinc are sin(pi x)/(pi x).",
)
def sinc(x):
    """Sinc: `f(x) = sin(x) / x`, 1 at 0 (the unnormalised sinc, not NumPy's sin(pi x)/(pi x))."""
    return _sinc(x)


@register(
    name="shifted_sinc_unit",
    aliases=("ssu",),
    formula=r"\pi \operatorname{sinc}(x - \pi) = \frac{\pi \sin x}{\pi - x}",
    reference=_NOEL_2021,
    properties=(*_OSCILLATING, "zero_centred"),
    note="sinc(z) = sin(z)/z, so f(0) = 0 and f'(0) = 1; implementations that call "
    "torch.sinc (sin(pi z)/(pi z)) compute a different function.",
)
def shifted_sinc_unit(x):
    """Shifted sinc unit: `f(x) = pi sinc(x - pi) = pi sin(x) / (pi - x)` (Noel et al., 2021)."""
    d = _minus_pi(x)
    near = ops.abs(d) < _SERIES_BELOW
    # Away from pi, sin(x) itself is exact where sin(x - pi) of a rounded x - pi is not.
    far = where_safe(ops.logical_not(near), d, 1.0)
    at_pi = math.pi * _sinc_series(where_safe(near, d, 0.0))
    return ops.where(near, at_pi, -math.pi * numerics.sin(x) / far)


@register(
    name="decaying_sine_unit",
    aliases=("dsu",),
    formula=r"\frac{\pi}{2}\left(\operatorname{sinc}(x - \pi) - \operatorname{sinc}(x + \pi)"
    r"\right) = \frac{\pi^2 \sin x}{\pi^2 - x^2}",
    reference=_NOEL_2021,
    properties=(*_OSCILLATING, "zero_centred"),
    note="sinc(z) = sin(z)/z; f is odd with f'(0) = 1 and f(+-pi) = +-pi/2.",
)
def decaying_sine_unit(x):
    """Decaying sine unit: `(pi/2)(sinc(x - pi) - sinc(x + pi)) = pi^2 sin x / (pi^2 - x^2)`.

    Noel et al. (2021). The removable singularities at +-pi are computed through sinc there.
    """
    d_minus, d_plus = _minus_pi(x), _plus_pi(x)
    near_pi = ops.abs(d_minus) < _SERIES_BELOW
    near_minus_pi = ops.abs(d_plus) < _SERIES_BELOW
    elsewhere = ops.logical_not(ops.logical_or(near_pi, near_minus_pi))
    pi2 = math.pi**2
    at_pi = pi2 * _sinc_series(where_safe(near_pi, d_minus, 0.0)) / where_safe(near_pi, d_plus, 1.0)
    at_minus_pi = (
        pi2
        * _sinc_series(where_safe(near_minus_pi, d_plus, 0.0))
        / where_safe(near_minus_pi, d_minus, 1.0)
    )
    far_minus = where_safe(elsewhere, d_minus, 1.0)
    far_plus = where_safe(elsewhere, d_plus, 1.0)
    generic = -pi2 * (numerics.sin(x) / far_minus) / far_plus
    return ops.where(near_pi, at_pi, ops.where(near_minus_pi, at_minus_pi, generic))
