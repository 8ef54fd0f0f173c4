"""Shared look of actlab's figures: Agg figures, one colour per activation, PNG output."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Dots per inch of saved PNGs: sharp on screens, small enough to embed in a report.
DPI = 100
#: A finished run's statistics use these statuses only (as `experiments.summarize` does).
FINISHED = "finished"

Colors = Mapping[str, str]


def new_figure(width: float = 8.0, height: float = 5.0) -> Figure:
    """A Figure drawn by Agg, outside pyplot (no global state, nothing to close)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def activation_colors(labels: Iterable[str]) -> dict[str, str]:
    """A colour per activation label, by position: the same order gives the same colours."""
    unique = list(dict.fromkeys(labels))
    palette = colormaps["tab10" if len(unique) <= 10 else "tab20"]
    count = palette.N
    return {label: _hex(palette(index % count)) for index, label in enumerate(unique)}


def colors_for(labels: Iterable[str], colors: Colors | None) -> dict[str, str]:
    """`colors` where given, completed by `activation_colors` for labels it lacks."""
    labels = list(dict.fromkeys(labels))
    chosen = dict(activation_colors(labels))
    chosen.update({k: v for k, v in (colors or {}).items() if k in chosen})
    return chosen


def label_order(frame, order: Iterable[str] | None = None) -> list[str]:
    """Labels of `frame["label"]`: those in `order` first (as given), then by first appearance."""
    present = list(dict.fromkeys(frame["label"]))
    first = [label for label in (order or []) if label in present]
    return first + [label for label in present if label not in first]


def figure_to_png(figure: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def save_figure(figure: Figure, path: str | Path, dpi: int = DPI) -> Path:
    """Write the figure to `path` (format from the suffix, e.g. .png, .svg, .pdf)."""
    path = Path(path)
    figure.savefig(path, dpi=dpi)
    return path


def plain_text(text: str) -> str:
    """`text` with `$` escaped, so matplotlib shows it as typed rather than as mathtext."""
    return str(text).replace("$", r"\$")


def _hex(rgba) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(round(channel * 255) for channel in rgba[:3]))
