"""Every learnable layer entry: registry hooks, arguments, gradients, dtypes and saving.

One table (the registry's layer entries of the learnable family) drives these tests; the
formulas are checked against NumPy references in test_learnable_<module>.py.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from actlab import activations
from tests.activations.learnable_testing import (
    LAYER_NAMES,
    SHAPE,
    build,
    numpy,
    randomize,
    value_and_grads,
)

EXPECTED = {
    "prelu", "flexible_relu", "srelu", "aplu", "pelu", "swish_beta", "acon_c", "dice",
    "frelu", "meta_acon", "pau", "soft_exponential", "snake_learnable",
}  # fmt: skip

#: inputs from the far tails to zero, laid out as a (1, 1, 11, 3) feature map
LARGE = np.array([-6e4, -1e4, -100, -1, -1e-6, 0, 1e-6, 1, 100, 1e4, 6e4], np.float32)
LARGE_MAP = np.repeat(LARGE[None, None, :, None], 3, axis=-1)

#: weights other than the initial ones at which the gradients must stay finite too
STRESS = {
    "soft_exponential": [{"alpha_init": -0.5}, {"alpha_init": 0.5}, {"alpha_init": 1e-30}],
    "swish_beta": [{"beta_init": -3.0}, {"beta_init": 0.0}],
    "snake_learnable": [{"alpha_init": 40.0}, {"alpha_init": 1e-30}],
    "pelu": [{"a_init": 0.1, "b_init": 0.1}],
    "prelu": [{"alpha_init": -2.0}],
    "srelu": [{"t_left_init": 1.0, "t_right_init": -1.0}],
}


def test_the_learnable_family_is_complete():
    assert set(LAYER_NAMES) == EXPECTED


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_entry_is_a_documented_layer(name):
    entry = activations.spec(name)
    assert entry.kind == "layer" and entry.family == "learnable" and entry.builtin
    assert entry.layer_class.catalog_name == name
    assert "learnable" in entry.properties
    assert entry.reference is not None and entry.reference.arxiv and entry.reference.year
    assert entry.summary and entry.formula
    for p in entry.params:
        assert p.doc, f"{name}: parameter {p.name} has no doc"


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_get_says_to_use_layer(name):
    with pytest.raises(ValueError, match=r"activations\.layer\("):
        activations.get(name)
    for alias in activations.spec(name).aliases:
        assert isinstance(activations.layer(alias), activations.spec(name).layer_class)


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_params_are_constructor_defaults(name):
    entry = activations.spec(name)
    config = entry.layer_class().get_config()
    for p in entry.params:
        assert config[p.name] == p.default, p.name


def _bad_values(param):
    """Values outside the parameter's range (at least one: a string)."""
    bad = ["big", math.inf]
    if param.low > -math.inf:
        bad.append(param.low - 1.0)
    if param.low_open:
        bad.append(param.low)
    if param.high < math.inf:
        bad.append(param.high + 1.0)
    if param.high_open:
        bad.append(param.high)
    if param.integer:
        bad.append(param.default + 0.5)
    return bad


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_bad_arguments_raise_naming_the_parameter(name):
    entry = activations.spec(name)
    for p in entry.params:
        for value in _bad_values(p):
            for make in (lambda **kw: activations.layer(name, **kw), entry.layer_class):
                with pytest.raises((ValueError, TypeError), match=p.name):
                    make(**{p.name: value})


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_bad_shared_axes_raise(name):
    cls = activations.spec(name).layer_class
    if cls.default_sharing is None:
        with pytest.raises(ValueError, match="shared_axes"):
            cls(shared_axes=[1])
        return
    for bad in ("rows", [1.5], [True], {"a": 1}, [0]):
        with pytest.raises(ValueError, match="shared_axes"):
            cls(shared_axes=bad)
    layer = cls(shared_axes=[7])
    with pytest.raises(ValueError, match="shared_axes"):
        layer.build(SHAPE)


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_weights_are_float32_and_trainable(name):
    layer = build(name)
    assert layer.trainable_weights
    for w in layer.weights:
        assert keras.backend.standardize_dtype(w.dtype) == "float32", w.path


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_output_shape_and_dtype(name):
    layer = build(name)
    x = np.random.default_rng(0).normal(size=SHAPE).astype("float32")
    y = layer(x)
    assert tuple(y.shape) == SHAPE
    assert tuple(layer.compute_output_shape(SHAPE)) == SHAPE
    assert keras.backend.standardize_dtype(y.dtype) == "float32"


def _stress_cases():
    for name in LAYER_NAMES:
        for params in ({}, *STRESS.get(name, ())):
            for training in (False, True):
                label = name + "".join(f"-{k}={v}" for k, v in params.items())
                yield pytest.param(name, params, training, id=f"{label}-training={training}")


