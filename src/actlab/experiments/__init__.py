"""Comparisons of activations: the runner, the SQLite results store and the statistics."""

from actlab.activations import BoundActivation as Candidate  # what a comparison compares
from actlab.experiments.result import ComparisonResult
from actlab.experiments.runner import ComparisonInterrupted, compare
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
