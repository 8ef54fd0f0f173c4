"""An entry in the form a model takes: a function, a function with its parameters, a layer.

`get` gives a function entry's callable, `portable` its op-by-op form, and `layer` a Keras
layer for any entry. `BoundActivation` is an activation with the parameters it is given
(``"elu:alpha=0.5"`` on the command line, ``elu(alpha=0.5)`` in tables): what a comparison
compares, and what `get` returns for a function with parameters, serializable by Keras.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import keras

from actlab.activation_spec import ActivationSpec
from actlab.activations.registry import KERAS_PACKAGE, resolve, spec


def get(name: str, /, **params: Any) -> Callable:
    """A callable ``f(x) -> y`` on backend tensors for a function-form entry.

    Without parameters this is the catalog function itself; with parameters it is a
    `BoundActivation`, which Keras can serialize.
    """
    entry = spec(name)
    function = entry.function  # a layer entry: one line naming activations.layer
    if not params:
        return function
    return BoundActivation.bind(entry.name, **params)


def portable(name: str, /, **params: Any) -> Callable:
    """Like `get`, but the entry's `keras.ops` expression run op by op, without the fused path.

    The same function as `get(name)`: the reference the fast paths are tested and timed against.
    """
    get(name)  # the same checks: a function entry
    entry = spec(name)
    portable_fn = entry.function.portable  # type: ignore[attr-defined]  # set by the registry
    return functools.partial(portable_fn, **entry.validate_params(params))


def layer(activation: str, /, **params: Any) -> keras.layers.Layer:
    """A fresh `keras.layers.Layer` for any entry (learnable entries are layer-only).

    Keyword arguments are the entry's parameters, plus the Keras layer's own ``name`` and
    ``dtype``.
    """
    entry = spec(activation)
    if entry.layer_class is not None:  # a layer entry
        entry.validate_params({k: v for k, v in params.items() if _is_param(entry, k)})
        return entry.layer_class(**params)
    layer_kwargs = {k: params.pop(k) for k in ("name", "dtype") if k in params}
    return CatalogActivation(entry.name, params=params, **layer_kwargs)


def _is_param(entry: ActivationSpec, key: str) -> bool:
    return any(p.name == key for p in entry.params)


@keras.saving.register_keras_serializable(KERAS_PACKAGE)
@dataclass(frozen=True, repr=False)
class BoundActivation:
    """An activation with the parameters it is given: ``"elu:alpha=0.5"``, shown ``elu(alpha=0.5)``.

    `params` holds only the parameters given; the defaults fill in the rest when it computes.
    A function entry's is callable on tensors and Keras-serializable. `parse` and `bind` check
    it against the catalog; the plain constructor does not, so that a stored run of an
    activation this process has not registered can still be named.
    """

    name: str
    params: dict[str, float] = field(default_factory=dict)

    @classmethod
    def bind(cls, activation: str, /, **params: Any) -> BoundActivation:
        """`activation` (a name or an alias) with `params`, each checked against its range."""
        entry = spec(activation)
        checked = entry.validate_params(params)
        return cls(entry.name, {key: checked[key] for key in params})

    @classmethod
    def parse(cls, text: str | BoundActivation) -> BoundActivation:
        """``"tanhexp"`` or ``"elu:alpha=0.5,..."``; checked against the catalog."""
        if isinstance(text, BoundActivation):
            return text
        name, _, param_text = str(text).partition(":")
        entry = spec(name)
        return cls.bind(entry.name, **_parse_params(name, param_text, text))

    @property
    def label(self) -> str:
        """How runs name it: ``"relu"``, or ``"elu(alpha=0.5)"`` with its parameters sorted."""
        if not self.params:
            return self.name
        inside = ", ".join(f"{key}={value}" for key, value in sorted(self.params.items()))
        return f"{self.name}({inside})"

    def full_params(self) -> dict[str, float]:
        """Every parameter, defaults included: what the activation computes with."""
        return spec(self.name).validate_params(self.params)

    def __call__(self, x):
        return self._computation(x)

    @functools.cached_property
    def _computation(self) -> Callable:
        return functools.partial(spec(self.name).function, **self.full_params())

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted(self.params.items()))))

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value:g}" for key, value in self.params.items())
        return f"{self.name}({args})"

    def get_config(self) -> dict[str, Any]:
        return {"activation": self.name, **self.full_params()}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BoundActivation:
        params = {key: value for key, value in config.items() if key != "activation"}
        return cls.bind(config["activation"], **params)


def _parse_params(name: str, param_text: str, whole: str) -> dict[str, float]:
    """``"alpha=0.5,beta=1"`` as a dict; each parameter may be given once."""
    params: dict[str, float] = {}
    for item in param_text.split(","):
        if item:
            key, value = _parse_assignment(item, whole)
            if key in params:
                raise ValueError(
                    f"{whole!r} gives parameter {key!r} twice; give each parameter once "
                    f"(e.g. {name}:{key}={value:g})"
                )
            params[key] = value
    return params


def _parse_assignment(item: str, whole: str) -> tuple[str, float]:
    key, sep, value = item.partition("=")
    try:
        if not sep:
            raise ValueError
        return key.strip(), float(value)
    except ValueError:
        raise ValueError(
            f"cannot read activation parameters in {whole!r}: write them as "
            "name:param=value,param=value (e.g. elu:alpha=0.5)"
        ) from None


@keras.saving.register_keras_serializable(KERAS_PACKAGE)
class CatalogActivation(keras.layers.Layer):
    """Layer form of a function entry, e.g. ``CatalogActivation("tanhexp")``."""

    def __init__(self, activation: str, params: dict[str, float] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.activation = resolve(activation)
        self.params = spec(self.activation).validate_params(params or {})
        self._fn = spec(self.activation).function
        arguments = inspect.signature(self._fn).parameters
        self._takes_training = "training" in arguments
        # Stochastic entries (rrelu) draw from a generator the layer owns: traceable on JAX.
        self.seed_generator = keras.random.SeedGenerator() if "seed" in arguments else None
        self._changes_shape = spec(self.activation).changes_shape
        self.supports_masking = not self._changes_shape

    def compute_output_shape(self, input_shape):
        if not self._changes_shape:
            return input_shape
        symbolic = keras.KerasTensor(input_shape, dtype=self.compute_dtype)
        return self._fn(symbolic, **self.params).shape

    def call(self, inputs, training=None):
        extra = {}
        if self._takes_training:
            extra["training"] = bool(training)
        if self.seed_generator is not None:
            extra["seed"] = self.seed_generator
        return self._fn(inputs, **extra, **self.params)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": self.activation, "params": self.params}
