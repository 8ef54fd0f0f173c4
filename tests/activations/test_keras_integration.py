"""actlab's names as Keras activation strings, and saved models that load in a fresh process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from actlab import activations
from actlab.activations import keras_strings


def test_keras_still_keeps_its_activation_table_where_actlab_extends_it():
    # Fails loudly if a Keras release moves the table that Dense(activation="...") reads.
    from keras.src import activations as keras_activations

    assert keras_activations.ALL_OBJECTS_DICT is keras_strings._TABLE
    assert keras.activations.get("relu") is keras_activations.ALL_OBJECTS_DICT["relu"]
    assert "softplus_linear" in keras_activations.ALL_OBJECTS_DICT


FUNCTION_NAMES = [n for n in activations.names() if activations.spec(n).kind == "function"]


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_every_function_name_and_alias_works_as_a_keras_string(name):
    entry = activations.spec(name)
    for key in (name, *entry.aliases):
        if entry.changes_shape:  # as strings Keras would declare the wrong output width
            assert key not in keras_strings.added()
            continue
        if keras_strings.keras_defines(key):
            assert keras.activations.get(key) is not entry.fn  # Keras keeps its meaning
            continue
        dense = keras.layers.Dense(4, activation=key)
        assert dense.activation is entry.fn, key


def test_names_keras_defines_keep_keras_meaning_and_the_note_says_so():
    ours = activations.get("hard_sigmoid")
    theirs = keras.activations.get("hard_sigmoid")
    x = np.array([2.0], "float32")
    assert float(keras.ops.convert_to_numpy(ours(x))[0]) == pytest.approx(0.9)
    assert float(keras.ops.convert_to_numpy(theirs(x))[0]) == pytest.approx(5 / 6)
    assert "Keras" in activations.spec("hard_sigmoid").note


def _model_with_every_entry(input_dim: int = 6) -> keras.Model:
    """Dense layers using each function entry by string or object, then every layer entry."""
    inputs = keras.Input((input_dim,))
    x = inputs
    for name in FUNCTION_NAMES:
        entry = activations.spec(name)
        if entry.changes_shape:
            x = keras.layers.Dense(input_dim)(x)
            x = activations.layer(name)(x)
            x = keras.layers.Dense(input_dim)(x)
            continue
        use = name if not keras_strings.keras_defines(name) else activations.get(name)
        x = keras.layers.Dense(input_dim, activation=use)(x)
        x = keras.layers.BatchNormalization()(x)
    for params in _first_param_variants():
        x = keras.layers.Dense(input_dim, activation=activations.get(*params[:1], **params[1]))(x)
    return keras.Model(inputs, x)


def _first_param_variants():
    for name in FUNCTION_NAMES:
        entry = activations.spec(name)
        if entry.params and not entry.changes_shape:
            p = entry.params[0]
            yield name, {p.name: p.default}


SCRIPT = """
import sys, numpy as np, keras, actlab
model = keras.models.load_model(sys.argv[1])
x = np.load(sys.argv[2])
np.save(sys.argv[3], model.predict(x, verbose=0))
"""


def _predict_in_a_fresh_process(model: keras.Model, x: np.ndarray, folder) -> np.ndarray:
    """Save `model`, load it with plain keras.models.load_model in a new Python, predict x."""
    model.save(folder / "m.keras")
    np.save(folder / "x.npy", x)
    subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), str(folder / "m.keras"),
         str(folder / "x.npy"), str(folder / "y.npy")],
        check=True, capture_output=True,
    )  # fmt: skip
    return np.load(folder / "y.npy")


def test_model_with_catalog_activations_loads_in_a_fresh_process(tmp_path):
    model = _model_with_every_entry()
    x = np.random.default_rng(0).normal(size=(5, 6)).astype("float32")
    expected = model.predict(x, verbose=0)
    np.testing.assert_array_equal(_predict_in_a_fresh_process(model, x, tmp_path), expected)


LAYER_NAMES = [n for n in activations.names() if activations.spec(n).kind == "layer"]


def _conv_model_with_every_layer_entry() -> keras.Model:
    """A small CNN with each learnable entry after its own convolution."""
    inputs = keras.Input((6, 6, 4))
    x = inputs
    for name in LAYER_NAMES:
        x = keras.layers.Conv2D(4, 3, padding="same")(x)
        x = activations.layer(name)(x)
        x = keras.layers.BatchNormalization()(x)
    return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x))


def test_model_with_every_layer_entry_loads_in_a_fresh_process(tmp_path):
    model = _conv_model_with_every_layer_entry()
    x = np.random.default_rng(1).normal(size=(3, 6, 6, 4)).astype("float32")
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.ones((3, 4), "float32"), epochs=2, verbose=0)  # move weights off init
    expected = model.predict(x, verbose=0)
    loaded = _predict_in_a_fresh_process(model, x, tmp_path)
    np.testing.assert_allclose(loaded, expected, rtol=1e-6, atol=1e-6)


def test_keras_defined_name_saved_as_ours_loads_as_ours(tmp_path):
    # Our exact hard_sigmoid must not come back as Keras' hard_sigmoid after a round trip.
    inputs = keras.Input((1,))
    outputs = keras.layers.Dense(
        1,
        activation=activations.get("hard_sigmoid"),
        kernel_initializer="ones",
        bias_initializer="zeros",
    )(inputs)
    keras.Model(inputs, outputs).save(tmp_path / "h.keras")
    loaded = keras.models.load_model(tmp_path / "h.keras")
    y = loaded.predict(np.array([[2.0]], "float32"), verbose=0)
    assert float(y[0, 0]) == pytest.approx(0.9)
