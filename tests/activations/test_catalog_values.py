"""Every function-form catalog entry against its independent mpmath reference.

One table (tests/activations/references) drives values, derivatives, finiteness in every float
dtype, half-precision dtypes and the declared properties, over a grid of negative, zero, tiny
and huge inputs.
"""

from __future__ import annotations

import keras
import mpmath
import numpy as np
import pytest

from actlab import activations
from tests.activations.backend_grad import value_and_grad
from tests.activations.references import ALL as REFERENCES

GRID = np.array(
    [-1e4, -100, -30, -20, -5, -2.5, -1, -0.5, -1e-6, 0.0, 1e-6, 0.5, 1, 2.5, 5, 20, 30, 100,
     1e4],
    dtype=np.float32,
)  # fmt: skip
VALUE_RTOL = 1e-5
TINY32 = float(np.finfo(np.float32).tiny)  # below this, float32 keeps no relative precision
GRAD_RTOL, GRAD_ATOL = 1e-4, 1e-6
HALF_RTOL = {"float16": 2e-3, "bfloat16": 1.6e-2}

FUNCTION_ENTRIES = [
    n for n in activations.names()
    if activations.spec(n).kind == "function" and activations.spec(n).builtin
]  # fmt: skip


def _cases(elementwise: bool):
    for name in FUNCTION_ENTRIES:
        ref = REFERENCES.get(name)
        if ref is None or ref.elementwise != elementwise:
            continue
        for params in ({}, *ref.params):
            label = name + "".join(f"-{k}={v}" for k, v in params.items())
            yield pytest.param(name, params, id=label)


ELEMENTWISE = list(_cases(elementwise=True))
WHOLE_ARRAY = list(_cases(elementwise=False))


def _full_params(name: str, params: dict) -> dict:
    return activations.spec(name).validate_params(params)


def _fn(name: str, params: dict):
    return activations.get(name, **params) if params else activations.get(name)


def _reference(name: str, params: dict, x: np.ndarray) -> np.ndarray:
    f = REFERENCES[name].f
    full = _full_params(name, params)
    return np.array([float(f(mpmath.mpf(float(v)), **full)) for v in x])


def _reference_derivative(name: str, params: dict, x: float) -> float:
    f = REFERENCES[name].f
    full = _full_params(name, params)
    return float(mpmath.diff(lambda t: f(t, **full), mpmath.mpf(x)))


def _numpy(y) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(keras.ops.cast(y, "float32")), np.float64)


def test_every_function_entry_has_a_reference():
    missing = [n for n in FUNCTION_ENTRIES if n not in REFERENCES]
    assert not missing, f"catalog entries without an mpmath reference: {missing}"


def test_no_reference_without_an_entry():
    orphans = sorted(set(REFERENCES) - set(FUNCTION_ENTRIES))
    assert not orphans, f"references for names that are not function entries: {orphans}"


def test_catalog_has_at_least_100_entries():
    assert len([n for n in activations.names() if activations.spec(n).builtin]) >= 100


@pytest.mark.parametrize(("name", "params"), ELEMENTWISE)
def test_values_match_reference_in_float32(name, params):
    y = _numpy(_fn(name, params)(keras.ops.convert_to_tensor(GRID)))
    np.testing.assert_allclose(y, _reference(name, params, GRID), rtol=VALUE_RTOL, atol=TINY32)


@pytest.mark.parametrize(("name", "params"), ELEMENTWISE)
def test_derivatives_match_reference_away_from_kinks(name, params):
    kinks = REFERENCES[name].kinks
    x = np.array([v for v in GRID if all(abs(float(v) - k) > 1e-9 for k in kinks)], np.float32)
    _, grad = value_and_grad(_fn(name, params), x)
    expected = np.array([_reference_derivative(name, params, float(v)) for v in x])
    np.testing.assert_allclose(grad, expected, rtol=GRAD_RTOL, atol=GRAD_ATOL)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
