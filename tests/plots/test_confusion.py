"""Confusion matrices: counts right, one panel per activation, saying what was summed."""

from __future__ import annotations

import numpy as np
import pytest

from actlab import plots
from tests.plots.figure_checks import data_axes, texts


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    counts = plots.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], num_classes=3)
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])


def test_summed_confusion_adds_the_runs():
    runs = [{"y_true": np.array([0, 1]), "y_pred": np.array([0, 0])}] * 3
    np.testing.assert_array_equal(plots.summed_confusion(runs, 2), [[3, 0], [3, 0]])
    with pytest.raises(ValueError, match="no predictions"):
        plots.summed_confusion([], 2)


def test_one_panel_per_activation_with_counts_and_a_shared_colour_bar():
    matrices = {"relu": np.eye(3, dtype=int) * 5, "tanhexp": np.ones((3, 3), dtype=int)}
    figure = plots.confusion_matrices(matrices, subtitles={"relu": "sum over 2 seeds"},
                                      class_names=["a", "b", "c"], title="Test set")  # fmt: skip
    panels = data_axes(figure)
    assert len(panels) == 2 and len(figure.axes) == 3
    assert [ax.get_title() for ax in panels] == ["relu\nsum over 2 seeds", "tanhexp"]
    assert texts(panels[0])[:3] == ["5", "0", "0"]
    assert [t.get_text() for t in panels[0].get_xticklabels()] == ["a", "b", "c"]
    assert panels[0].get_xlabel() == "predicted class" and panels[0].get_ylabel() == "true class"
    assert figure.axes[-1].get_ylabel() == "fraction of the true class"
    assert figure.get_suptitle() == "Test set"


def test_many_panels_wrap_into_rows():
    matrices = {f"a{i}": np.ones((2, 2), dtype=int) for i in range(4)}
    figure = plots.confusion_matrices(matrices)
    visible = [ax for ax in data_axes(figure) if ax.axison]
    assert len(visible) == 4 and len(data_axes(figure)) == 6
