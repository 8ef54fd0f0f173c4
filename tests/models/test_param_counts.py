"""Parameter counts of the articles' models and ResNet-20, computed by hand from the articles."""

from __future__ import annotations

import pytest

from actlab import activations, models


def conv(kernel: int, channels_in: int, filters: int, bias: bool = True) -> int:
    return kernel * kernel * channels_in * filters + (filters if bias else 0)


def dense(units_in: int, units_out: int) -> int:
    return units_in * units_out + units_out


def batch_norm(channels: int) -> int:
    return 4 * channels  # gamma, beta (trained), moving mean and variance (not trained)


def test_article_002_mlp_on_mnist():
    expected = dense(784, 16) + dense(16, 10)
    assert expected == 12_730
    assert models.mlp("relu", (28, 28, 1), 10).count_params() == expected


def test_article_001_small_cnn_on_cifar10():
    # 32 -> conv 30 -> pool 15 -> conv 13 -> pool 6: Flatten gives 6 * 6 * 64 = 2304.
    expected = conv(3, 3, 32) + conv(3, 32, 64) + dense(6 * 6 * 64, 10)
    assert expected == 42_442  # the article's model.summary()
    assert models.small_cnn("tanh", (32, 32, 3), 10).count_params() == expected


def test_article_004_cifar_cnn_on_cifar10():
    # 32 same 32 -> valid 30 -> pool 15 -> same 15 -> valid 13 -> pool 6: 6 * 6 * 64.
    convs = conv(3, 3, 32) + conv(3, 32, 32) + conv(3, 32, 64) + conv(3, 64, 64)
    expected = convs + dense(6 * 6 * 64, 512) + dense(512, 10)
    assert expected == 1_250_858
    assert models.cifar_cnn("relu", (32, 32, 3), 10).count_params() == expected


def test_article_000_frelu_cnn_on_mnist_with_a_function_activation():
    expected = conv(3, 1, 32) + 5 * conv(3, 32, 32) + dense(32, 10)
    assert expected == 46_890
    assert models.frelu_cnn("relu", (28, 28, 1), 10).count_params() == expected


@pytest.mark.skipif("frelu" not in activations.names(), reason="frelu not in the catalog yet")
def test_article_000_frelu_cnn_with_frelu():
    """Article 000's FReLU: DepthwiseConv2D(3, 'same') with its default bias, then BatchNorm."""
    per_position = conv(3, 1, 32) + batch_norm(32)  # depthwise: 3x3 per channel + bias
    expected = 46_890 + 6 * per_position
    assert models.frelu_cnn("frelu", (28, 28, 1), 10).count_params() == expected


def resnet20_option_a_params() -> tuple[int, int]:
    """(total, trainable) of He et al.'s ResNet-20 with parameter-free shortcuts."""
    convs = conv(3, 3, 16, bias=False)
    bn_channels = 16
    channels_in = 16
    for filters in (16, 32, 64):
        for _ in range(3):
            convs += conv(3, channels_in, filters, False) + conv(3, filters, filters, False)
            bn_channels += 2 * filters
            channels_in = filters
    total = convs + batch_norm(bn_channels) + dense(64, 10)
    return total, total - 2 * bn_channels


def test_resnet20_option_a_is_the_papers_027m():
    total, trainable = resnet20_option_a_params()
    assert (total, trainable) == (271_098, 269_722)
    model = models.resnet20("relu", (32, 32, 3), 10)
    assert model.count_params() == total
    assert sum(_size(w) for w in model.trainable_weights) == trainable


def _size(weight) -> int:
    size = 1
    for dim in weight.shape:
        size *= int(dim)
    return size


def test_resnet20_option_b_adds_two_projections():
    total, _ = resnet20_option_a_params()
    projections = conv(1, 16, 32, False) + batch_norm(32) + conv(1, 32, 64, False) + batch_norm(64)
    model = models.resnet20("relu", (32, 32, 3), 10, shortcut="B")
    assert model.count_params() == total + projections == 274_042


def test_mlp_width_and_depth_are_options():
    expected = dense(64, 32) + 2 * dense(32, 32) + dense(32, 3)
    assert models.mlp("relu", (8, 8, 1), 3, units=32, depth=3).count_params() == expected
