"""Tuning with Optuna: an activation's parameters, or the activation itself, searched on a
validation split, then the best confirmed against a baseline on the test set."""

from actlab.tune.pruning import METRICS, PruningCallback
from actlab.tune.result import TuneResult
from actlab.tune.search import DEFAULT_BASELINE, default_study_name, tune
from actlab.tune.space import Interval, SearchSpace, TuneError, build_space, default_interval
from actlab.tune.study import default_storage
from actlab.tune.trials import TrialFailed, trial_comparison

__all__ = [
    "DEFAULT_BASELINE",
    "METRICS",
    "Interval",
    "PruningCallback",
    "SearchSpace",
    "TrialFailed",
    "TuneError",
    "TuneResult",
    "build_space",
    "default_interval",
    "default_storage",
    "default_study_name",
    "trial_comparison",
    "tune",
]
