"""Model builders by name: `names()`, `builder()`, `options()`, `build()`."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import keras

from actlab.checks import did_you_mean
from actlab.models import own
from actlab.models.activation_slots import ActivationArg
from actlab.models.article_models import cifar_cnn, frelu_cnn, mlp, small_cnn
from actlab.models.resnet import resnet20

_BUILTIN: dict[str, Callable[..., keras.Model]] = {
    "mlp": mlp,
    "frelu_cnn": frelu_cnn,
    "small_cnn": small_cnn,
    "cifar_cnn": cifar_cnn,
    "resnet20": resnet20,
}
_BUILDERS: dict[str, Callable[..., keras.Model]] = dict(_BUILTIN)

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
        f"unknown model {model_name!r}.{hint} Known models: {', '.join(names())}. Your own: "
        "actlab.models.register(name, builder or keras.Model)."
    )


def describe(model_name: str) -> str:
    """The first line of the builder's docstring (its source: article or paper)."""
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

    ``build("small_cnn", "tanhexp", (32, 32, 3), 10)`` is article 001's TanhExp model.
    """
    make = builder(model_name)
    if model_name not in _BUILTIN:
        options = own.without_unused_decay(make, model_name, model_options)
        check_options(model_name, options)
        return own.call_builder(make, model_name, activation, input_shape, num_classes,
                                activation_params, options)  # fmt: skip
    check_options(model_name, model_options)
    return make(
        activation, input_shape, num_classes, activation_params=activation_params,
        **model_options,
    )  # fmt: skip


def register(
    name: str, model: Callable[..., keras.Model] | keras.Model, *, override: bool = False
) -> str:
    """Add your own model under `name`: a builder function ``fn(activation, input_shape,
    num_classes, **options)`` like actlab's, or an existing ``keras.Model`` whose hidden
    activations each run swaps (see `actlab.models.with_activation`).

    Then ``Task(model=name, ...)`` and ``compare(..., model=name)`` use it. A registered name
    needs ``override=True`` to be replaced; a built-in model cannot be.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"a model name must be a snake_case identifier, got {name!r}")
    if name in _BUILTIN or (name in _BUILDERS and not override):
        fix = "choose another name" if name in _BUILTIN else "pass override=True"
        raise ValueError(f"model {name!r} exists; {fix}")
    _BUILDERS[name] = own.as_builder(model)
    return name


def unregister(name: str) -> None:
    """Remove a model added with `register` (built-in ones stay)."""
    if name in _BUILTIN:
        raise ValueError(f"model {name!r} is built in and cannot be removed")
    _BUILDERS.pop(name, None)


def is_own(name: str) -> bool:
    """Whether `name` is a model added with `register`."""
    return name in _BUILDERS and name not in _BUILTIN
