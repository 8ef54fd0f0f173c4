"""Activation shapes: what is drawn, the derivative's accuracy, and clear refusals."""

from __future__ import annotations

import numpy as np
import pytest

from actlab import plots
from tests.plots.figure_checks import PNG_SIGNATURE, labelled_lines, legend_texts

X = np.linspace(-4.0, 4.0, 161)


def test_one_panel_with_a_line_and_legend_entry_per_activation():
    figure = plots.activation_shapes(["relu", "tanhexp", "elu"])
    (ax,) = figure.axes
    assert len(labelled_lines(ax)) == 3
    assert legend_texts(ax) == ["relu", "tanhexp", "elu (alpha=1)"]
    assert ax.get_xlabel() == "x (pre-activation)" and ax.get_ylabel() == "f(x)"
    assert figure.get_suptitle() == "Activation functions"


def test_derivative_adds_a_second_panel_with_the_same_colours():
    figure = plots.activation_shapes(["relu", "elu:alpha=0.5"], derivative=True)
    values, slopes = figure.axes
    assert [ax.get_title() for ax in figure.axes] == ["Activation", "First derivative"]
    assert slopes.get_ylabel() == "f'(x)"
    assert legend_texts(values) == ["relu", "elu (alpha=0.5)"]
    colors = [[line.get_color() for line in labelled_lines(ax)] for ax in (values, slopes)]
    expected = plots.activation_colors(["relu", "elu(alpha=0.5)"])
    assert colors[0] == colors[1] == [expected["relu"], expected["elu(alpha=0.5)"]]


def test_colours_can_be_given_by_run_label():
    figure = plots.activation_shapes(["relu", "elu:alpha=0.5"],
                                     colors={"elu(alpha=0.5)": "#123456"})  # fmt: skip
    assert [line.get_color() for line in labelled_lines(figure.axes[0])][1] == "#123456"


def test_range_sets_the_sampled_interval():
    figure = plots.activation_shapes(["relu"], x_range=(-2, 3))
    xs = labelled_lines(figure.axes[0])[0].get_xdata()
    assert xs[0] == -2 and xs[-1] == 3


@pytest.mark.parametrize(
    ("name", "derivative"),
    [
        ("tanhexp", lambda x: np.tanh(np.exp(x)) - x * np.exp(x) * (np.tanh(np.exp(x)) ** 2 - 1)),
        ("sigmoid", lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
        ("elu", lambda x: np.where(x > 0, 1.0, np.exp(x))),
    ],
)
def test_derivative_matches_the_analytic_one(name, derivative):
    curve = plots.shape_curve(name, X)
    away_from_kink = np.abs(X) > 0.05
    np.testing.assert_allclose(curve.dy[away_from_kink], derivative(X)[away_from_kink],
                               rtol=1e-3, atol=1e-4)  # fmt: skip


def test_the_readme_s_own_activation_is_drawn():
    from keras import ops

    from actlab import activations

    @activations.register(name="plotted_softplus_linear", reference="README")
    def plotted_softplus_linear(x, scale=2.0):
        """The README's example: a float32 constant, ops.log(2.0), beside the input."""
        return ops.where(x <= 0, scale * ops.softplus(x), x + scale * ops.log(2.0))

    try:
        curve = plots.shape_curve("plotted_softplus_linear", X)
    finally:
        activations.unregister("plotted_softplus_linear")
    expected = np.where(X <= 0, 2 * np.logaddexp(0, X), X + 2 * np.log(2.0))
    np.testing.assert_allclose(curve.y, expected, rtol=1e-6, atol=1e-6)


def test_derivative_leaves_out_jumps_instead_of_drawing_spikes():
    curve = plots.shape_curve("hard_shrink", X)  # jumps at x = +-0.5
    near_jump = np.abs(np.abs(X) - 0.5) < 1e-9
    assert np.isnan(curve.dy[near_jump]).all()
    assert np.nanmax(np.abs(curve.dy)) <= 1.0 + 1e-6


def test_learnable_entry_is_drawn_with_its_initial_weights():
    curve = plots.shape_curve("prelu", X)
    np.testing.assert_allclose(curve.y, np.where(X > 0, X, 0.25 * X), atol=1e-6)
    assert curve.legend == "prelu (alpha_init=0.25), initial weights"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("crelu", "changes the shape of its input"),
        ("zero_fit_linear", "depends on other units of the same sample"),
        ("frelu", "depends on other units of the same sample"),
    ],
)
def test_activations_without_a_curve_are_refused_by_name(name, reason):
    assert reason in plots.shape_problem(name)
    with pytest.raises(ValueError, match=f"{name} .*{reason}"):
        plots.activation_shapes(["relu", name])


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="unknown activation 'nosuch'"):
        plots.activation_shapes(["nosuch"])
    with pytest.raises(ValueError, match="outside its allowed range"):
        plots.activation_shapes(["elu:alpha=-1"])
    with pytest.raises(ValueError, match="low < high"):
        plots.activation_shapes(["relu"], x_range=(1, -1))
    with pytest.raises(ValueError, match="at least one"):
        plots.activation_shapes([])


def test_saved_as_png(tmp_path):
    path = plots.save_figure(plots.activation_shapes(["mish"], derivative=True),
                             tmp_path / "shapes.png")  # fmt: skip
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert plots.figure_to_png(plots.activation_shapes(["mish"])).startswith(PNG_SIGNATURE)
