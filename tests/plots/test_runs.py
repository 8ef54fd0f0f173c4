"""Per-run figures: accuracy per seed, time per epoch, accuracy against time."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.container import ErrorbarContainer
from matplotlib.patches import Rectangle

from actlab import plots
from tests.plots.figure_checks import legend_texts
from tests.plots.frames import LABELS, runs_frame


def test_accuracy_per_seed_draws_every_finished_run_and_the_mean_with_ci():
    runs = runs_frame(statuses={("tanhexp", 2): "diverged"})
    figure = plots.accuracy_per_seed(runs, baseline="relu")
    (ax,) = figure.axes
    points = [collection.get_offsets() for collection in _scatters(ax)]
    assert [len(p) for p in points] == [3, 2, 3]  # the diverged run is left out
    np.testing.assert_allclose(sorted(points[0][:, 1]), [0.8, 0.805, 0.81])
    assert sum(isinstance(c, ErrorbarContainer) for c in ax.containers) == len(LABELS)
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "relu\n(n=3)", "tanhexp\n(n=2)", "elu(alpha=0.5)\n(n=3)",
    ]  # fmt: skip
    assert legend_texts(ax) == ["one run (seed)", "mean, 95% CI", "baseline mean (relu)"]
    assert ax.get_ylabel() == "test accuracy (fraction correct)"
    assert "95% CI" in ax.get_title()


def test_points_take_the_activation_colours():
    figure = plots.accuracy_per_seed(runs_frame())
    colors = plots.activation_colors(LABELS)
    faces = [c.get_facecolor()[0][:3] for c in _scatters(figure.axes[0])]
    expected = [tuple(int(colors[label][i : i + 2], 16) / 255 for i in (1, 3, 5))
                for label in LABELS]  # fmt: skip
    np.testing.assert_allclose(faces, expected, atol=1 / 255)


def _scatters(ax) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def test_order_puts_activations_where_asked():
    figure = plots.accuracy_per_seed(runs_frame(), order=["tanhexp"])
    labels = [t.get_text().split("\n")[0] for t in figure.axes[0].get_xticklabels()]
    assert labels == ["tanhexp", "relu", "elu(alpha=0.5)"]


def test_epoch_times_has_a_bar_per_activation_with_its_ratio_to_the_baseline():
    figure = plots.epoch_times(runs_frame(), baseline="relu")
    (ax,) = figure.axes
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == len(LABELS)
    np.testing.assert_allclose([b.get_height() for b in bars], [1.1, 1.6, 2.1])
    assert [t.get_text() for t in ax.texts] == ["×1.00", "×1.45", "×1.91"]
    assert ax.get_ylabel() == "time per epoch (s, median over epochs)"


def test_accuracy_vs_time_has_one_point_with_error_bars_per_activation():
    figure = plots.accuracy_vs_time(runs_frame())
    (ax,) = figure.axes
    containers = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(containers) == len(LABELS) and all(c.has_xerr and c.has_yerr for c in containers)
    assert legend_texts(ax) == list(LABELS)
    assert ax.get_xlabel().startswith("time per epoch (s")
    assert ax.get_ylabel() == "test accuracy (mean with 95% CI)"


def test_without_finished_runs_there_is_nothing_to_draw():
    runs = runs_frame(labels=("relu",), seeds=1, statuses={("relu", 0): "failed"})
    for draw in (plots.accuracy_per_seed, plots.epoch_times, plots.accuracy_vs_time):
        with pytest.raises(ValueError, match="no finished runs"):
            draw(runs)
