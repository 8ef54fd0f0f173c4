"""Activation shapes: f(x) and f'(x) of catalog entries on a range, parameters in the legend.

Derivatives are central finite differences with a step scaled to float32 (any backend, any
dtype); where two step sizes disagree (at a jump or right at a kink) the point is left out
rather than drawn as a spike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import keras
import numpy as np
from matplotlib.figure import Figure

from actlab import activations as catalog
from actlab.plots.style import Colors, colors_for, new_figure

DEFAULT_RANGE = (-5.0, 5.0)
DEFAULT_POINTS = 801
#: Line styles in turn, so curves that coincide (e.g. for x > 0) stay distinguishable.
LINE_STYLES = ("-", "--", "-.", ":")
#: Relative disagreement between the steps h and 4h beyond which a derivative is left out.
_DERIVATIVE_TOLERANCE = 1e-2

ActivationLike = str | catalog.BoundActivation


@dataclass(frozen=True)
class Curve:
    """One activation sampled on `x`: values, derivative and how it is named."""

    label: str  # the run label ("elu(alpha=0.5)"): the key of the activation's colour
    legend: str  # what the legend shows ("elu (alpha=0.5)")
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    dy: np.ndarray = field(repr=False)


def parse_activation(text: ActivationLike) -> catalog.BoundActivation:
    """``"elu"`` or ``"elu:alpha=0.5"`` as a checked (name, params) pair."""
    return catalog.BoundActivation.parse(text)


def shape_problem(activation: ActivationLike) -> str | None:
    """Why `activation` has no curve y = f(x) to draw, or None if it has one."""
    entry = catalog.spec(parse_activation(activation).name)
    if entry.changes_shape:
        return f"{entry.name} changes the shape of its input, so it has no curve y = f(x)"
    if "per_sample" in entry.properties:
        return (
            f"{entry.name} depends on other units of the same sample, so it has no curve y = f(x)"
        )
    return None


def shape_curve(activation: ActivationLike, x: np.ndarray) -> Curve:
    """`activation` and its derivative at `x` (layer entries with their initial weights)."""
    candidate = parse_activation(activation)
    problem = shape_problem(candidate)
    if problem:
        raise ValueError(problem)
    evaluate = _evaluator(candidate)
    x = np.asarray(x, dtype=np.float64)
    y = evaluate(x)
    return Curve(
        label=candidate.label,
        legend=legend_label(candidate),
        x=x,
        y=y.astype(np.float64),
        dy=_derivative(evaluate, x),
    )


def legend_label(activation: ActivationLike) -> str:
    """``"elu (alpha=1)"``: the name with every parameter, defaults included."""
    candidate = parse_activation(activation)
    entry = catalog.spec(candidate.name)
    params = entry.validate_params(candidate.params)
    text = candidate.name
    if params:
        text += " (" + ", ".join(f"{k}={v:g}" for k, v in params.items()) + ")"
    if entry.kind == "layer":
        text += ", initial weights"
    return text


def activation_shapes(
    activations: Sequence[ActivationLike],
    *,
    x_range: tuple[float, float] = DEFAULT_RANGE,
    derivative: bool = False,
    points: int = DEFAULT_POINTS,
    colors: Colors | None = None,
    title: str | None = None,
) -> Figure:
    """f(x) of each activation on `x_range`, and f'(x) beside it if `derivative`.

    Raises ValueError naming any activation without a curve (shape-changing or per-sample
    entries, layers that need feature maps).
    """
    if not activations:
        raise ValueError("give at least one activation to draw")
    low, high = _checked_range(x_range)
    x = np.linspace(low, high, int(points))
    curves = [shape_curve(a, x) for a in activations]
    return draw_curves(curves, derivative=derivative, colors=colors, title=title)


def draw_curves(
    curves: Sequence[Curve],
    *,
    derivative: bool = False,
    colors: Colors | None = None,
    title: str | None = None,
) -> Figure:
    """The figure of `activation_shapes` from curves already computed."""
    palette = colors_for([c.label for c in curves], colors)
    figure = new_figure(11.0 if derivative else 6.5, 4.5)
    axes = figure.subplots(1, 2 if derivative else 1, squeeze=False)[0]
    panels = [("y", "f(x)", "Activation")] + ([("dy", "f'(x)", "First derivative")] * derivative)
    for ax, (attribute, ylabel, panel_title) in zip(axes, panels, strict=True):
        for index, curve in enumerate(curves):
            ax.plot(curve.x, getattr(curve, attribute), color=palette[curve.label],
                    linestyle=LINE_STYLES[index % len(LINE_STYLES)], label=curve.legend,
                    linewidth=1.8)  # fmt: skip
        _decorate_shape_axes(ax, ylabel, panel_title)
    axes[0].legend(loc="best", fontsize="small")
    figure.suptitle(title or "Activation functions" + (" and derivatives" * derivative))
    return figure


def _decorate_shape_axes(ax, ylabel: str, title: str) -> None:
    ax.axhline(0.0, color="0.6", linewidth=0.8, zorder=0)
    ax.axvline(0.0, color="0.6", linewidth=0.8, zorder=0)
    ax.set_xlabel("x (pre-activation)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)


def _checked_range(x_range: tuple[float, float]) -> tuple[float, float]:
    low, high = (float(v) for v in x_range)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"the range must be two finite numbers, low < high; got {x_range}")
    return low, high


def _evaluator(candidate: catalog.BoundActivation):
    entry = catalog.spec(candidate.name)
    if entry.kind == "layer":
        return _layer_evaluator(candidate)
    fn = catalog.get(candidate.name, **candidate.params)
    # float32, as in a model: a user's function may mix its input with float32 constants
    # (ops.log(2.0)), which TensorFlow refuses to add to float64.
    return lambda x: _checked_output(candidate.name, x, fn(x.astype(np.float32)))


def _layer_evaluator(candidate: catalog.BoundActivation):
    try:
        layer = catalog.layer(candidate.name, dtype=_widest_float(), **candidate.params)
        layer(np.zeros((1, 1)))  # build now: the weights are the initial ones from here on
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"{candidate.name} cannot be drawn on scalar inputs: {_first_line(error)}"
        ) from None

    def evaluate(x):
        return _checked_output(candidate.name, x, layer(x.reshape(-1, 1)))

    return evaluate


def _widest_float() -> str:
    """float64 where the backend computes in it (JAX only with x64 enabled), else float32."""
    if keras.backend.backend() == "jax":
        import jax

        return "float64" if jax.config.read("jax_enable_x64") else "float32"
    return "float64"


def _checked_output(name: str, x: np.ndarray, output) -> np.ndarray:
    y = np.asarray(keras.ops.convert_to_numpy(output))
    if y.size != x.size:
        raise ValueError(f"{name} changes the shape of its input, so it has no curve y = f(x)")
    return y.reshape(x.shape)


def _derivative(evaluate, x: np.ndarray) -> np.ndarray:
    """Central differences at steps h and 4h; NaN where they disagree (jumps, kinks).

    The step suits float32, whatever dtype comes back: a backend may compute part of a
    float64 call in float32 (e.g. a Python-float constant), so float64 output is no promise.
    """
    step = np.cbrt(np.finfo(np.float32).eps) * np.maximum(1.0, np.abs(x))
    fine = _central_difference(evaluate, x, step)
    coarse = _central_difference(evaluate, x, 4 * step)
    agree = np.abs(fine - coarse) <= _DERIVATIVE_TOLERANCE * np.maximum(1.0, np.abs(fine))
    return np.where(agree, fine, np.nan)


def _central_difference(evaluate, x: np.ndarray, step: np.ndarray) -> np.ndarray:
    # Points exact in float32, so the step is the one taken in either precision.
    above = (x + step).astype(np.float32).astype(np.float64)
    below = (x - step).astype(np.float32).astype(np.float64)
    return (evaluate(above).astype(np.float64) - evaluate(below).astype(np.float64)) / (
        above - below
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
