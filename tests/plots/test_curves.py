"""Learning curves: four panels, a mean line and a band per activation, the band named."""

from __future__ import annotations

import numpy as np
import pytest

from actlab import plots
from actlab.plots.curves import curve_statistics
from tests.plots.figure_checks import labelled_lines, legend_texts, texts
from tests.plots.frames import LABELS, epochs_frame


def test_four_panels_with_a_line_and_band_per_activation():
    figure = plots.learning_curves(epochs_frame())
    assert [ax.get_title() for ax in figure.axes] == [
        "Training loss", "Validation loss", "Training accuracy", "Validation accuracy",
    ]  # fmt: skip
    for ax in figure.axes:
        assert [line.get_label() for line in labelled_lines(ax)] == list(LABELS)
        assert len(ax.collections) == len(LABELS)  # one shaded band each
    assert legend_texts(figure.axes[0]) == list(LABELS)
    assert [ax.get_xlabel() for ax in figure.axes[2:]] == ["epoch", "epoch"]
    assert figure.axes[0].get_ylabel() == "loss (cross-entropy)"
    assert figure.axes[2].get_ylabel() == "accuracy (fraction correct)"


@pytest.mark.parametrize(
    ("band", "words"), [("std", "±1 std over seeds"), ("ci95", "95% CI of the mean")]
)
def test_the_title_says_which_band_is_drawn(band, words):
    figure = plots.learning_curves(epochs_frame(seeds=3), band=band)
    assert "mean over 3 seeds" in figure.get_suptitle() and words in figure.get_suptitle()


def test_the_line_is_the_mean_over_seeds_and_the_band_its_spread():
    frame = epochs_frame(labels=("relu",), seeds=3)
    figure = plots.learning_curves(frame, band="std")
    line = labelled_lines(figure.axes[0])[0]
    expected = frame.groupby("epoch")["loss"].mean().to_numpy()
    np.testing.assert_allclose(line.get_ydata(), expected)
    table = curve_statistics(frame, "loss", band="ci95")
    std = frame.groupby("epoch")["loss"].std().to_numpy()
    assert (table["high"].to_numpy() - table["mean"].to_numpy() > std).all()


def test_only_finished_runs_count():
    frame = epochs_frame(statuses={("relu", 0): "diverged", ("tanhexp", 1): "failed"})
    figure = plots.learning_curves(frame)
    mean = labelled_lines(figure.axes[0])[0].get_ydata()
    kept = frame[(frame["label"] == "relu") & (frame["seed"] != 0)]
    np.testing.assert_allclose(mean, kept.groupby("epoch")["loss"].mean())


def test_one_seed_has_no_band_and_missing_validation_is_said():
    figure = plots.learning_curves(epochs_frame(seeds=1, validation=False))
    assert all(len(ax.collections) == 0 for ax in figure.axes)
    assert texts(figure.axes[1]) == ["not recorded in this comparison"]
    assert "mean over 1 seed;" in figure.get_suptitle()


def test_bad_band_and_empty_history_are_refused():
    with pytest.raises(ValueError, match="band must be one of std, ci95"):
        plots.learning_curves(epochs_frame(), band="iqr")
    everything_failed = epochs_frame(labels=("relu",), seeds=1, statuses={("relu", 0): "failed"})
    with pytest.raises(ValueError, match="no epochs of finished runs"):
        plots.learning_curves(everything_failed)
