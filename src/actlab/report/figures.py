"""The report's figures, each drawn from a comparison or skipped with a reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from actlab import plots
from actlab.activations import UnknownActivationError
from actlab.experiments.store import exception_summary
from actlab.experiments.user_modules import USER_ERRORS
from actlab.plots.curves import BANDS
from actlab.plots.style import figure_to_png
from actlab.report.data import ComparisonData, ReportError
from actlab.report.document import Image

CONFUSION_MODES = ("sum", "best")


@dataclass
class FigureSet:
    """The figures drawn, and one note per figure (or activation) that could not be."""

    images: list[Image] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def attempt(self, key: str, title: str, caption: str, draw: Callable[[], Figure]) -> None:
        """Draw one figure; an expected failure becomes a note instead of an error."""
        try:
            figure = draw()
        except (ValueError, TypeError, OSError, ReportError) as error:
            self.notes.append(f"{title}: not drawn ({_one_line(error)})")
            return
        self.images.append(Image(key=key, title=title, caption=caption, png=figure_to_png(figure)))


def report_figures(
    data: ComparisonData,
    *,
    band: str = "std",
    confusion: str = "sum",
    data_dir: str | Path | None = None,
) -> FigureSet:
    """All figures of the report, in reading order."""
    if band not in BANDS:
        raise ReportError(f"band must be one of {', '.join(BANDS)}, got {band!r}")
    if confusion not in CONFUSION_MODES:
        raise ReportError(
            f"confusion must be one of {', '.join(CONFUSION_MODES)}, got {confusion!r}"
        )
    colors = plots.activation_colors(data.labels)
    found = FigureSet()
    _shapes(found, data, colors)
    _run_figures(found, data, colors, band)
    test_set = _TestImages(data, data_dir)
    _confusion(found, data, confusion, test_set)
    _best_run_pictures(found, data, test_set)
    return found


def _shapes(found: FigureSet, data: ComparisonData, colors) -> None:
    drawable = []
    for candidate in data.candidates():
        try:
            drawable.append(plots.shape_curve(candidate, np.linspace(-5.0, 5.0, 801)))
        except UnknownActivationError:
            found.notes.append(
                f"Activation shapes: {candidate.label} is not registered in this process "
                "(import the module that registers it, e.g. with --import)"
            )
        except USER_ERRORS as error:  # a user's activation may raise anything
            found.notes.append(
                f"Activation shapes: {candidate.label} left out ({exception_summary(error)})"
            )
    if drawable:
        found.attempt(
            "shapes", "Activation shapes",
            "Each compared activation f(x) and its first derivative (central differences); "
            "learnable activations with their initial weights.",
            lambda: plots.draw_curves(drawable, derivative=True, colors=colors),
        )  # fmt: skip


def _run_figures(found: FigureSet, data: ComparisonData, colors, band: str) -> None:
    order = data.labels
    band_text = BANDS[band]
    found.attempt(
        "learning-curves", "Learning curves",
        f"Loss and accuracy per epoch, training and validation, mean over the finished runs "
        f"of each activation; shaded band: {band_text}.",
        lambda: plots.learning_curves(data.epochs, band=band, order=order, colors=colors),
    )  # fmt: skip
    found.attempt(
        "accuracy-per-seed", "Test accuracy per seed",
        "Each point is one finished run (seed); black: mean and its 95% t-interval; dashed: "
        f"the baseline's ({data.baseline}) mean.",
        lambda: plots.accuracy_per_seed(data.runs, order=order, colors=colors,
                                        baseline=data.baseline),
    )  # fmt: skip
    found.attempt(
        "epoch-time", "Time per epoch",
        "Median epoch time of each run (the first epoch also compiles the model); bars: mean "
        f"over runs, labelled with the ratio to the baseline ({data.baseline}).",
        lambda: plots.epoch_times(data.runs, order=order, colors=colors, baseline=data.baseline),
    )  # fmt: skip
    found.attempt(
        "accuracy-vs-time", "Accuracy against time",
        "Mean test accuracy (error bar: 95% CI) against mean time per epoch (error bar: ±1 "
        "std over runs); up and to the left is better.",
        lambda: plots.accuracy_vs_time(data.runs, order=order, colors=colors),
    )  # fmt: skip


def _confusion(found: FigureSet, data: ComparisonData, mode: str, test_set) -> None:
    def draw() -> Figure:
        num_classes = int(data.task_config.get("num_classes") or 0)
        matrices, subtitles = {}, {}
        for label in data.labels:
            runs = _with_predictions(data, label)
            if runs.empty:
                continue
            if mode == "best":
                runs = runs.sort_values(["test_accuracy", "run_id"], ascending=[False, True])[:1]
            predictions = [data.predictions(run_id) for run_id in runs["run_id"]]
            classes = num_classes or 1 + max(int(p["y_true"].max()) for p in predictions)
            matrices[label] = plots.summed_confusion(predictions, classes)
            subtitles[label] = _confusion_subtitle(mode, runs)
        return plots.confusion_matrices(
            matrices, class_names=test_set.class_names(), subtitles=subtitles,
            title="Confusion matrices on the test set: "
            + ("counts summed over seeds" if mode == "sum" else "the best seed of each"),
        )  # fmt: skip

    found.attempt(
        "confusion", "Confusion matrices",
        "Rows: true class, columns: predicted class; cells: counts, coloured by the fraction "
        "of the true class. "
        + ("Counts are summed over all finished seeds of each activation." if mode == "sum"
           else "Each matrix is the activation's best seed (highest test accuracy)."),
        draw,
    )  # fmt: skip


def _best_run_pictures(found: FigureSet, data: ComparisonData, test_set) -> None:
    best = data.best_run()
    if best is None:
        found.notes.append("Predictions and first-layer weights: no finished run to show")
        return
    who = f"{best['label']} seed {int(best['seed'])} (test accuracy {best['test_accuracy']:.4f})"

    def grid() -> Figure:
        dataset = test_set.load()
        predicted = data.predictions(int(best["run_id"]))
        _check_same_labels(dataset.y_test, predicted["y_true"])
        return plots.prediction_grid(dataset.x_test, predicted["y_true"], predicted["y_pred"],
                                     class_names=dataset.class_names)  # fmt: skip

    found.attempt(
        "predictions", "Predictions of the best run",
        f"The first 96 test images with the labels predicted by the best run, {who}; a blue "
        "bar and a red label mark a mistake (article 002's picture).",
        grid,
    )  # fmt: skip
    found.attempt(
        "first-layer-weights", "First-layer weights of the best run",
        f"The first Dense or Conv layer of {who}, one image per unit (article 002's picture).",
        lambda: plots.first_layer_weights(_load_model(data, int(best["run_id"]))),
    )  # fmt: skip


def _with_predictions(data: ComparisonData, label: str):
    runs = data.finished()
    return runs[(runs["label"] == label) & runs["has_predictions"]]


def _confusion_subtitle(mode: str, runs) -> str:
    if mode == "best":
        row = runs.iloc[0]
        return f"best seed {int(row['seed'])} (accuracy {row['test_accuracy']:.4f})"
    count = len(runs)
    return f"sum over {count} seed" + "s" * (count != 1)


class _TestImages:
    """The comparison's test images, loaded once on first use (never downloaded)."""

    def __init__(self, data: ComparisonData, data_dir):
        self._data, self._data_dir = data, data_dir
        self._loaded = None

    def load(self):
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded

    def class_names(self):
        try:
            return self.load().class_names
        except ReportError:
            return None

    def _load(self):
        from actlab import data as datasets

        name = self._data.task_config.get("dataset")
        if not name:
            raise ReportError("the comparison's config names no dataset")
        options = dict(self._data.task_config.get("dataset_options") or {})
        try:
            return datasets.load(name, data_dir=self._data_dir, download=False, **options)
        except datasets.DatasetError as error:
            raise ReportError(f"dataset {name!r} is not available: {_one_line(error)}") from None


def _check_same_labels(y_test: np.ndarray, y_true: np.ndarray) -> None:
    count = len(y_true)
    if len(y_test) < count or not np.array_equal(y_test[:count], y_true):
        raise ReportError("the stored predictions do not match this copy of the test set")


def _load_model(data: ComparisonData, run_id: int):
    from actlab.experiments.training import model_from_bytes

    blob = data.model_bytes(run_id)
    try:
        return model_from_bytes(blob)
    except Exception as error:  # Keras raises many kinds for a model it cannot rebuild
        raise ReportError(
            f"the stored model cannot be loaded ({_one_line(error)}); if it uses your own "
            "activation, import the module that registers it"
        ) from None


def _one_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())
