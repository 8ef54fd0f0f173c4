"""Checks for the fields of a `Task`: each returns the normalised value or raises
`TaskConfigError` naming the field and what it allows."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from actlab.checks import in_interval, interval_text, is_integer, is_real

Check = Callable[[str, Any], Any]


class TaskConfigError(ValueError, TypeError):
    """A task field or override that is unknown, of the wrong type or out of range.

    A `ValueError` and a `TypeError` both, so either ``except`` clause catches it.
    """


def _bad(field: str, expected: str, value: Any) -> TaskConfigError:
    return TaskConfigError(f"{field} must be {expected}, got {type(value).__name__} {value!r}")


def real(low=-math.inf, high=math.inf, low_open=False, high_open=False) -> Check:
    """A finite real number in the given interval (ints accepted, stored as float)."""
    interval = interval_text(low, high, low_open, high_open)

    def check(field: str, value: Any) -> float:
        if not is_real(value):
            raise _bad(field, f"a number in {interval}", value)
        value = float(value)
        if not in_interval(value, low, high, low_open, high_open):
            raise TaskConfigError(f"{field}={value!r} is outside its allowed range {interval}")
        return value

    return check


def integer(low: int = 1, high: float = math.inf) -> Check:
    """An integer in ``[low, high]``."""
    interval = interval_text(low, high)

    def check(field: str, value: Any) -> int:
        if not is_integer(value):
            raise _bad(field, f"an integer in {interval}", value)
        if not low <= value <= high:
            raise TaskConfigError(f"{field}={value!r} is outside its allowed range {interval}")
        return int(value)

    return check


def optional(inner: Check) -> Check:
    """None, or what `inner` accepts."""

    def check(field: str, value: Any):
        return None if value is None else inner(field, value)

    return check


def choice(*allowed: str) -> Check:
    def check(field: str, value: Any) -> str:
        if value not in allowed:
            raise TaskConfigError(f"{field} must be one of {list(allowed)}, got {value!r}")
        return value

    return check


def text(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _bad(field, "a string", value)
    return value


def name(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.isidentifier():
        raise _bad(field, "a snake_case identifier", value)
    return value


def flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _bad(field, "True or False", value)
    return value


def shape(field: str, value: Any) -> tuple[int, ...]:
    """A non-empty tuple (or JSON list) of positive integers."""
    if (
        not isinstance(value, list | tuple)
        or not value
        or not all(is_integer(v) and v > 0 for v in value)
    ):
        raise _bad(field, "a non-empty tuple of positive integers, e.g. (28, 28, 1)", value)
    return tuple(int(v) for v in value)


def fractions(field: str, value: Any) -> tuple[float, ...]:
    """Increasing fractions of training in (0, 1), e.g. (0.5, 0.75)."""
    expected = "an increasing tuple of numbers in (0, 1), e.g. (0.5, 0.75)"
    if not isinstance(value, list | tuple) or not all(is_real(v) and 0 < v < 1 for v in value):
        raise _bad(field, expected, value)
    if any(b <= a for a, b in itertools.pairwise(value)):
        raise _bad(field, expected, value)
    return tuple(float(v) for v in value)


def json_mapping(field: str, value: Any) -> Mapping[str, Any]:
    """A read-only copy of a str-keyed mapping with JSON-serialisable values."""
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise _bad(field, "a mapping with string keys", value)
    try:
        json.dumps(dict(value))
    except TypeError as err:
        raise TaskConfigError(f"{field} must hold JSON values only: {err}") from err
    return MappingProxyType(dict(value))
