"""Small synthetic runs and epochs tables shaped like `Store.runs()` and `Store.epochs()`."""

from __future__ import annotations

import numpy as np
import pandas as pd

LABELS = ("relu", "tanhexp", "elu(alpha=0.5)")


def runs_frame(labels=LABELS, seeds=3, statuses=None) -> pd.DataFrame:
    """One row per (label, seed): accuracy rising with the label's index, times likewise."""
    rows = []
    for index, label in enumerate(labels):
        for seed in range(seeds):
            status = (statuses or {}).get((label, seed), "finished")
            finished = status == "finished"
            rows.append({
                "run_id": len(rows) + 1, "label": label, "activation": label.split("(")[0],
                "seed": seed, "status": status,
                "test_accuracy": 0.8 + 0.02 * index + 0.005 * seed if finished else np.nan,
                "test_loss": 0.5 - 0.01 * index if finished else np.nan,
                "median_epoch_seconds": 1.0 + 0.5 * index + 0.1 * seed,
            })  # fmt: skip
    return pd.DataFrame(rows)


def epochs_frame(labels=LABELS, seeds=3, epochs=4, statuses=None, validation=True):
    """One row per (run, epoch): loss falling and accuracy rising with the epoch."""
    rows = []
    for run in runs_frame(labels, seeds, statuses).itertuples():
        for epoch in range(1, epochs + 1):
            diverged = run.status == "diverged" and epoch == epochs
            rows.append({
                "run_id": run.run_id, "label": run.label, "seed": run.seed,
                "status": run.status, "epoch": epoch,
                "loss": np.nan if diverged else 1.0 / epoch + 0.01 * run.seed,
                "accuracy": 1.0 - 0.5 / epoch - 0.01 * run.seed,
                "val_loss": 1.1 / epoch if validation else np.nan,
                "val_accuracy": 0.95 - 0.5 / epoch if validation else np.nan,
                "seconds": 1.0,
            })  # fmt: skip
    return pd.DataFrame(rows)
