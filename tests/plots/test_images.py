"""Article 002's pictures: the prediction grid and the first layer's weights as images."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from actlab import plots
from tests.plots.figure_checks import data_axes, texts

RNG = np.random.default_rng(0)
DIGITS = RNG.integers(0, 256, size=(100, 8, 8, 1), dtype=np.uint8)
TRUTH = np.arange(100) % 10


def test_prediction_grid_labels_every_image_and_bars_every_mistake():
    predicted = TRUTH.copy()
    predicted[[3, 17, 50]] = (predicted[[3, 17, 50]] + 1) % 10
    figure = plots.prediction_grid(DIGITS, TRUTH, predicted)
    (ax,) = figure.axes
    labels = texts(ax)
    assert len(labels) == 96
    assert labels[3] == "4 (true 3)" and labels[4] == "4"
    assert len(ax.get_lines()) == 3  # one bar per mistake among the first 96
    assert "(3 of 96 wrong)" in figure.get_suptitle()
    assert ax.images[0].get_array().shape[:2] == (8 * (8 + 2 + 3), 12 * (8 + 2))


def test_prediction_grid_lists_class_names_that_are_not_numbers():
    names = ["T-shirt/top", "Trouser", *"abcdefgh"]
    figure = plots.prediction_grid(DIGITS, TRUTH, TRUTH, class_names=names, count=24)
    assert figure.get_supxlabel().startswith("classes: 0 T-shirt/top, 1 Trouser, 2 a")
    assert len(texts(figure.axes[0])) == 24 and "(0 of 24 wrong)" in figure.get_suptitle()


def test_colour_images_are_drawn_in_colour():
    rgb = RNG.integers(0, 256, size=(12, 32, 32, 3), dtype=np.uint8)
    figure = plots.prediction_grid(rgb, TRUTH[:12], TRUTH[:12], columns=6)
    mosaic = figure.axes[0].images[0].get_array()
    np.testing.assert_allclose(mosaic[3:35, 3:35], rgb[0] / 255)


def _mlp() -> keras.Model:
    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(16), keras.layers.Dense(10)])  # fmt: skip


def test_dense_weights_are_each_units_vector_as_an_input_sized_image():
    model = _mlp()
    figure = plots.first_layer_weights(model)
    ax, colorbar = figure.axes
    assert colorbar.get_ylabel() == "weight"
    assert texts(ax) == [str(unit) for unit in range(16)]
    kernel = keras.ops.convert_to_numpy(model.layers[1].kernel)
    mosaic = ax.images[0].get_array()
    top, left = 2, 1  # first tile: below the unit number, inside the padding
    np.testing.assert_allclose(mosaic[top : top + 8, left : left + 8], kernel[:, 0].reshape(8, 8))
    assert "each unit's weights as a 8×8 image" in figure.get_suptitle()
    assert "black = positive" in figure.get_suptitle()


def test_conv_weights_are_the_first_filters_found_inside_nested_models():
    inner = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(6, 3, name="stem")])
    model = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.RandomFlip(), inner])
    figure = plots.first_layer_weights(model)
    assert len(data_axes(figure)) == 1 and len(figure.axes) == 1  # RGB: no colour bar
    assert texts(figure.axes[0]) == [str(unit) for unit in range(6)]
    assert "layer 'stem': 6 filters of 3×3×3" in figure.get_suptitle()


def test_models_without_image_shaped_first_weights_are_refused():
    with pytest.raises(ValueError, match="no Dense or Conv layer"):
        plots.first_layer_weights(keras.Sequential([keras.Input((4,)), keras.layers.ReLU()]))
    features = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    features.build((None, 5))
    with pytest.raises(ValueError, match="cannot be drawn as images"):
        plots.first_layer_weights(features)
