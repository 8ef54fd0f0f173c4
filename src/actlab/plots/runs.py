"""Per-run results of a comparison: test accuracy per seed, time per epoch, accuracy vs time."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from actlab.experiments.significance import mean_interval
from actlab.plots.style import FINISHED, Colors, colors_for, label_order, new_figure

#: Half-width of the horizontal spread of one activation's seed points, in category units.
JITTER = 0.18


def accuracy_per_seed(
    runs: pd.DataFrame,
    *,
    order: Sequence[str] | None = None,
    colors: Colors | None = None,
    baseline: str | None = None,
) -> Figure:
    """Each finished run's test accuracy as a point, with the mean and its 95% CI per activation.

    `runs` has one row per run with label, seed, status and test_accuracy (``Store.runs(name)``
    or ``ComparisonResult.runs()``). A dashed line marks the `baseline`'s mean, if given.
    """
    frame = _finished(runs, "test_accuracy")
    labels = label_order(frame, order)
    palette = colors_for(labels, colors)
    figure = new_figure(max(5.5, 1.3 * len(labels) + 2.5), 4.8)
    ax = figure.subplots()
    for index, label in enumerate(labels):
        values = _values(frame, label, "test_accuracy")
        ax.scatter(index + _offsets(len(values)), values, color=palette[label], alpha=0.75,
                   edgecolor="white", linewidth=0.5, zorder=2)  # fmt: skip
        _mean_with_interval(ax, index, values)
    if baseline in labels:
        ax.axhline(_values(frame, baseline, "test_accuracy").mean(), color="0.4",
                   linestyle="--", linewidth=1, zorder=1)  # fmt: skip
    _category_axis(ax, labels, frame)
    ax.set_ylabel("test accuracy (fraction correct)")
    ax.set_title("Test accuracy per seed\n(points: runs; black: mean, 95% CI)")
    ax.legend(handles=_accuracy_legend(baseline if baseline in labels else None),
              loc="best", fontsize="small")  # fmt: skip
    return figure


def epoch_times(
    runs: pd.DataFrame,
    *,
    order: Sequence[str] | None = None,
    colors: Colors | None = None,
    baseline: str | None = None,
) -> Figure:
    """Time per epoch of each activation: a bar at the mean over runs, a point per run.

    A run's time is its median epoch time (the first epoch also compiles, so the median is
    the steady speed). With a `baseline`, each bar is labelled with its ratio to it.
    """
    frame = _finished(runs, "median_epoch_seconds")
    labels = label_order(frame, order)
    palette = colors_for(labels, colors)
    figure = new_figure(max(5.5, 1.3 * len(labels) + 2.5), 4.8)
    ax = figure.subplots()
    means = [_values(frame, label, "median_epoch_seconds").mean() for label in labels]
    bars = ax.bar(range(len(labels)), means, color=[palette[label] for label in labels],
                  alpha=0.6, width=0.6)  # fmt: skip
    for index, label in enumerate(labels):
        values = _values(frame, label, "median_epoch_seconds")
        ax.scatter(index + _offsets(len(values)), values, color="black", s=14, zorder=3)
    if baseline in labels:
        reference = means[labels.index(baseline)]
        ax.bar_label(bars, labels=[f"×{m / reference:.2f}" for m in means], padding=2)
    _category_axis(ax, labels, frame)
    ax.set_ylabel("time per epoch (s, median over epochs)")
    ax.set_title("Training time per epoch\n(bars: mean over runs; points: runs)")
    return figure


def accuracy_vs_time(
    runs: pd.DataFrame,
    *,
    order: Sequence[str] | None = None,
    colors: Colors | None = None,
) -> Figure:
    """Mean test accuracy (95% CI) against mean time per epoch (±1 std), one point each."""
    frame = _finished(runs, "test_accuracy", "median_epoch_seconds")
    labels = label_order(frame, order)
    palette = colors_for(labels, colors)
    figure = new_figure(7.0, 5.0)
    ax = figure.subplots()
    for label in labels:
        accuracy = _values(frame, label, "test_accuracy")
        seconds = _values(frame, label, "median_epoch_seconds")
        low, high = _interval(accuracy)
        ax.errorbar(seconds.mean(), accuracy.mean(),
                    yerr=[[accuracy.mean() - low], [high - accuracy.mean()]],
                    xerr=_std(seconds), fmt="o", color=palette[label], capsize=4,
                    markersize=7, label=label)  # fmt: skip
    ax.set_xlabel("time per epoch (s, median over epochs; mean ± std over runs)")
    ax.set_ylabel("test accuracy (mean with 95% CI)")
    ax.set_title("Test accuracy against time per epoch (up and left is better)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return figure


def _finished(runs: pd.DataFrame, *columns: str) -> pd.DataFrame:
    frame = runs[runs["status"] == FINISHED] if "status" in runs else runs
    frame = frame.dropna(subset=list(columns))
    if frame.empty:
        raise ValueError(f"no finished runs with {' and '.join(columns)} to draw")
    return frame


def _values(frame: pd.DataFrame, label: str, column: str) -> np.ndarray:
    return frame.loc[frame["label"] == label, column].to_numpy(dtype=float)


def _offsets(count: int) -> np.ndarray:
    """Evenly spread horizontal offsets (deterministic jitter) for `count` points."""
    return np.zeros(count) if count < 2 else np.linspace(-JITTER, JITTER, count)


def _interval(values: np.ndarray) -> tuple[float, float]:
    low, high = mean_interval(values)
    mean = float(values.mean())
    return (mean, mean) if math.isnan(low) else (low, high)


def _std(values: np.ndarray) -> float:
    return float(values.std(ddof=1)) if len(values) > 1 else 0.0


def _mean_with_interval(ax, index: int, values: np.ndarray) -> None:
    mean = float(values.mean())
    low, high = _interval(values)
    ax.errorbar(index, mean, yerr=[[mean - low], [high - mean]], fmt="D", color="black",
                capsize=8, markersize=6, zorder=3)  # fmt: skip


def _category_axis(ax, labels: list[str], frame: pd.DataFrame) -> None:
    counts = frame.groupby("label")["seed"].count()
    ax.set_xticks(range(len(labels)), [f"{label}\n(n={counts[label]})" for label in labels])
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_xlabel("activation (n = finished runs)")
    ax.grid(True, axis="y", alpha=0.3)


def _accuracy_legend(baseline: str | None) -> list[Line2D]:
    handles = [
        Line2D([], [], marker="o", linestyle="", color="0.5", label="one run (seed)"),
        Line2D([], [], marker="D", linestyle="-", color="black", label="mean, 95% CI"),
    ]
    if baseline is not None:
        handles.append(Line2D([], [], linestyle="--", color="0.4",
                              label=f"baseline mean ({baseline})"))  # fmt: skip
    return handles