@pytest.mark.parametrize(("name", "params"), ELEMENTWISE)
def test_outputs_and_gradients_are_finite(name, params, dtype):
    x = _inputs_for(dtype)
    y, grad = value_and_grad(_fn(name, params), x, dtype)
    representable = np.abs(_reference(name, params, x)) <= float(_finfo(dtype).max)
    assert np.all(np.isfinite(y[representable])), f"non-finite output at {x[~np.isfinite(y)]}"
    assert np.all(np.isfinite(grad)), f"non-finite gradient at {x[~np.isfinite(grad)]}"


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize(("name", "params"), ELEMENTWISE)
def test_half_precision_keeps_dtype_and_accuracy(name, params, dtype):
    x = keras.ops.cast(keras.ops.convert_to_tensor(GRID), dtype)
    y = _fn(name, params)(x)
    assert keras.backend.standardize_dtype(y.dtype) == dtype
    exact_input = _numpy(x)  # the grid rounded to `dtype`
    expected = _reference(name, params, exact_input)
    finite = np.abs(expected) <= float(_finfo(dtype).max)
    np.testing.assert_allclose(
        _numpy(y)[finite], expected[finite], rtol=HALF_RTOL[dtype],
        atol=float(_finfo(dtype).tiny),
    )  # fmt: skip


@pytest.mark.parametrize(("name", "params"), WHOLE_ARRAY)
@pytest.mark.parametrize("shape", [(4, 6), (2, 5, 5, 6)])  # last axes divisible by 2 and 3
def test_whole_array_entries_match_reference(name, params, shape):
    x = np.random.default_rng(0).normal(scale=3.0, size=shape).astype(np.float32)
    expected = REFERENCES[name].f(x.astype(np.float64), **_full_params(name, params))
    y, grad = value_and_grad(_fn(name, params), x)
    np.testing.assert_allclose(y, expected, rtol=VALUE_RTOL, atol=1e-5)
    assert np.all(np.isfinite(grad))


def _inputs_for(dtype: str) -> np.ndarray:
    rng = np.random.default_rng(1)
    spread = rng.normal(scale=10.0, size=64).astype(np.float32)
    return np.concatenate([GRID, spread, [-6e4, 6e4]]).astype(np.float32)


def _finfo(dtype: str):
    import ml_dtypes

    return ml_dtypes.finfo(ml_dtypes.bfloat16 if dtype == "bfloat16" else np.dtype(dtype))


# --- Declared properties, checked both ways on a dense grid ----------------------------------

DENSE = np.concatenate([-np.logspace(6, -6, 400), [0.0], np.logspace(-6, 6, 400)]).astype(
    np.float32
)
BOUND = 1e3  # a bounded entry stays within this; an unbounded one leaves it by |x| = 1e6
CHECKED_PROPERTIES = ("bounded_below", "bounded_above", "monotonic", "zero_centred")


def _has(name: str, prop: str) -> bool:
    props = activations.spec(name).properties
    if prop in ("bounded_below", "bounded_above") and "bounded" in props:
        return True
    return prop in props


def _observed(name: str, prop: str, y: np.ndarray, y0: float) -> bool:
    if prop == "bounded_below":
        return bool(y.min() > -BOUND)
    if prop == "bounded_above":
        return bool(y.max() < BOUND)
    if prop == "monotonic":
        return bool(np.all(np.diff(y) >= -1e-6 * np.maximum(1.0, np.abs(y[1:]))))
    return bool(y0 == 0.0 and y.min() < 0 < y.max())


@pytest.mark.parametrize("prop", CHECKED_PROPERTIES)
@pytest.mark.parametrize("name", [p.values[0] for p in ELEMENTWISE if not p.values[1]])
def test_declared_properties_hold_and_undeclared_do_not(name, prop):
    f = activations.get(name)
    y = _numpy(f(keras.ops.convert_to_tensor(DENSE)))
    y0 = float(_numpy(f(keras.ops.convert_to_tensor(np.zeros(1, np.float32))))[0])
    assert _observed(name, prop, y, y0) == _has(name, prop), (
        f"{name}: declared {prop}={_has(name, prop)} but observed the opposite"
    )


def test_bounded_means_both_sides():
    for name in activations.names():
        props = activations.spec(name).properties
        if "bounded" in props:
            assert {"bounded_below", "bounded_above"} <= props, name


