"""Checks on what users type, shared by every layer of actlab: numbers and names.

Activation parameters, task fields, model and layer arguments and dataset options all take
numbers in an interval, and all look names up in a table; these are the one place each
check is written.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable
from typing import Any, TypeGuard


def is_integer(value: Any) -> TypeGuard[int]:  # NumPy integers act as ints
    """An integer (NumPy's included), but not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value: Any) -> bool:
    """A real number (NumPy's and ints included), but not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def interval_text(
    low: float = -math.inf, high: float = math.inf, low_open: bool = False, high_open: bool = False
) -> str:
    """``[0, 1)``-style text of an interval; an infinite end is always open."""
    left = "(" if low_open or low == -math.inf else "["
    right = ")" if high_open or high == math.inf else "]"
    return f"{left}{low:g}, {high:g}{right}"


def in_interval(
    value: float,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> bool:
    """Whether `value` is finite and inside the interval."""
    above = value > low if low_open else value >= low
    below = value < high if high_open else value <= high
    return math.isfinite(value) and above and below


def closest(name: str, known: Iterable[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """The `known` names most like `name` (at most `n`, best first; none when nothing is close)."""
    return difflib.get_close_matches(str(name), list(known), n=n, cutoff=cutoff)


def did_you_mean(name: str, known: Iterable[str], n: int = 3, cutoff: float = 0.5) -> str:
    """``" Did you mean 'a' or 'b'?"`` for the closest `known` names, or ``""``."""
    close = closest(name, known, n=n, cutoff=cutoff)
    return f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
