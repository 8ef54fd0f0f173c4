"""The fused fast path (the default) against the portable keras.ops form it compiles.

The catalog's value and gradient suite already runs on the fast path (`activations.get`);
here the two forms are compared directly on the same mpmath grid, in every float dtype, and
the fast path's backward is shown to keep the input alone.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import scipy.special

from actlab import activations
from actlab.activations import fused
from actlab.bench import harness
from tests.activations.backend_grad import value_and_grad
from tests.activations.learnable_testing import value_and_grads
from tests.activations.references import ALL as REFERENCES
from tests.activations.test_catalog_values import ELEMENTWISE, GRID, _fn

BACKEND = keras.backend.backend()
# The articles' activations; on PyTorch, compiling each costs seconds, so only these.
ARTICLE_ENTRIES = ("tanhexp", "mish", "gelu", "silu", "elu", "softplus_linear",
                "reflection_linear", "zero_fit_linear", "hard_sigmoid")  # fmt: skip
CASES = [
    c for c in ELEMENTWISE
    if BACKEND != "torch" or c.values[0] in ARTICLE_ENTRIES or fused.native(c.values[0])
]  # fmt: skip
# Compiled and op-by-op forms may round differently (fused multiply-adds, another exp).
RTOL = {"float32": 2e-6, "float16": 1e-3, "bfloat16": 8e-3}


@pytest.fixture(autouse=True)
def _compile_every_size(monkeypatch):
    monkeypatch.setattr(fused, "torch_compile", True)  # opt-in on PyTorch
    monkeypatch.setattr(fused, "torch_min_elements", 0)


def _portable(name: str, params: dict):
    return activations.portable(name, **params)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
@pytest.mark.parametrize(("name", "params"), CASES)
def test_fast_path_matches_portable_form(name, params, dtype):
    y_fast, g_fast = value_and_grad(_fn(name, params), GRID, dtype)
    y_portable, g_portable = value_and_grad(_portable(name, params), GRID, dtype)
    tiny = float(np.finfo(np.float32).tiny)
    np.testing.assert_allclose(y_fast, y_portable, rtol=RTOL[dtype], atol=tiny)
    # At a kink one rounding (a fused multiply-add) can move x to the other side.
    smooth = [all(abs(float(v) - k) > 1e-9 for k in REFERENCES[name].kinks) for v in GRID]
    np.testing.assert_allclose(g_fast[smooth], g_portable[smooth], rtol=RTOL[dtype], atol=1e-6)


NATIVE = {
    "torch": {"silu", "elu", "celu", "selu", "mish", "softsign"},
    "tensorflow": {"tanh", "softsign", "relu6", "softmax", "log_softmax"},
}


def test_native_kernels_per_backend():
    expected = NATIVE.get(BACKEND, set())
    assert {n for n in activations.names() if fused.native(n)} == expected


def test_article_entries_are_fused():
    for name in ARTICLE_ENTRIES:
        fn = activations.get(name)
        assert fn is not fn.portable, f"{name} runs op by op"


def test_stochastic_and_opted_out_entries_stay_portable():
    assert activations.get("rrelu") is activations.get("rrelu").portable

    @activations.register(name="opted_out_square", fuse=False)
    def opted_out_square(x):
        """x squared, op by op."""
        return x * x

    try:
        assert opted_out_square is opted_out_square.portable
    finally:
        activations.unregister("opted_out_square")


def test_user_functions_are_fused_and_exact():
    @activations.register(name="user_softplus_linear", reference="article 004")
    def user_softplus_linear(x, scale=2.0):
        """Article 004's softplus + linear."""
        from keras import ops

        return ops.where(x <= 0, scale * ops.softplus(x), x + scale * ops.log(2.0))

    try:
        fn = activations.get("user_softplus_linear", scale=1.5)
        y, g = value_and_grad(fn, GRID)
        expected = np.where(GRID <= 0, 1.5 * np.logaddexp(0, GRID), GRID + 1.5 * np.log(2.0))
        tiny = float(np.finfo(np.float32).tiny)  # compiled kernels may flush subnormals to 0
        np.testing.assert_allclose(y, expected, rtol=1e-6, atol=tiny)
        expected_grad = np.where(GRID <= 0, 1.5 * scipy.special.expit(GRID.astype(np.float64)), 1.0)
        np.testing.assert_allclose(g, expected_grad, rtol=1e-6, atol=tiny)
    finally:
        activations.unregister("user_softplus_linear")


