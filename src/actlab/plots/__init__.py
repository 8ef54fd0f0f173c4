"""Figures of activations and comparisons; every function returns a matplotlib Figure.

Figures are drawn by Agg outside pyplot, so nothing needs closing and no window opens; save
one with ``save_figure(fig, "shapes.png")`` or ``figure_to_png(fig)``. Labels get the same
colour in every figure when the same order is used (``activation_colors``).

>>> plots.activation_shapes(["relu", "tanhexp", "elu:alpha=0.5"], derivative=True)
>>> plots.learning_curves(result.history(), band="ci95")
>>> plots.accuracy_per_seed(result.runs())
"""

from actlab.plots.confusion import confusion_matrices, confusion_matrix, summed_confusion
from actlab.plots.curves import learning_curves
from actlab.plots.images import first_layer_weights, first_weighted_layer, prediction_grid
from actlab.plots.runs import accuracy_per_seed, accuracy_vs_time, epoch_times
from actlab.plots.shapes import (
    Curve,
    activation_shapes,
    draw_curves,
    legend_label,
    shape_curve,
    shape_problem,
)
from actlab.plots.style import activation_colors, figure_to_png, save_figure

__all__ = [
    "Curve",
    "accuracy_per_seed",
    "accuracy_vs_time",
    "activation_colors",
    "activation_shapes",
    "confusion_matrices",
    "confusion_matrix",
    "draw_curves",
    "epoch_times",
    "figure_to_png",
    "first_layer_weights",
    "first_weighted_layer",
    "learning_curves",
    "legend_label",
    "prediction_grid",
    "save_figure",
    "shape_curve",
    "shape_problem",
    "summed_confusion",
]
