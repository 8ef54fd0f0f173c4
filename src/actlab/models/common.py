"""Pieces shared by the model builders: input checks, weight decay and the softmax head."""

from __future__ import annotations

from collections.abc import Sequence

import keras

from actlab.checks import is_integer, is_real


def image_input(input_shape: Sequence[int], model_name: str, min_side: int = 1):
    """A ``keras.Input`` for (height, width, channels) images of at least `min_side` pixels."""
    shape = _positive_ints(input_shape, model_name)
    if len(shape) != 3:
        raise ValueError(
            f"{model_name} needs input_shape (height, width, channels), got {shape}; "
            "add a channel axis to grey images, e.g. (28, 28, 1)"
        )
    if min(shape[:2]) < min_side:
        raise ValueError(
            f"{model_name} needs images of at least {min_side}x{min_side} pixels, got "
            f"{shape[0]}x{shape[1]}"
        )
    return keras.Input(shape=shape, name="images")


def any_input(input_shape: Sequence[int], model_name: str):
    """A ``keras.Input`` of any rank (the MLP flattens it)."""
    return keras.Input(shape=_positive_ints(input_shape, model_name), name="inputs")


def _positive_ints(input_shape: Sequence[int], model_name: str) -> tuple[int, ...]:
    shape = tuple(input_shape)
    if not shape or not all(is_integer(s) and s > 0 for s in shape):
        raise ValueError(f"{model_name}: input_shape must be positive integers, got {shape}")
    return tuple(int(s) for s in shape)


def check_positive_int(value, what: str, model_name: str) -> int:
    if not is_integer(value) or value < 1:
        raise ValueError(f"{model_name}: {what} must be an integer >= 1, got {value!r}")
    return int(value)


def check_rate(value, what: str, model_name: str) -> float:
    """A dropout rate in [0, 1)."""
    if not is_real(value) or not 0 <= value < 1:
        raise ValueError(f"{model_name}: {what} must be a number in [0, 1), got {value!r}")
    return float(value)


def l2_weight_decay(weight_decay: float, model_name: str):
    """Kernel regularizer whose gradient is ``weight_decay * W`` (None when 0).

    Weight decay as in He et al. 2016 and classic SGD (added to the gradient, so it also goes
    through momentum): the penalty ``weight_decay / 2 * ||W||^2``. Biases and BatchNorm
    parameters are not decayed.
    """
    if not is_real(weight_decay) or not (weight_decay >= 0):
        raise ValueError(f"{model_name}: weight_decay must be a number >= 0, got {weight_decay!r}")
    return keras.regularizers.L2(weight_decay / 2) if weight_decay > 0 else None


def check_num_classes(num_classes, model_name: str) -> int:
    if not is_integer(num_classes) or num_classes < 2:
        raise ValueError(f"{model_name}: num_classes must be an integer >= 2, got {num_classes!r}")
    return int(num_classes)


def softmax_head(x, num_classes: int, regularizer=None):
    """The classifier: ``Dense(num_classes, activation="softmax")``."""
    return keras.layers.Dense(
        num_classes, activation="softmax", kernel_regularizer=regularizer, name="predictions"
    )(x)


def model_name(base: str, label: str, name: str | None) -> str:
    """``name`` if given, else ``"<model>_<activation>"`` (e.g. ``small_cnn_tanhexp``)."""
    return name if name is not None else f"{base}_{label}"