@pytest.mark.parametrize("name", ["tanhexp", "silu"])  # silu: a native kernel on PyTorch
def test_symbolic_inputs_take_the_portable_form(name):
    x = keras.KerasTensor((None, 7))
    assert activations.get(name)(x).shape == (None, 7)


def test_integer_inputs_are_computed_in_floatx():
    y = activations.get("tanhexp")(keras.ops.convert_to_tensor(np.arange(3)))
    assert keras.backend.standardize_dtype(y.dtype) == keras.backend.floatx()
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(y), np.arange(3) * np.tanh(np.exp(np.arange(3))), rtol=1e-6
    )


@pytest.mark.parametrize("name", ["gelu", "tanhexp", "mish"])
def test_backward_keeps_only_the_input(name):
    x = np.random.default_rng(0).normal(size=(64, 1024)).astype(np.float32)
    activations.get(name)(x)  # the first call compiles (and on torch checks) the kernel
    kept = _bytes_kept_for_backward(activations.get(name), x)
    portable_kept = _bytes_kept_for_backward(activations.portable(name), x)
    assert kept <= x.nbytes + 1024, f"{name} keeps {kept / x.nbytes:.1f}x its input"  # + scalars
    assert portable_kept > x.nbytes  # the measurement sees intermediates when there are some


def _bytes_kept_for_backward(fn, x: np.ndarray) -> int:
    return harness.current().saved_bytes(fn, keras.ops.convert_to_tensor(x))


@pytest.mark.parametrize("layer", ["dense", "conv"])
def test_layers_train_the_same_on_the_fast_path(layer):
    """Weight gradients of a layer with a fused activation match the portable form's."""
    x = np.random.default_rng(1).normal(size=(4, 6, 6, 3)).astype(np.float32)
    grads = [
        _weight_gradients(layer, act, x)
        for act in (activations.get("gelu"), activations.portable("gelu"))
    ]
    for fast, portable in zip(*grads, strict=True):  # sums of ~100 terms of size ~1
        np.testing.assert_allclose(fast, portable, rtol=1e-5, atol=1e-5)


def test_frelu_trains_like_article_000s_keras_spelling():
    """FReLU (fused batch normalisation on TensorFlow) against DWConv -> BN -> maximum."""
    x = np.random.default_rng(2).normal(size=(4, 6, 6, 3)).astype(np.float32)
    keras.utils.set_random_seed(0)
    frelu = keras.Sequential([keras.Input(x.shape[1:]), activations.layer("frelu")])
    inputs = keras.Input(x.shape[1:])
    spatial = keras.layers.DepthwiseConv2D(3, padding="same")(inputs)
    article_000 = keras.Model(inputs, keras.layers.Maximum()(
        [inputs, keras.layers.BatchNormalization()(spatial, training=True)]))  # fmt: skip
    article_000.set_weights(frelu.get_weights())
    pairs = zip(_weight_gradients_of(frelu, x), _weight_gradients_of(article_000, x), strict=True)
    for fast, keras_form in pairs:
        np.testing.assert_allclose(fast, keras_form, rtol=1e-4, atol=1e-5)


def _weight_gradients(layer: str, activation, x: np.ndarray) -> list[np.ndarray]:
    keras.utils.set_random_seed(0)
    body = (keras.layers.Dense(5, activation=activation) if layer == "dense"
            else keras.layers.Conv2D(5, 3, activation=activation))  # fmt: skip
    return _weight_gradients_of(keras.Sequential([keras.Input(x.shape[1:]), body]), x)


def _weight_gradients_of(model: keras.Model, x: np.ndarray) -> list[np.ndarray]:
    return value_and_grads(model, x, training=True)[2]


@pytest.mark.all_backends  # a process of its own on Keras' numpy backend
def test_a_backend_without_a_fast_path_runs_the_portable_form():
    # Keras' numpy backend (inference only) has no module in actlab.activations.fused.
    code = (
        "import numpy as np; from actlab import activations; "
        "x = np.array([-2.0, 0.5, 3.0], np.float32); "
        "print(np.asarray(activations.get('tanhexp')(x)).tolist())"
    )
    env = {**os.environ, "KERAS_BACKEND": "numpy"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    values = json.loads(out.stdout.strip().splitlines()[-1])
    expected = [x * math.tanh(math.exp(x)) for x in (-2.0, 0.5, 3.0)]  # article 001's formula
    np.testing.assert_allclose(values, expected, rtol=1e-6)