@pytest.mark.parametrize(("name", "params", "training"), list(_stress_cases()))
def test_gradients_finite_at_large_inputs(name, params, training):
    layer = build(name, LARGE_MAP.shape, **params)
    y, gx, gw = value_and_grads(layer, LARGE_MAP, training=training)
    assert np.isfinite(gx).all(), f"d/dx not finite: {gx.ravel()}"
    for w, g in zip(layer.trainable_weights, gw, strict=True):
        assert g is not None and np.isfinite(g).all(), f"d/d{w.path} not finite: {g}"
    if name != "soft_exponential" or params.get("alpha_init", 0.0) <= 0:
        assert np.isfinite(y).all()  # e^(x/2) at x = 1e4 is beyond float32: inf is right


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_save_and_load_round_trip(name, tmp_path):
    layer = activations.layer(name)
    inputs = keras.Input(SHAPE[1:])
    model = keras.Model(inputs, layer(inputs))
    rng = np.random.default_rng(1)
    randomize(layer, rng)
    x = rng.normal(size=SHAPE).astype("float32") * 2
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")  # safe mode, no custom_objects
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)
    twin = loaded.layers[-1]
    assert type(twin) is type(layer)
    assert twin.get_config() == layer.get_config()


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_config_round_trip(name):
    cls = activations.spec(name).layer_class
    layer = cls(shared_axes="layer") if cls.default_sharing is not None else cls()
    config = layer.get_config()
    assert cls.from_config(config).get_config() == config


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_fresh_instances_have_their_own_weights(name):
    first, second = build(name), build(name)
    before = [numpy(w) for w in second.weights]
    randomize(first, np.random.default_rng(2))
    for w, old in zip(second.weights, before, strict=True):
        np.testing.assert_array_equal(numpy(w), old)
    ids = {id(w) for w in first.weights}
    assert not ids & {id(w) for w in second.weights}


@pytest.mark.parametrize("name", ["acon_c", "meta_acon", "aplu"])
def test_random_initial_weights_differ_between_instances_unless_seeded(name):
    def p(layer):
        return numpy(layer.trainable_weights[0])

    assert not np.array_equal(p(build(name)), p(build(name)))
    np.testing.assert_array_equal(p(build(name, seed=3)), p(build(name, seed=3)))


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
@pytest.mark.parametrize("name", LAYER_NAMES)
def test_mixed_precision_keeps_float32_weights(name, policy):
    rng = np.random.default_rng(4)
    x = rng.normal(size=SHAPE).astype("float32") * 2
    x[0, 0, 0] = 1e4  # PAU's x^5, soft exponential's exp and Snake's sin must not overflow
    full = build(name)
    half = build(name, dtype=policy)
    for w_half, w_full in zip(half.weights, full.weights, strict=True):
        assert keras.backend.standardize_dtype(w_half.dtype) == "float32"
        w_half.assign(keras.ops.convert_to_numpy(w_full))
    y = half(x)
    half_dtype = policy.split("_")[1]
    assert keras.backend.standardize_dtype(y.dtype) == half_dtype
    rounded = numpy(keras.ops.cast(keras.ops.cast(x, half_dtype), "float32")).astype("float32")
    expected = numpy(full(rounded))
    rtol = 2e-3 if half_dtype == "float16" else 1.6e-2
    if name in ("frelu", "meta_acon"):  # their convolutions and means run in half precision
        rtol *= 10
    np.testing.assert_allclose(numpy(y), expected, rtol=rtol, atol=rtol)


ELEMENTWISE = [n for n in LAYER_NAMES if n not in ("frelu", "meta_acon", "dice")]


@pytest.mark.parametrize("shape", [(5, 3), (2, 6, 3), (2, 2, 3, 2, 3)])
@pytest.mark.parametrize("name", [*ELEMENTWISE, "dice"])
def test_any_rank_channels_last(name, shape):
    layer = build(name, shape)
    x = np.random.default_rng(5).normal(size=shape).astype("float32")
    assert tuple(layer(x).shape) == shape
    if type(layer).default_sharing == "channel":  # one weight per channel, shared elsewhere
        weight_shape = tuple(layer.trainable_weights[0].shape)[: len(shape) - 1]
        assert weight_shape == (*([1] * (len(shape) - 2)), shape[-1])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_layers_act_unit_by_unit(name):
    # Changing one input changes only the output at the same position.
    layer = build(name)
    rng = np.random.default_rng(6)
    x = rng.normal(size=SHAPE).astype("float32")
    y = numpy(layer(x))
    x2 = x.copy()
    x2[1, 2, 3, 0] += 1.5
    changed = numpy(layer(x2)) != y
    assert changed[1, 2, 3, 0] and changed.sum() == 1


#: properties that hold for every value of the weights (grid check with random weights)
_GRID = np.concatenate([-np.logspace(6, -6, 60), [0.0], np.logspace(-6, 6, 60)]).astype("float32")


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_declared_properties_hold(name):
    props = activations.spec(name).properties
    for seed in range(3):
        layer = build(name, (1, 1, _GRID.size, 1))
        if seed:
            randomize(layer, np.random.default_rng(seed))
        y = numpy(layer(_GRID.reshape(1, 1, -1, 1))).ravel()
        finite = y[np.isfinite(y)]
        if "monotonic" in props:  # up to float32 rounding, as test_catalog_values allows
            capped = np.nan_to_num(y, posinf=1e300, neginf=-1e300)
            step = np.diff(capped) >= -1e-6 * np.maximum(1.0, np.abs(capped[1:]))
            assert step.all(), f"{name} decreases: {y}"
        if "bounded_below" in props:
            assert finite.min() > -1000
        if "piecewise_linear" in props:  # slopes on a fine grid change only at a few kinks
            z = np.linspace(-10, 10, 2001).astype("float32")
            w = numpy(layer(z.reshape(1, 1, -1, 1))).ravel()
            slopes = np.diff(w) / np.diff(z.astype(np.float64))
            assert (np.abs(np.diff(slopes)) > 1e-2 * (1 + np.abs(slopes[1:]))).sum() <= 8
