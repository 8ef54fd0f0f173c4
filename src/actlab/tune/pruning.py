"""Pruning: each epoch's validation metric goes to the Optuna trial, which may stop it."""

from __future__ import annotations

import math
from typing import Literal

import keras

#: Metrics a study may optimise, and the direction each is optimised in.
METRICS: dict[str, Literal["maximize", "minimize"]] = {
    "val_accuracy": "maximize",
    "val_loss": "minimize",
}


class PruningCallback(keras.callbacks.Callback):
    """Reports ``logs[metric]`` to `trial` at step ``first_step + epoch`` after every epoch;
    when the trial's pruner says so, training stops and `pruned_epoch` is set (1-based).

    Steps run on across a trial's seeds (seed k starts at step k × epochs), so a pruner
    compares every trial at the same epoch of the same seed.
    """

    def __init__(self, trial, metric: str, first_step: int = 0):
        super().__init__()
        self.trial = trial
        self.metric = metric
        self.first_step = first_step
        self.pruned_epoch: int | None = None

    def on_epoch_end(self, epoch, logs=None):
        if should_prune(self.trial, (logs or {}).get(self.metric), self.first_step + epoch):
            self.pruned_epoch = epoch + 1
            self.model.stop_training = True


def should_prune(trial, value, step: int) -> bool:
    """Report `value` (an epoch's metric) to `trial` at `step`; whether its pruner says to
    stop. A missing or non-finite value (a diverged epoch) is not reported."""
    if value is None or not math.isfinite(float(value)):
        return False  # a diverged epoch: the run records it, nothing to compare
    trial.report(float(value), step)
    return bool(trial.should_prune())
