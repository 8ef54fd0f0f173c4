"""The shape of a reference: an mpmath formula plus where it has kinks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import mpmath

mpmath.mp.dps = 60


@dataclass(frozen=True)
class Ref:
    """``f(x: mpf, **params) -> mpf`` from the paper, and its non-differentiable points.

    `params` are non-default parameter sets the tests also check (besides the defaults).
    `elementwise=False` marks entries whose output depends on other elements (zero_fit_linear);
    their reference takes and returns a whole NumPy array of mpf.
    """

    f: Callable
    kinks: tuple[float, ...] = ()
    params: tuple[dict, ...] = field(default_factory=tuple)
    elementwise: bool = True
