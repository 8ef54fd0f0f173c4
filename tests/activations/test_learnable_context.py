"""frelu (funnel activation) and meta_acon against NumPy references from their papers."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from scipy.special import expit

from tests.activations.learnable_testing import SHAPE, assign, build, numpy

RTOL, ATOL = 1e-5, 1e-5


def _depthwise_same(x, kernel, bias):
    """Cross-correlation of each channel with its own k x k kernel, zero 'same' padding."""
    k = kernel.shape[0]
    lo, hi = (k - 1) // 2, k - 1 - (k - 1) // 2
    padded = np.pad(x, ((0, 0), (lo, hi), (lo, hi), (0, 0)))
    out = np.zeros_like(x, dtype=np.float64)
    for di in range(k):
        for dj in range(k):
            window = padded[:, di : di + x.shape[1], dj : dj + x.shape[2], :]
            out += window * kernel[di, dj, :, 0]
    return out + bias


def _frelu_weights(rng, k, c=SHAPE[-1]):
    return {
        "spatial.kernel": rng.normal(0, 0.5, (k, k, c, 1)),
        "spatial.bias": rng.normal(0, 0.5, c),
        "normalize.gamma": rng.uniform(0.5, 2, c),
        "normalize.beta": rng.normal(0, 0.5, c),
        "normalize.moving_mean": rng.normal(0, 0.5, c),
        "normalize.moving_variance": rng.uniform(0.5, 2, c),
    }


@pytest.mark.parametrize("k", [3, 2, 5])
def test_frelu_matches_the_paper_at_inference(k):
    rng = np.random.default_rng(k)
    w = {key: v.astype("float32") for key, v in _frelu_weights(rng, k).items()}
    layer = build("frelu", kernel_size=k, epsilon=1e-3)
    assign(layer, **w)
    x = rng.normal(size=SHAPE).astype("float32")
    conv = _depthwise_same(x.astype(np.float64), w["spatial.kernel"], w["spatial.bias"])
    t = (
        w["normalize.gamma"]
        * (conv - w["normalize.moving_mean"])
        / np.sqrt(w["normalize.moving_variance"] + 1e-3)
        + w["normalize.beta"]
    )
    np.testing.assert_allclose(numpy(layer(x, training=False)), np.maximum(x, t), RTOL, ATOL)


def test_frelu_in_training_normalises_with_the_batch_statistics():
    rng = np.random.default_rng(11)
    w = {key: v.astype("float32") for key, v in _frelu_weights(rng, 3).items()}
    layer = build("frelu")
    assign(layer, **w)
    x = rng.normal(size=SHAPE).astype("float32")
    conv = _depthwise_same(x.astype(np.float64), w["spatial.kernel"], w["spatial.bias"])
    mean, var = conv.mean(axis=(0, 1, 2)), conv.var(axis=(0, 1, 2))
    t = w["normalize.gamma"] * (conv - mean) / np.sqrt(var + 1e-3) + w["normalize.beta"]
    np.testing.assert_allclose(numpy(layer(x, training=True)), np.maximum(x, t), 1e-4, 1e-4)


def test_frelu_in_training_updates_the_moving_statistics_as_keras_does():
    rng = np.random.default_rng(12)
    w = {key: v.astype("float32") for key, v in _frelu_weights(rng, 3).items()}
    layer = build("frelu", momentum=0.9)
    assign(layer, **w)
    x = rng.normal(size=SHAPE).astype("float32")
    layer(x, training=True)
    conv = _depthwise_same(x.astype(np.float64), w["spatial.kernel"], w["spatial.bias"])
    mean, var = conv.mean(axis=(0, 1, 2)), conv.var(axis=(0, 1, 2))  # biased, as Keras
    np.testing.assert_allclose(
        numpy(layer.normalize.moving_mean),
        0.9 * w["normalize.moving_mean"] + 0.1 * mean,
        1e-5,
        1e-6,
    )
    np.testing.assert_allclose(
        numpy(layer.normalize.moving_variance),
        0.9 * w["normalize.moving_variance"] + 0.1 * var,
        1e-5,
        1e-6,
    )


def test_frelu_has_the_parameters_of_article_000():
    # Article 000: DepthwiseConv2D(3, padding='same') -> BatchNormalization() -> max(inputs, .)
    article = keras.Sequential(
        [
            keras.Input(SHAPE[1:]),
            keras.layers.DepthwiseConv2D(3, padding="same"),
            keras.layers.BatchNormalization(),
        ]
    )
    layer = build("frelu")
    assert layer.count_params() == article.count_params()
    assert sorted(w.path.split("/")[-1] for w in layer.trainable_weights) == sorted(
        w.path.split("/")[-1] for w in article.trainable_weights
    )


def test_frelu_looks_at_the_neighbourhood():
    layer = build("frelu")
    kernel = np.zeros((3, 3, SHAPE[-1], 1), "float32")
    kernel[0, 0] = 1.0  # T(x) at (i, j) is x at (i - 1, j - 1)
    assign(
        layer,
        **{"spatial.kernel": kernel, "spatial.bias": 0.0, "normalize.moving_variance": 1.0 - 1e-3},
    )
    x = np.zeros(SHAPE, "float32")
    x[0, 1, 1, 0] = 5.0
    y = numpy(layer(x))
    assert y[0, 2, 2, 0] == pytest.approx(5.0) and y[0, 1, 1, 0] == pytest.approx(5.0)
    assert np.count_nonzero(y) == 2


@pytest.mark.parametrize("shape", [(2, 3), (2, 5, 3), (2, 2, 2, 2, 3), (2, 4, 4, None)])
def test_frelu_takes_only_feature_maps(shape):
    with pytest.raises(ValueError, match="4-D"):
        build("frelu", shape)


def _meta_acon_weights(rng, c, hidden):
    return {
        "p1": rng.normal(size=(1, 1, c)),
        "p2": rng.normal(size=(1, 1, c)),
        "squeeze.kernel": rng.normal(0, 0.5, (c, hidden)),
        "squeeze.bias": rng.normal(0, 0.5, hidden),
        "expand.kernel": rng.normal(0, 0.5, (hidden, c)),
        "expand.bias": rng.normal(0, 0.5, c),
    }


def test_meta_acon_matches_the_paper():
    rng = np.random.default_rng(12)
    c = 40
    layer = build("meta_acon", (2, 3, 3, c), reduction=4)
    hidden = max(4, c // 4)
    assert tuple(layer.squeeze.kernel.shape) == (c, hidden)
    w = {key: v.astype("float32") for key, v in _meta_acon_weights(rng, c, hidden).items()}
    assign(layer, **w)
    x = rng.normal(size=(2, 3, 3, c)).astype("float32") * 2
    x[0, 0, 0, :3] = [1e4, -1e4, 0.0]
    xd = x.astype(np.float64)
    context = xd.mean(axis=(1, 2))
    h = context @ w["squeeze.kernel"] + w["squeeze.bias"]
    beta = expit(h @ w["expand.kernel"] + w["expand.bias"])[:, None, None, :]
    d = (w["p1"] - w["p2"]) * xd
    expected = d * expit(beta * d) + w["p2"] * xd
    np.testing.assert_allclose(numpy(layer(x)), expected, rtol=1e-4, atol=1e-4)


def test_meta_acon_hidden_width_has_a_floor_of_r():
    layer = build("meta_acon", (1, 2, 2, 8))  # 8 // 16 = 0 units in the paper's C/r
    assert tuple(layer.squeeze.kernel.shape) == (8, 16)


def test_meta_acon_beta_is_per_sample():
    layer = build("meta_acon", (2, 5, 4), seed=1)
    x = np.random.default_rng(13).normal(size=(2, 5, 4)).astype("float32")
    y = numpy(layer(x))
    x2 = x.copy()
    x2[1] += 3.0  # change sample 1 only: sample 0's output must not move
    y2 = numpy(layer(x2))
    np.testing.assert_array_equal(y2[0], y[0])
    assert not np.allclose(y2[1], y[1])
    x3 = x.copy()
    x3[0, 0, 0] += 1.0  # one unit changes beta, so the others of its sample move too
    assert not np.allclose(numpy(layer(x3))[0, 1:], y[0, 1:])


@pytest.mark.parametrize("shape", [(2, 3), (2, None)])
def test_meta_acon_needs_feature_maps(shape):
    with pytest.raises(ValueError, match="rank >= 3"):
        build("meta_acon", shape)
