"""Structure of a matplotlib figure, for tests that check what is drawn rather than pixels."""

from __future__ import annotations

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [text.get_text() for text in legend.get_texts()]


def labelled_lines(ax) -> list:
    """Lines drawn for data (reference lines such as axhline carry no label)."""
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def data_axes(figure) -> list:
    """The figure's axes without colour bars."""
    return [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]


def texts(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]
