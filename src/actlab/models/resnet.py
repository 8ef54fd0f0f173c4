"""ResNet-20 for CIFAR (He, Zhang, Ren, Sun 2016, "Deep Residual Learning for Image
Recognition", arXiv 1512.03385, section 4.2), with the activation at every nonlinearity.

3x3 conv 16 -> BN -> act, then 3 stages of 3 basic blocks (16, 32, 64 filters; the first
block of stages 2 and 3 has stride 2), global average pooling and a softmax Dense: 20 weight
layers, 0.27M parameters. A basic block is conv-BN-act-conv-BN, plus the shortcut, then act.

Shortcuts (paper section 3.3): option A (the paper's choice for CIFAR, parameter-free: identity,
or subsample and zero-pad the new channels) is the default; option B projects with a 1x1
conv + BN where the shape changes. Convs have no bias (BN follows), kernels are He-normal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import keras
from keras import ops

from actlab.models import common
from actlab.models.activation_slots import ActivationArg, ActivationSlot, slot

STAGE_FILTERS = (16, 32, 64)
BLOCKS_PER_STAGE = 3  # n = 3: 6n + 2 = 20 weight layers
SHORTCUTS = ("A", "B")


@keras.saving.register_keras_serializable(package="actlab")
class ZeroPadShortcut(keras.layers.Layer):
    """Option A shortcut: keep every `stride`-th pixel and zero-pad channels to `filters`.

    The new channels are split between both sides, as in the common CIFAR ResNet code.
    """

    def __init__(self, filters: int, stride: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.filters = int(filters)
        self.stride = int(stride)

    def call(self, inputs):
        x = inputs[:, :: self.stride, :: self.stride, :] if self.stride > 1 else inputs
        extra = self.filters - inputs.shape[-1]
        return ops.pad(x, [[0, 0], [0, 0], [0, 0], [extra // 2, extra - extra // 2]])

    def compute_output_shape(self, input_shape):
        def subsample(size):
            return None if size is None else -(-size // self.stride)

        batch, height, width, _ = input_shape
        return (batch, subsample(height), subsample(width), self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "stride": self.stride}


def resnet20(
    activation: ActivationArg,
    input_shape: Sequence[int] = (32, 32, 3),
    num_classes: int = 10,
    *,
    activation_params: Mapping[str, Any] | None = None,
    shortcut: str = "A",
    weight_decay: float = 0.0,
    name: str | None = None,
) -> keras.Model:
    """He et al. 2016's CIFAR ResNet-20 (section 4.2), option A shortcuts by default.

    271,098 parameters on CIFAR-10 with option A and a function-form activation (269,722
    trainable plus 1,376 BatchNorm moving statistics); option B adds 2,944.
    """
    if shortcut not in SHORTCUTS:
        raise ValueError(f"resnet20: shortcut must be one of {SHORTCUTS}, got {shortcut!r}")
    num_classes = common.check_num_classes(num_classes, "resnet20")
    act = slot(activation, activation_params)
    decay = common.l2_weight_decay(weight_decay, "resnet20")
    inputs = common.image_input(input_shape, "resnet20")
    x = _conv_bn(inputs, 16, 1, decay, "stem")
    x = act.apply(x, "stem_act", "resnet20")
    for stage, filters in enumerate(STAGE_FILTERS, start=1):
        for block in range(1, BLOCKS_PER_STAGE + 1):
            stride = 2 if stage > 1 and block == 1 else 1
            prefix = f"stage{stage}_block{block}"
            x = _basic_block(x, filters, stride, act, shortcut, decay, prefix)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    outputs = common.softmax_head(x, num_classes, decay)
    return keras.Model(inputs, outputs, name=common.model_name("resnet20", act.label, name))


def _basic_block(x, filters, stride, act: ActivationSlot, shortcut, decay, prefix):
    """conv3x3(stride)-BN-act-conv3x3-BN, plus the shortcut, then act (He et al. Fig. 2)."""
    residual = _conv_bn(x, filters, stride, decay, f"{prefix}_conv1")
    residual = act.apply(residual, f"{prefix}_act1", "resnet20")
    residual = _conv_bn(residual, filters, 1, decay, f"{prefix}_conv2")
    skip = _shortcut(x, filters, stride, shortcut, decay, f"{prefix}_shortcut")
    x = keras.layers.Add(name=f"{prefix}_add")([residual, skip])
    return act.apply(x, f"{prefix}_act2", "resnet20")


def _shortcut(x, filters, stride, option, decay, name):
    """Identity where shapes agree; else option A (zero-pad) or B (1x1 projection).

    Option A cannot drop channels: when a shape-changing activation (CReLU) makes the input
    wider than the block, that shortcut is a projection even under option A.
    """
    channels = x.shape[-1]
    if stride == 1 and channels == filters:
        return x
    if option == "A" and channels <= filters:
        return ZeroPadShortcut(filters, stride, name=name)(x)
    return _conv_bn(x, filters, stride, decay, name, kernel_size=1)


def _conv_bn(x, filters, stride, decay, name, kernel_size=3):
    x = keras.layers.Conv2D(
        filters, kernel_size, strides=stride, padding="same", use_bias=False,
        kernel_initializer="he_normal", kernel_regularizer=decay, name=name,
    )(x)  # fmt: skip
    return keras.layers.BatchNormalization(name=f"{name}_bn")(x)
