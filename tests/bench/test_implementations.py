"""The native ops and naive composites timed by `actlab bench` compute the catalog's functions."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from actlab import activations
from actlab.bench import implementations

# Away from the naive forms' overflow (exp(x) at x > 88); atol covers the cancellation of the
# naive forms in the far left tail (1 + erf(x) in float32), where values are below 1e-4.
GRID = np.concatenate([np.linspace(-8, 8, 3201), [-1e-3, 0.0, 1e-3]]).astype("float32")
NATIVE = sorted(implementations._natives(keras.backend.backend()))


def _close_to_catalog(fn, name: str) -> None:
    x = keras.ops.convert_to_tensor(GRID)
    got = keras.ops.convert_to_numpy(fn(x))
    want = keras.ops.convert_to_numpy(activations.get(name)(x))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("name", NATIVE)
def test_native_op_is_the_catalog_function(name):
    _close_to_catalog(implementations.native(name), name)


@pytest.mark.parametrize("name", sorted(implementations.NAIVE))
def test_naive_composite_is_the_catalog_function(name):
    _close_to_catalog(implementations.naive(name), name)


def test_a_different_function_is_not_mapped():
    # PyTorch's and JAX's hardsigmoid have slope 1/6, article 003's hard_sigmoid 0.2.
    assert implementations.native("hard_sigmoid") is None
    assert implementations.native("tanhexp") is None


def test_every_article_name_has_a_naive_composite():
    assert set(implementations.ARTICLE_NAMES) <= set(implementations.NAIVE)


def test_copy_is_one_read_and_one_write():
    x = keras.ops.convert_to_tensor(GRID)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(implementations.copy(x)), -GRID)


def test_benchable_names_keep_the_shape_and_take_no_training_argument():
    names = set(implementations.benchable_names())
    assert set(implementations.ARTICLE_NAMES) | {"relu", "selu"} <= names
    assert not {"glu", "crelu", "maxout", "rrelu", "frelu", "prelu"} & names


def test_the_portable_column_computes_the_catalog_function():
    _close_to_catalog(activations.portable("gelu"), "gelu")
