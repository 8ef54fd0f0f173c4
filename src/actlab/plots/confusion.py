"""Confusion matrices per activation: counts, coloured by the fraction of each true class."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from actlab.plots.style import new_figure, plain_text

#: Above this many classes the counts are not written in the cells.
MAX_ANNOTATED_CLASSES = 12


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts, rows = true class, columns = predicted class."""
    y_true, y_pred = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} differ in shape")
    flat = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return flat[: num_classes * num_classes].reshape(num_classes, num_classes)


def summed_confusion(
    predictions: Iterable[Mapping[str, np.ndarray]], num_classes: int
) -> np.ndarray:
    """The sum of the confusion matrices of several runs' ``{"y_true", "y_pred"}``."""
    matrices = [confusion_matrix(p["y_true"], p["y_pred"], num_classes) for p in predictions]
    if not matrices:
        raise ValueError("no predictions to sum")
    return np.sum(matrices, axis=0)


def confusion_matrices(
    matrices: Mapping[str, np.ndarray],
    *,
    class_names: Sequence[str] | None = None,
    subtitles: Mapping[str, str] | None = None,
    title: str = "Confusion matrices",
    columns: int = 3,
) -> Figure:
    """One confusion matrix per activation (`matrices`: label -> counts), side by side.

    Cells show counts and are coloured by the fraction of their true class (row), so classes
    of any size compare; `subtitles` say what each matrix is (e.g. "sum over 3 seeds").
    """
    if not matrices:
        raise ValueError("no confusion matrices to draw")
    columns = min(columns, len(matrices))
    rows = math.ceil(len(matrices) / columns)
    figure = new_figure(4.2 * columns + 1.0, 4.6 * rows + 0.9)
    axes = figure.subplots(rows, columns, squeeze=False)
    images = []
    for ax, (label, counts) in zip(axes.flat, matrices.items(), strict=False):
        images.append(_draw_matrix(ax, np.asarray(counts), class_names))
        subtitle = (subtitles or {}).get(label)
        ax.set_title(label + (f"\n{plain_text(subtitle)}" if subtitle else ""), fontsize="medium")
    for ax in list(axes.flat)[len(matrices) :]:
        ax.set_axis_off()
    colorbar = figure.colorbar(images[-1], ax=axes, shrink=0.8)
    colorbar.set_label("fraction of the true class")
    figure.suptitle(plain_text(title))
    return figure


def _draw_matrix(ax, counts: np.ndarray, class_names: Sequence[str] | None):
    totals = counts.sum(axis=1, keepdims=True)
    fractions = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    image = ax.imshow(fractions, cmap="Blues", vmin=0.0, vmax=1.0)
    size = counts.shape[0]
    if size <= MAX_ANNOTATED_CLASSES:
        for (row, column), count in np.ndenumerate(counts):
            color = "white" if fractions[row, column] > 0.5 else "black"
            ax.text(column, row, str(count), ha="center", va="center", fontsize=7, color=color)
    ticks = range(size)
    names = [plain_text(n) for n in class_names] if class_names else [str(t) for t in ticks]
    ax.set_xticks(ticks, names, rotation=90 if max(map(len, names)) > 2 else 0,
                  fontsize="small")  # fmt: skip
    ax.set_yticks(ticks, names, fontsize="small")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    return image
