"""Your own model, as a builder the registry can call: a function of the activation, or an
existing Keras model whose hidden activations are swapped (`with_activation`).

A builder function is called like actlab's own, ``fn(activation, input_shape, num_classes,
**options)``, with ``activation_params=`` too if it takes that argument; otherwise, an
activation with parameters arrives bound into one callable. `activation` is a catalog name
(or that callable): give it to ``activation=`` of Keras layers, or to
``actlab.models.slot(activation).make(layer_name)`` for a layer of its own (needed by
learnable activations). What a builder returns is checked: a ``keras.Model`` taking
`input_shape` and ending in a softmax of `num_classes` units.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import keras

from actlab.activations import BoundActivation
from actlab.models.activation_slots import ActivationArg
from actlab.models.swap import with_activation


class ModelMismatchError(ValueError):
    """A model that cannot train on the data: wrong input shape, outputs or output layer."""


class KerasModelBuilder:
    """Builds copies of one existing Keras model, each with another activation."""

    def __init__(self, model: keras.Model):
        if not isinstance(model, keras.Model):
            raise TypeError(f"expected a keras.Model, got {type(model).__name__}")
        self.model = model
        self.__name__ = model.name
        self.__doc__ = f"Your Keras model {model.name!r}, with its hidden activations swapped."

    def __call__(
        self,
        activation: ActivationArg,
        input_shape: Sequence[int],
        num_classes: int,
        *,
        activation_params: Mapping[str, Any] | None = None,
    ) -> keras.Model:
        return with_activation(self.model, activation, activation_params, input_shape=input_shape)


def as_builder(model: Callable[..., keras.Model] | keras.Model) -> Callable[..., keras.Model]:
    """A builder for `model`: a Keras model becomes a `KerasModelBuilder`; a function stays."""
    if isinstance(model, keras.Model):
        return KerasModelBuilder(model)
    if not callable(model):
        raise TypeError(
            "a model must be a registered model name, a builder function "
            f"fn(activation, input_shape, num_classes) or a keras.Model, got "
            f"{type(model).__name__}"
        )
    return model


def call_builder(
    make: Callable[..., keras.Model],
    model_name: str,
    activation: ActivationArg,
    input_shape: Sequence[int],
    num_classes: int,
    activation_params: Mapping[str, Any] | None,
    options: Mapping[str, Any],
) -> keras.Model:
    """``make(...)`` as the module docstring says, and its model checked."""
    kwargs = dict(options)
    if _takes(make, "activation_params"):
        kwargs["activation_params"] = activation_params
    elif activation_params:
        activation = BoundActivation.bind(str(activation), **activation_params)
    model = make(activation, tuple(input_shape), num_classes, **kwargs)
    check_fits(model, model_name, input_shape, num_classes)
    return model


def without_unused_decay(
    make: Callable[..., keras.Model], model_name: str, options: Mapping[str, Any]
) -> dict[str, Any]:
    """`options` without a task's ``weight_decay`` of 0 that the builder does not take (the
    task always passes one); a non-zero one it cannot take is refused."""
    options = dict(options)
    if "weight_decay" not in options or _takes(make, "weight_decay"):
        return options
    if options.pop("weight_decay"):
        raise ModelMismatchError(
            f"the task sets weight_decay but model {model_name!r} takes no weight_decay "
            "argument; add one to its builder, or set weight_decay=0"
        )
    return options


def check_fits(model: Any, model_name: str, input_shape: Sequence[int], num_classes: int) -> None:
    """Raise `ModelMismatchError` unless `model` takes `input_shape` and ends in a softmax of
    `num_classes` units (actlab trains with sparse categorical cross-entropy on probabilities)."""
    if not isinstance(model, keras.Model):
        raise ModelMismatchError(
            f"model {model_name!r}: its builder returned {type(model).__name__}, not a keras.Model"
        )
    takes = tuple(model.input_shape[1:]) if not isinstance(model.input_shape, list) else None
    if takes != tuple(input_shape):
        raise ModelMismatchError(
            f"model {model_name!r} takes inputs of shape {takes} but the data's are "
            f"{tuple(input_shape)}; give the model keras.Input(shape={tuple(input_shape)})"
        )
    units = model.output_shape[-1] if not isinstance(model.output_shape, list) else None
    if units != num_classes:
        raise ModelMismatchError(
            f"model {model_name!r} has {units} output units but the labels have "
            f"{num_classes} classes (0..{num_classes - 1}); end it with "
            f"Dense({num_classes}, activation='softmax')"
        )
    if not _ends_in_softmax(model):
        raise ModelMismatchError(
            f"model {model_name!r} does not end in a softmax; actlab trains with sparse "
            "categorical cross-entropy on probabilities: give its output layer "
            "activation='softmax'"
        )


def fingerprint(model: keras.Model) -> str:
    """SHA-256 (first 16 hex digits) of `model`'s architecture: its layers' classes and
    configs and how they connect, with the layer names Keras numbers per session replaced by
    their order, so the same code gives the same fingerprint in any process."""
    config = model.get_config()
    names: dict[str, str] = {}
    _collect_names({"class_name": type(model).__name__, "config": config}, names)
    text = json.dumps([type(model).__name__, _renamed(config, names)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _collect_names(value: Any, names: dict[str, str]) -> None:
    """The ``name`` of every serialized layer and model in `value`, numbered in order."""
    if isinstance(value, Mapping):
        inner = value.get("config")
        is_layer = "class_name" in value and value["class_name"] != "DTypePolicy"
        if is_layer and isinstance(inner, Mapping) and isinstance(inner.get("name"), str):
            names.setdefault(inner["name"], f"#{len(names)}")
        for item in value.values():
            _collect_names(item, names)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_names(item, names)


def _renamed(value: Any, names: Mapping[str, str]) -> Any:
    if isinstance(value, Mapping):
        return {k: _renamed(v, names) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_renamed(v, names) for v in value]
    if isinstance(value, str):
        return names.get(value, value)
    return value


def _ends_in_softmax(model: keras.Model) -> bool:
    last = model.outputs[0]._keras_history.operation
    while isinstance(last, keras.Model):
        last = last.outputs[0]._keras_history.operation
    if isinstance(last, keras.layers.Softmax):
        return True
    activation = getattr(last, "activation", None)
    name = getattr(activation, "__name__", activation)
    return name == "softmax"


def _takes(fn: Callable[..., Any], argument: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return argument in params or any(p.kind is p.VAR_KEYWORD for p in params.values())
