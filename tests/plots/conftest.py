"""Figures are inspected, not looked at: no window, no pyplot state left behind."""

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def no_pyplot_figures_left():
    """Every plot function draws outside pyplot, so pyplot never holds a figure."""
    yield
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    assert pyplot is None or pyplot.get_fignums() == []
