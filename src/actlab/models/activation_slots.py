"""The `activation` argument of a model builder, turned into one fresh Keras layer per position.

A builder accepts, for its activation:

* a catalog name or alias (``"tanhexp"``, ``"prelu"``), with parameters in ``activation_params``;
* a spec dict ``{"name": "elu", "alpha": 0.5}`` (name plus parameters);
* a Python callable on backend tensors (wrapped in a `FunctionActivation` layer);
* a ``keras.layers.Layer`` subclass (instantiated once per position with ``activation_params``).

Every hidden nonlinearity gets its own layer instance, so learnable activations (PReLU, FReLU)
get their own weights at every position, and catalog entries save and load with the model.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import keras

from actlab import activations

#: What a model builder accepts as its activation.
ActivationArg = str | Mapping[str, Any] | Callable | type


class IncompatibleActivationError(ValueError):
    """An activation that cannot run at some position of a model (e.g. FReLU in an MLP)."""


@dataclass(frozen=True)
class ActivationSlot:
    """Makes a fresh activation layer for every hidden nonlinearity of one model."""

    label: str
    make: Callable[[str], keras.layers.Layer] = field(repr=False)

    def apply(self, x, layer_name: str, model_name: str):
        """``make(layer_name)(x)``; an activation that fails on `x` is reported clearly."""
        layer = self.make(layer_name)
        try:
            return layer(x)
        except Exception as err:
            raise IncompatibleActivationError(
                _incompatible_message(self.label, model_name, layer_name, x.shape, err)
            ) from err


def _incompatible_message(label, model_name, layer_name, shape, err) -> str:
    text = (
        f"activation {label!r} cannot be used in model {model_name!r} at {layer_name!r} "
        f"(input shape {tuple(shape)}): {type(err).__name__}: {err}"
    )
    if len(shape) < 4:
        text += (
            f". {label!r} seems to need 4-D feature maps (batch, height, width, channels), "
            "but this position is a Dense output: use it in a CNN (frelu_cnn, small_cnn, "
            "resnet20), or, in cifar_cnn, pass dense_activation=... for the Dense layer."
        )
    return text


@keras.saving.register_keras_serializable(package="actlab")
class FunctionActivation(keras.layers.Activation):
    """``keras.layers.Activation`` whose output shape is traced through the function.

    Keras' own assumes the shape is kept, which breaks functions that change it (CReLU
    doubles the channels). Saves and loads like ``Activation`` (the function must be
    Keras-serializable: a Keras or catalog activation, or a registered function).
    """

    def compute_output_spec(self, *args, **kwargs):
        return keras.Operation.compute_output_spec(self, *args, **kwargs)


def slot(activation: ActivationArg, params: Mapping[str, Any] | None = None) -> ActivationSlot:
    """An `ActivationSlot` for any accepted form of `activation` (see the module docstring)."""
    params = dict(params or {})
    if isinstance(activation, str):
        return _catalog_slot(activation, params)
    if isinstance(activation, Mapping):
        return _catalog_slot(*_split_spec_dict(activation, params))
    if inspect.isclass(activation):
        return _layer_class_slot(activation, params)
    if isinstance(activation, keras.layers.Layer):
        raise TypeError(
            f"got a layer instance ({type(activation).__name__}); one instance would share its "
            "weights across every position. Pass the Layer class, a catalog name or a function."
        )
    if callable(activation):
        return _function_slot(activation, params)
    raise TypeError(
        "activation must be a catalog name, a spec dict {'name': ..., **params}, a function "
        f"or a keras Layer subclass, got {type(activation).__name__} {activation!r}"
    )


def _catalog_slot(name: str, params: dict[str, Any]) -> ActivationSlot:
    canonical = activations.resolve(name)

    def make(layer_name: str) -> keras.layers.Layer:
        layer = activations.layer(canonical, **params)
        layer.name = layer_name  # activations.layer(name, ...) has no argument for this
        return layer

    return ActivationSlot(label=canonical, make=make)


def _split_spec_dict(spec: Mapping[str, Any], params: dict[str, Any]) -> tuple[str, dict]:
    if "name" not in spec:
        raise ValueError(f"an activation spec dict needs a 'name' key, got {dict(spec)!r}")
    inline = {k: v for k, v in spec.items() if k != "name"}
    both = sorted(set(inline) & set(params))
    if both:
        raise ValueError(
            f"activation parameters {both} given both in the spec dict and in "
            "activation_params; give each once"
        )
    return spec["name"], {**inline, **params}


def _layer_class_slot(cls: type, params: dict[str, Any]) -> ActivationSlot:
    if not issubclass(cls, keras.layers.Layer):
        raise TypeError(f"an activation class must subclass keras.layers.Layer, got {cls!r}")

    def make(layer_name: str) -> keras.layers.Layer:
        return cls(name=layer_name, **params)

    return ActivationSlot(label=_label(cls.__name__), make=make)


def _function_slot(fn: Callable, params: dict[str, Any]) -> ActivationSlot:
    if params:
        raise TypeError(
            "activation_params apply to catalog names and Layer classes only; bind them into "
            "your function, or register it with actlab.activations.register()"
        )

    def make(layer_name: str) -> keras.layers.Layer:
        return FunctionActivation(fn, name=layer_name)

    return ActivationSlot(label=_label(getattr(fn, "__name__", type(fn).__name__)), make=make)


def _label(text: str) -> str:
    """Lower snake_case usable in a model name ("MyAct" -> "myact", "<lambda>" -> "lambda")."""
    return re.sub(r"[^0-9a-z_]+", "_", text.lower()).strip("_") or "activation"