def test_formula_reference_and_docstring_present_for_builtins():
    for name in activations.names():
        entry = activations.spec(name)
        if not entry.builtin:
            continue
        assert entry.formula, f"{name}: no formula"
        assert entry.summary, f"{name}: no docstring"
        if entry.reference is None:
            assert name == "linear", f"{name}: no reference"
            continue
        if entry.reference.authors.startswith("actlab article"):
            continue  # blog posts given to the project, without a public address
        assert entry.reference.title and entry.reference.year, name
        assert entry.reference.link, f"{name}: reference without arXiv id, DOI or URL"


# The catalog's gradient at a kink, by hand: the flat side's 0 at a clip bound (as tf.nn.relu6
# and torch's relu6/hardtanh give), sign(0) = 0 for |x|; where a gate saturates at 1, the
# identity's 1 (hard_silu at 3, hard_elish at 1). Keras' ops.clip and ops.abs disagree here
# across backends, so these hold on every backend pass, for the fast and the portable form.
KINK_GRADIENTS = {
    "relu6": {0.0: 0.0, 6.0: 0.0},
    "bounded_relu": {0.0: 0.0, 1.0: 0.0},
    "hard_tanh": {-1.0: 0.0, 1.0: 0.0},
    "hard_sigmoid": {-2.5: 0.0, 2.5: 0.0},
    "hard_sigmoid_v3": {-3.0: 0.0, 3.0: 0.0},
    "hard_silu": {-3.0: 0.0, 3.0: 1.0},
    "sparse_sigmoid": {-1.0: 0.0, 1.0: 0.0},
    "hard_elish": {-1.0: 0.0, 1.0: 1.0},
    "reflection_linear": {0.0: 0.0},
}


@pytest.mark.parametrize("form", ["fast", "portable"])
@pytest.mark.parametrize("name", sorted(KINK_GRADIENTS))
def test_gradient_at_a_kink_is_the_same_on_every_backend(name, form):
    kinks = KINK_GRADIENTS[name]
    fn = activations.get(name) if form == "fast" else activations.portable(name)
    _, grad = value_and_grad(fn, np.array(list(kinks), np.float32))
    np.testing.assert_array_equal(grad, list(kinks.values()))


DSILU_ZERO = -1.2784645  # 1 + x + e^x = 0, so dsilu(x) = 0 (mpmath.findroot)


def test_dsilu_keeps_its_digits_around_its_zero():
    # Relative precision cannot hold at a zero itself (no float32 formula keeps it there); it
    # must hold 0.003 away, and the absolute error must stay at float32's rounding of e^x.
    x = np.linspace(DSILU_ZERO - 0.02, DSILU_ZERO + 0.02, 801).astype(np.float32)
    value, _ = value_and_grad(activations.get("dsilu"), x)
    expected = _reference("dsilu", {}, x)
    error = np.abs(value - expected)
    far = np.abs(x - DSILU_ZERO) > 0.003
    assert np.all(error[far] <= VALUE_RTOL * np.abs(expected[far]))
    assert error.max() <= 1e-8


@pytest.mark.parametrize("mu", [1.0, 4.35e-9, 1e-30, 1e30])
def test_smu_1_keeps_its_digits_from_float32s_smallest_to_its_largest(mu):
    # Its left side is computed scaled by powers of two: where |x| is moderate, past 2^60 mu,
    # and for a mu far from 1 (PyTorch ports start it at 4.35e-9). At its zero (x = -mu for
    # alpha = 1/4) only absolute precision can hold, as at dsilu's.
    magnitudes = np.concatenate([np.logspace(-38, 38, 400), [3.4e38, min(2.0**60 * mu, 3e38)]])
    x = np.concatenate([-magnitudes, [0.0], magnitudes]).astype(np.float32)
    params = {"alpha": 0.25, "mu": mu}
    value, slope = value_and_grad(lambda v: activations.get("smu_1")(v, **params), x)
    expected = _reference("smu_1", params, x)
    error = np.abs(value - expected)
    away = np.abs(x + mu) > 1e-3 * mu
    tiny = float(np.finfo(np.float32).tiny)
    assert np.all(error[away] <= VALUE_RTOL * np.abs(expected[away]) + tiny)
    assert np.all(error[~away] <= 1e-6 * mu)
    assert np.isfinite(slope).all()
