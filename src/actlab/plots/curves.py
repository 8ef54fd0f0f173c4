"""Learning curves of a comparison: loss and accuracy per epoch, mean over seeds with a band."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from scipy import stats

from actlab.plots.style import FINISHED, Colors, colors_for, label_order, new_figure

BANDS = {"std": "±1 std over seeds", "ci95": "95% CI of the mean over seeds"}
#: (column, panel title, y label) of the four panels, row by row.
PANELS = (
    ("loss", "Training loss", "loss (cross-entropy)"),
    ("val_loss", "Validation loss", "loss (cross-entropy)"),
    ("accuracy", "Training accuracy", "accuracy (fraction correct)"),
    ("val_accuracy", "Validation accuracy", "accuracy (fraction correct)"),
)


def learning_curves(
    history: pd.DataFrame,
    *,
    band: str = "std",
    order: Sequence[str] | None = None,
    colors: Colors | None = None,
    finished_only: bool = True,
) -> Figure:
    """Loss and accuracy per epoch, train and validation, mean over seeds with a band.

    `history` has one row per (run, epoch) with label, seed, epoch, loss, accuracy, val_loss,
    val_accuracy (``Store.epochs(name)`` or ``ComparisonResult.history()``); `band` is "std"
    (sample standard deviation) or "ci95" (t-interval of the mean). Only finished runs count
    unless `finished_only` is false (a diverged run's NaN epochs would hide the mean).
    """
    if band not in BANDS:
        raise ValueError(f"band must be one of {', '.join(BANDS)}, got {band!r}")
    frame = _finished(history) if finished_only else history
    if frame.empty:
        raise ValueError("no epochs of finished runs to draw")
    labels = label_order(frame, order)
    palette = colors_for(labels, colors)
    figure = new_figure(11.0, 7.5)
    axes = figure.subplots(2, 2, sharex=True)
    for ax, (column, title, ylabel) in zip(axes.flat, PANELS, strict=True):
        _draw_panel(ax, frame, column, labels, palette, band)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0][0].legend(loc="best", fontsize="small")
    seeds = frame.groupby("label")["seed"].nunique()
    figure.suptitle(f"Learning curves: mean over {_seed_text(seeds)}; band: {BANDS[band]}")
    return figure


def curve_statistics(frame: pd.DataFrame, column: str, band: str = "std") -> pd.DataFrame:
    """Per epoch: mean of `column` over runs, and the band's low and high edges."""
    grouped = frame.groupby("epoch")[column]
    table = pd.DataFrame({"mean": grouped.mean(), "n": grouped.count(), "std": grouped.std()})
    half = table["std"] if band == "std" else _ci95_half_width(table["std"], table["n"])
    table["low"], table["high"] = table["mean"] - half, table["mean"] + half
    return table.reset_index()


def _draw_panel(ax, frame, column, labels, palette, band) -> None:
    if column not in frame or frame[column].isna().all():
        ax.text(0.5, 0.5, "not recorded in this comparison", ha="center", va="center",
                transform=ax.transAxes, color="0.4")  # fmt: skip
        return
    for label in labels:
        table = curve_statistics(frame[frame["label"] == label].dropna(subset=[column]), column,
                                 band)  # fmt: skip
        if table.empty:
            continue
        ax.plot(table["epoch"], table["mean"], color=palette[label], label=label, marker="o",
                markersize=3)  # fmt: skip
        if table["n"].max() > 1:
            ax.fill_between(table["epoch"], table["low"], table["high"], color=palette[label],
                            alpha=0.2, linewidth=0)  # fmt: skip


def _ci95_half_width(std: pd.Series, n: pd.Series) -> pd.Series:
    dof = np.maximum(n - 1, 1)
    half = stats.t.ppf(0.975, dof) * std / np.sqrt(n)
    return half.where(n > 1)


def _finished(history: pd.DataFrame) -> pd.DataFrame:
    if "status" not in history:
        return history
    return history[history["status"] == FINISHED]


def _seed_text(seeds_per_label: pd.Series) -> str:
    counts = sorted(set(seeds_per_label))
    if len(counts) == 1:
        return f"{counts[0]} seed" + "s" * (counts[0] != 1)
    return f"{counts[0]}–{counts[-1]} seeds"
