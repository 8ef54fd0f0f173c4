"""The models of the articles, with the activation at every hidden nonlinearity.

Each builder returns an uncompiled functional ``keras.Model`` named ``<model>_<activation>``.
Layers that the articles give an ``activation=`` argument are built linear here and followed by a
separate activation layer, so that every position can hold any catalog entry (learnable ones
included) and the parameter counts stay those of the articles for function-form activations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import keras

from actlab.models import common
from actlab.models.activation_slots import ActivationArg, slot


def mlp(
    activation: ActivationArg,
    input_shape: Sequence[int] = (28, 28, 1),
    num_classes: int = 10,
    *,
    activation_params: Mapping[str, Any] | None = None,
    units: int = 16,
    depth: int = 1,
    weight_decay: float = 0.0,
    name: str | None = None,
) -> keras.Model:
    """Article 002's MLP: Flatten -> [Dense(units) -> activation] x depth -> Dense softmax.

    The article's (ReLU on MNIST) has one hidden layer of 16 units: 12,730 parameters.
    """
    units = common.check_positive_int(units, "units", "mlp")
    depth = common.check_positive_int(depth, "depth", "mlp")
    num_classes = common.check_num_classes(num_classes, "mlp")
    act = slot(activation, activation_params)
    decay = common.l2_weight_decay(weight_decay, "mlp")
    inputs = common.any_input(input_shape, "mlp")
    x = keras.layers.Flatten(name="flatten")(inputs)
    for i in range(1, depth + 1):
        x = keras.layers.Dense(units, kernel_regularizer=decay, name=f"dense_{i}")(x)
        x = act.apply(x, f"act_{i}", "mlp")
    outputs = common.softmax_head(x, num_classes, decay)
    return keras.Model(inputs, outputs, name=common.model_name("mlp", act.label, name))


def frelu_cnn(
    activation: ActivationArg,
    input_shape: Sequence[int] = (28, 28, 1),
    num_classes: int = 10,
    *,
    activation_params: Mapping[str, Any] | None = None,
    filters: int = 32,
    weight_decay: float = 0.0,
    name: str | None = None,
) -> keras.Model:
    """Article 000's CNN: six 3x3 'same' convs, activation after each, max-pool after the 2nd
    and 4th, global average pooling, Dense softmax (46,890 parameters with a function-form
    activation on MNIST)."""
    filters = common.check_positive_int(filters, "filters", "frelu_cnn")
    num_classes = common.check_num_classes(num_classes, "frelu_cnn")
    act = slot(activation, activation_params)
    decay = common.l2_weight_decay(weight_decay, "frelu_cnn")
    inputs = common.image_input(input_shape, "frelu_cnn", min_side=4)
    x = inputs
    for i in range(1, 7):
        x = keras.layers.Conv2D(
            filters, 3, padding="same", kernel_regularizer=decay, name=f"conv_{i}"
        )(x)
        x = act.apply(x, f"act_{i}", "frelu_cnn")
        if i in (2, 4):
            x = keras.layers.MaxPooling2D(name=f"pool_{i // 2}")(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    outputs = common.softmax_head(x, num_classes, decay)
    return keras.Model(inputs, outputs, name=common.model_name("frelu_cnn", act.label, name))


def small_cnn(
    activation: ActivationArg,
    input_shape: Sequence[int] = (32, 32, 3),
    num_classes: int = 10,
    *,
    activation_params: Mapping[str, Any] | None = None,
    weight_decay: float = 0.0,
    name: str | None = None,
) -> keras.Model:
    """Article 001's CNN: Conv 32 3x3 valid -> act -> MaxPool -> Conv 64 3x3 valid -> act ->
    MaxPool -> Flatten -> Dense softmax (42,442 parameters on CIFAR-10)."""
    num_classes = common.check_num_classes(num_classes, "small_cnn")
    act = slot(activation, activation_params)
    decay = common.l2_weight_decay(weight_decay, "small_cnn")
    inputs = common.image_input(input_shape, "small_cnn", min_side=10)
    x = inputs
    for i, filters in enumerate((32, 64), start=1):
        x = keras.layers.Conv2D(filters, 3, kernel_regularizer=decay, name=f"conv_{i}")(x)
        x = act.apply(x, f"act_{i}", "small_cnn")
        x = keras.layers.MaxPooling2D(name=f"pool_{i}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = common.softmax_head(x, num_classes, decay)
    return keras.Model(inputs, outputs, name=common.model_name("small_cnn", act.label, name))


def cifar_cnn(
    activation: ActivationArg,
    input_shape: Sequence[int] = (32, 32, 3),
    num_classes: int = 10,
    *,
    activation_params: Mapping[str, Any] | None = None,
    dense_activation: ActivationArg | None = None,
    dense_units: int = 512,
    conv_dropout: float = 0.25,
    dense_dropout: float = 0.5,
    weight_decay: float = 0.0,
    name: str | None = None,
) -> keras.Model:
    """Article 004's CNN: Conv 32 same, Conv 32 valid, MaxPool, Dropout .25, Conv 64 same,
    Conv 64 valid, MaxPool, Dropout .25, Flatten, Dense 512, act, Dropout .5, Dense softmax
    (1,250,858 parameters on CIFAR-10).

    `dense_activation` (default: the same as `activation`) sets the one activation after the
    Dense layer, for activations that need 4-D feature maps (FReLU): e.g. ``"relu"``.
    """
    num_classes = common.check_num_classes(num_classes, "cifar_cnn")
    dense_units = common.check_positive_int(dense_units, "dense_units", "cifar_cnn")
    conv_rate = common.check_rate(conv_dropout, "conv_dropout", "cifar_cnn")
    dense_rate = common.check_rate(dense_dropout, "dense_dropout", "cifar_cnn")
    act = slot(activation, activation_params)
    dense_act = act if dense_activation is None else slot(dense_activation)
    decay = common.l2_weight_decay(weight_decay, "cifar_cnn")
    inputs = common.image_input(input_shape, "cifar_cnn", min_side=10)
    x = inputs
    for stage, filters in enumerate((32, 64), start=1):
        for padding, i in (("same", 2 * stage - 1), ("valid", 2 * stage)):
            x = keras.layers.Conv2D(
                filters, 3, padding=padding, kernel_regularizer=decay, name=f"conv_{i}"
            )(x)
            x = act.apply(x, f"act_{i}", "cifar_cnn")
        x = keras.layers.MaxPooling2D(name=f"pool_{stage}")(x)
        x = keras.layers.Dropout(conv_rate, name=f"dropout_{stage}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(dense_units, kernel_regularizer=decay, name="dense_1")(x)
    x = dense_act.apply(x, "act_5", "cifar_cnn")
    x = keras.layers.Dropout(dense_rate, name="dropout_3")(x)
    outputs = common.softmax_head(x, num_classes, decay)
    label = act.label if dense_act is act else f"{act.label}_dense_{dense_act.label}"
    return keras.Model(inputs, outputs, name=common.model_name("cifar_cnn", label, name))
