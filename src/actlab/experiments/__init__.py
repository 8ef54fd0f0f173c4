"""Comparisons of activations: the runner, the SQLite results store and the statistics.

Each name loads its module on first use, so that the results store (`actlab.experiments.store`,
and the command line's `runs` and `export`) never imports Keras.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from actlab.activations import BoundActivation as Candidate
    from actlab.experiments.interrupts import ComparisonInterrupted
    from actlab.experiments.result import ComparisonResult
    from actlab.experiments.runner import compare
    from actlab.experiments.statistics import summarize
    from actlab.experiments.store import Store, StoreError

__all__ = [
    "Candidate",
    "ComparisonInterrupted",
    "ComparisonResult",
    "Store",
    "StoreError",
    "compare",
    "summarize",
]

#: name -> (module, attribute) it is loaded from.
_EXPORTS = {
    "Candidate": ("actlab.activations", "BoundActivation"),  # what a comparison compares
    "ComparisonInterrupted": ("actlab.experiments.interrupts", "ComparisonInterrupted"),
    "ComparisonResult": ("actlab.experiments.result", "ComparisonResult"),
    "Store": ("actlab.experiments.store", "Store"),
    "StoreError": ("actlab.experiments.store", "StoreError"),
    "compare": ("actlab.experiments.runner", "compare"),
    "summarize": ("actlab.experiments.statistics", "summarize"),
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'actlab.experiments' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value
