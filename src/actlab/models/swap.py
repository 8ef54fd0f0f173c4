"""`with_activation`: an existing Keras model, rebuilt with another activation (timm's
``act_layer`` idea, for a model that is already written).

Every hidden nonlinearity of a Sequential or functional model is swapped: the ``activation=``
of Dense and convolution layers (which become linear, followed by the new activation as its
own layer, as actlab's own builders do), ``Activation`` layers, Keras' activation layers
(ReLU, LeakyReLU, PReLU, ELU) and actlab's. The output layer keeps its activation, and so do
gates (sigmoid, hard_sigmoid, softmax: squeeze-excitation, attention), which are not hidden
activations. Nested models are swapped inside too.

The copy has fresh weights, drawn from the layers' own initialisers when it is built, so
under ``keras.utils.set_random_seed(seed)`` every activation starts from the same weights
wherever the shapes allow; the original model is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import keras
from keras.src.models.functional import Functional  # what clone_model rebuilds; not public

from actlab import activations
from actlab.models.activation_slots import ActivationArg, ActivationSlot, FunctionActivation, slot

#: Activations that gate or normalise rather than activate: never swapped.
GATES = frozenset({"sigmoid", "hard_sigmoid", "softmax", "log_softmax"})
#: Keras' own activation layers, by the activation each computes.
_KERAS_ACTIVATION_LAYERS: dict[type, str] = {
    keras.layers.ReLU: "relu",
    keras.layers.LeakyReLU: "leaky_relu",
    keras.layers.PReLU: "prelu",
    keras.layers.ELU: "elu",
}


class ActivationSwapError(ValueError):
    """A model whose activations cannot be swapped: subclassed, unbuilt, or with none."""


def with_activation(
    model: keras.Model,
    activation: ActivationArg,
    activation_params: Mapping[str, Any] | None = None,
    *,
    input_shape: Sequence[int] | None = None,
    name: str | None = None,
) -> keras.Model:
    """A copy of `model` with `activation` at every hidden nonlinearity (module docstring).

    `activation` takes every form a model builder does (catalog name, spec dict, function,
    Layer class). `input_shape` builds a Sequential model given without ``keras.Input``.
    """
    if not isinstance(model, keras.Model):
        raise ActivationSwapError(
            f"with_activation() takes a keras.Model, got {type(model).__name__}"
        )
    act = slot(activation, activation_params)
    swapper = _Swapper(act)
    copy = swapper.swap(model, input_shape, keep_output=True)
    if not swapper.swapped:
        raise ActivationSwapError(
            f"model {model.name!r} has no hidden activation to swap: its Dense and convolution "
            "layers are linear and it has no activation layers (only the output layer's and "
            "gates' are kept); add an activation (e.g. activation='relu') where it should go"
        )
    copy.name = name or f"{model.name}_{act.label}"
    return copy


def hidden_activations(model: keras.Model) -> list[str]:
    """Names of the layers of `model` whose activation `with_activation` swaps."""
    finder = _Swapper(slot("linear"))
    finder.swap(model, None, keep_output=True)
    return finder.swapped


class _Swapper:
    """Rebuilds models layer by layer; `swapped` lists the layers whose activation changed."""

    def __init__(self, act: ActivationSlot):
        self.act = act
        self.swapped: list[str] = []

    def swap(self, model: keras.Model, input_shape, keep_output: bool) -> keras.Model:
        if isinstance(model, keras.Sequential):
            return self._sequential(model, input_shape, keep_output)
        if not isinstance(model, Functional):
            raise ActivationSwapError(
                f"model {model.name!r} is a subclassed keras.Model ({type(model).__name__}), "
                "which cannot be rebuilt layer by layer; write a builder function "
                "fn(activation, input_shape, num_classes) and register it with "
                "actlab.models.register"
            )
        outputs = {id(t._keras_history.operation) for t in model.outputs}
        added: dict[int, Callable[[Any], Any]] = {}

        def clone(layer):
            return self._clone(layer, keep=keep_output and id(layer) in outputs, added=added)

        def call(layer, *args, **kwargs):
            out = layer(*args, **kwargs)
            after = added.get(id(layer))
            return out if after is None else after(out)

        return keras.models.clone_model(model, clone_function=clone, call_function=call)

    def _sequential(self, model: keras.Sequential, input_shape, keep_output: bool):
        shape = _input_shape(model, input_shape)
        layers: list[keras.layers.Layer] = [keras.Input(shape=shape)]
        added: dict[int, Callable[[Any], Any]] = {}
        last = len(model.layers) - 1
        for i, layer in enumerate(model.layers):
            copy = self._clone(layer, keep=keep_output and i == last, added=added)
            layers.append(copy)
            if id(copy) in added:
                layers.append(added[id(copy)])
        return keras.Sequential(layers, name=model.name)

    def _clone(self, layer, keep: bool, added: dict[int, Callable[[Any], Any]]):
        """A fresh copy of `layer`; a hidden activation replaced, or moved to a new layer
        (recorded in `added` under the copy's id) after a linear copy."""
        if isinstance(layer, keras.Model):
            return self.swap(layer, None, keep_output=keep)
        config = layer.get_config()
        computes = _activation_layer_computes(layer)
        if computes is not None:
            if keep or computes in GATES:
                return layer.__class__.from_config(config)
            self.swapped.append(layer.name)
            return self.act.make(f"{layer.name}_{self.act.label}")
        argument = _activation_argument(config)
        if keep or argument is None or argument in GATES:
            return layer.__class__.from_config(config)
        self.swapped.append(layer.name)
        copy = layer.__class__.from_config({**config, "activation": "linear"})
        added[id(copy)] = self.act.make(f"{layer.name}_{self.act.label}")
        return copy


def _input_shape(model: keras.Sequential, given) -> tuple[int, ...]:
    try:
        return tuple(model.input_shape[1:])
    except (AttributeError, ValueError):
        if given is None:
            raise ActivationSwapError(
                f"Sequential model {model.name!r} has no input shape yet: start it with "
                "keras.Input(shape=...), or pass input_shape=..."
            ) from None
        return tuple(given)


def _activation_layer_computes(layer: keras.layers.Layer) -> str | None:
    """What an activation layer computes ("relu", ...), None for any other layer."""
    for cls, computes in _KERAS_ACTIVATION_LAYERS.items():
        if isinstance(layer, cls):
            return computes
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    if isinstance(layer, keras.layers.Activation | FunctionActivation):  # actlab's is one
        return _activation_argument(layer.get_config()) or "linear"
    if isinstance(layer, activations.CatalogActivation) or _is_learnable(layer):
        return str(getattr(layer, "activation", type(layer).__name__))
    return None


def _is_learnable(layer: keras.layers.Layer) -> bool:
    classes = tuple(s.layer_class for s in activations.specs() if s.layer_class is not None)
    return isinstance(layer, classes)


def _activation_argument(config: Mapping[str, Any]) -> str | None:
    """The non-linear ``activation`` a layer's config holds, by name; None when linear."""
    value = config.get("activation")
    if value is None or value == "linear":
        return None
    if isinstance(value, Mapping):  # a serialized function or object
        inner = value.get("config")
        if isinstance(inner, Mapping):  # actlab's BoundActivation: {"activation": "elu", ...}
            inner = inner.get("activation")
        named = inner if isinstance(inner, str) else value.get("class_name")
        return str(named).rpartition(">")[2]  # "actlab>tanhexp" -> "tanhexp"
    return str(value)
