"""What every learnable activation layer shares: weight sharing, float32 math, checked arguments.

Each layer of the learnable family subclasses `LearnableActivation` and writes only `build`
(its weights) and `activate` (its formula, in `keras.ops`); a layer with a single weight that
starts at a constant (PReLU's alpha) subclasses `OneWeightActivation`, which builds it. The base
class gives them:

- ``shared_axes`` as in Keras' PReLU, with the paper's sharing as default: ``"channel"`` (one
  weight per channel of a channels-last input, the usual choice), ``"layer"`` (one weight for
  the whole layer) or a list of axes (``[]`` = one weight per unit, Keras' PReLU default);
- float32 weights that are not autocast, and float32 math for float16 / bfloat16 inputs, so a
  mixed-precision model keeps the digits the formulas need; the output has the input's dtype;
- scalar constructor arguments checked against the registered `Param` ranges, with errors that
  name the parameter, whether the layer comes from `activations.layer()` or its constructor.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, cast

import keras
from keras import ops

from actlab.activations.numerics import half_in_float32
from actlab.activations.registry import KERAS_PACKAGE, spec
from actlab.checks import is_integer, is_real

SHARING_MODES = ("channel", "layer")


class LearnableActivation(keras.layers.Layer):
    """Base of the learnable activations; subclasses set `catalog_name` and `default_sharing`."""

    catalog_name: ClassVar[str] = ""
    #: "channel", "layer", or None for layers whose weights are not per unit (PAU, FReLU)
    default_sharing: ClassVar[str | None] = "channel"

    def __init__(self, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        if self.default_sharing is None and shared_axes is not None:
            raise ValueError(
                f"{self.catalog_name}: takes no shared_axes (its weights are "
                f"shared by the whole layer), got {shared_axes!r}"
            )
        self.shared_axes = _checked_shared_axes(shared_axes, self.catalog_name)

    # -- arguments -------------------------------------------------------------------------

    def checked(self, name: str, value: Any) -> float | int:
        """`value` validated against this entry's registered parameter `name`."""
        return spec(self.catalog_name).param(name).validate(value, self.catalog_name)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if self.default_sharing is not None:
            config["shared_axes"] = self.shared_axes
        return config

    # -- shapes ----------------------------------------------------------------------------

    def weight_shape(self, input_shape) -> tuple[int, ...]:
        """Shape of a per-unit weight after sharing: ``input_shape[1:]`` with shared axes as 1."""
        rank = len(input_shape)
        shared = self._shared_axes_for(rank)
        shape = []
        for axis in range(1, rank):
            if axis in shared:
                shape.append(1)
            elif input_shape[axis] is None:
                raise ValueError(
                    f"{self.catalog_name}: axis {axis} of input shape {tuple(input_shape)} has "
                    "no fixed size, so it cannot carry its own weights; share it with "
                    f"shared_axes (e.g. shared_axes='channel' or [{axis}])."
                )
            else:
                shape.append(int(input_shape[axis]))
        axes = {a: int(input_shape[a]) for a in range(1, rank) if a not in shared}
        self.input_spec = keras.layers.InputSpec(ndim=rank, axes=axes)
        return tuple(shape)

    def _shared_axes_for(self, rank: int) -> set[int]:
        mode = self.default_sharing if self.shared_axes is None else self.shared_axes
        if mode == "channel":
            return set(range(1, rank - 1))
        if mode == "layer":
            return set(range(1, rank))
        axes: set[int] = set()
        for axis in cast(tuple[int, ...], mode):  # neither named mode: the checked axes
            positive = axis + rank if axis < 0 else axis
            if not 1 <= positive < rank:
                raise ValueError(
                    f"{self.catalog_name}: shared_axes={mode} names axis {axis}, outside the "
                    f"non-batch axes 1..{rank - 1} of a rank-{rank} input."
                )
            axes.add(positive)
        return axes

    def compute_output_shape(self, input_shape):
        return input_shape

    # -- weights and math --------------------------------------------------------------------

    def add_float32_weight(self, name: str, shape, initializer, constraint=None):
        """A trainable weight in the variable dtype (float32 under mixed precision), no autocast."""
        return self.add_weight(
            name=name, shape=shape, initializer=initializer, constraint=constraint,
            autocast=False,
        )  # fmt: skip

    def call(self, inputs, training=None):
        return half_in_float32(self.activate, inputs, training=training)

    def activate(self, x, training=None):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    @staticmethod
    def value(weight, x):
        """`weight` in the dtype of the computation on `x`."""
        return ops.cast(weight, x.dtype)


class OneWeightActivation(LearnableActivation):
    """A learnable activation with one weight, per unit after sharing, started at a constant.

    Subclasses set `weight_name` and write `activate`; their constructor takes the start as the
    registered parameter ``<weight_name>_init`` and passes it on.
    """

    weight_name: ClassVar[str] = ""

    def __init__(self, initial_value, shared_axes=None, **kwargs):
        super().__init__(shared_axes=shared_axes, **kwargs)
        setattr(self, self._init_name, self.checked(self._init_name, initial_value))

    @property
    def _init_name(self) -> str:
        return f"{self.weight_name}_init"

    def build(self, input_shape):
        start = keras.initializers.Constant(getattr(self, self._init_name))
        weight = self.add_float32_weight(self.weight_name, self.weight_shape(input_shape), start)
        setattr(self, self.weight_name, weight)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), self._init_name: getattr(self, self._init_name)}


def _checked_shared_axes(shared_axes, owner: str):
    if shared_axes is None or shared_axes in SHARING_MODES:
        return shared_axes
    if is_integer(shared_axes):
        return [int(shared_axes)]
    if isinstance(shared_axes, list | tuple) and all(is_integer(a) and a != 0 for a in shared_axes):
        return [int(a) for a in shared_axes]
    raise ValueError(
        f"{owner}: shared_axes must be None (the paper's sharing), 'channel', 'layer', or a "
        f"list of non-batch axis numbers such as [1, 2]; got {shared_axes!r}."
    )


@keras.saving.register_keras_serializable(KERAS_PACKAGE)
class AtLeast(keras.constraints.Constraint):
    """Clips a weight from below after each optimizer step (PELU keeps a, b >= 0.1)."""

    def __init__(self, min_value: float):
        self.min_value = float(min_value)

    def __call__(self, w):
        return ops.maximum(w, ops.cast(self.min_value, w.dtype))

    def get_config(self) -> dict[str, Any]:
        return {"min_value": self.min_value}


def sequence_of_floats(value, name: str, owner: str) -> list[float]:
    """`value` as a non-empty list of finite floats, or a ValueError naming `name`."""
    ok = (
        isinstance(value, list | tuple)
        and len(value) > 0
        and all(is_real(v) and math.isfinite(v) for v in value)
    )
    if not ok:
        raise ValueError(
            f"{owner}: {name} must be a non-empty list of finite numbers, got {value!r}"
        )
    return [float(v) for v in value]


def checked_seed(seed, owner: str) -> int | None:
    if seed is None or is_integer(seed):
        return None if seed is None else int(seed)
    raise ValueError(f"{owner}: seed must be an integer or None, got {seed!r}")
