"""Model builders by name: `names()`, `builder()`, `options()`, `build()`."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import keras

from actlab.checks import did_you_mean
from actlab.models.resnet import resnet20
from actlab.models.seed_models import cifar_cnn, frelu_cnn, mlp, small_cnn
from actlab.models.slots import ActivationArg

_BUILDERS: dict[str, Callable[..., keras.Model]] = {
    "mlp": mlp,
    "frelu_cnn": frelu_cnn,
    "small_cnn": small_cnn,
    "cifar_cnn": cifar_cnn,
    "resnet20": resnet20,
}

#: Arguments of every builder that are not model options.
_COMMON_ARGS = ("activation", "input_shape", "num_classes", "activation_params")


class UnknownModelError(ValueError):
    """A model name that no builder has."""


def names() -> list[str]:
    """Sorted names of the model builders."""
    return sorted(_BUILDERS)


def builder(model_name: str) -> Callable[..., keras.Model]:
    """The builder function of `model_name`, or `UnknownModelError` naming the closest ones."""
    if model_name in _BUILDERS:
        return _BUILDERS[model_name]
    hint = did_you_mean(model_name, _BUILDERS)
    raise UnknownModelError(
        f"unknown model {model_name!r}.{hint} Known models: {', '.join(names())}."
    )


def describe(model_name: str) -> str:
    """The first line of the builder's docstring (its source: seed article or paper)."""
    doc = inspect.getdoc(builder(model_name)) or ""
    return doc.split("\n\n")[0].replace("\n", " ")


def options(model_name: str) -> dict[str, Any]:
    """The builder's options and their defaults (``weight_decay``, ``units``, ...)."""
    params = inspect.signature(builder(model_name)).parameters
    return {k: p.default for k, p in params.items() if k not in _COMMON_ARGS}


def check_options(model_name: str, given: Mapping[str, Any]) -> None:
    """Raise `TypeError` naming the allowed options if `given` has unknown keys."""
    allowed = options(model_name)
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise TypeError(
            f"model {model_name!r} has no option(s) {unknown}; its options: "
            f"{', '.join(sorted(allowed))}"
        )


def build(
    model_name: str,
    activation: ActivationArg,
    input_shape: Sequence[int],
    num_classes: int,
    *,
    activation_params: Mapping[str, Any] | None = None,
    **model_options: Any,
) -> keras.Model:
    """Build `model_name` (uncompiled) with `activation` at every hidden nonlinearity.

    ``build("small_cnn", "tanhexp", (32, 32, 3), 10)`` is seed 001's TanhExp model.
    """
    make = builder(model_name)
    check_options(model_name, model_options)
    return make(
        activation, input_shape, num_classes, activation_params=activation_params,
        **model_options,
    )  # fmt: skip
