"""The one registry of activations: lookup, registration and the Keras hooks.

Every entry, from the catalog or from a user, goes through `register`. Function entries are
wrapped so that half-precision inputs are computed in float32 and returned in their own dtype,
registered with Keras' serialization under ``actlab>NAME`` (so saved models load without
``custom_objects``), and added to Keras' table of activation strings unless Keras already
defines the name.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable

import keras
from keras import ops

from actlab.activation_spec import (
    PROPERTIES,
    ActivationSpec,
    Param,
    Reference,
    canonical,
    resolve_name,
)
from actlab.activations import fused, keras_strings
from actlab.activations.numerics import half_in_float32

KERAS_PACKAGE = "actlab"

_SPECS: dict[str, ActivationSpec] = {}
_ALIASES: dict[str, str] = {}


def names() -> list[str]:
    """Sorted canonical names of every registered activation."""
    return sorted(_SPECS)


def aliases() -> dict[str, str]:
    """Alias -> canonical name."""
    return dict(_ALIASES)


def spec(name: str) -> ActivationSpec:
    """The metadata of `name` (a canonical name or an alias)."""
    return _SPECS[resolve(name)]


def specs() -> list[ActivationSpec]:
    return [_SPECS[n] for n in names()]


def resolve(name: str) -> str:
    """Canonical name for `name`, or `UnknownActivationError` naming the closest ones."""
    return resolve_name(name, _SPECS, _ALIASES)


def unregister(name: str) -> None:
    """Remove a user's entry (and its aliases) from the catalog and from Keras' strings."""
    entry = spec(name)
    if entry.builtin:
        raise ValueError(f"{entry.name!r} is a catalog entry; only user entries can be removed")
    del _SPECS[entry.name]
    for key in (entry.name, *entry.aliases):
        _ALIASES.pop(key, None)
        keras_strings.remove(key)


def register(
    obj: Callable | type | None = None,
    *,
    name: str | None = None,
    formula: str = "",
    reference: Reference | str | None = None,
    params: Iterable[Param] | None = None,
    aliases: Iterable[str] = (),
    properties: Iterable[str] = (),
    family: str = "user",
    changes_shape: bool = False,
    note: str = "",
    override: bool = False,
    builtin: bool = False,
    fuse: bool = True,
):
    """Add an activation to the catalog; use as ``@register(name=..., formula=..., reference=...)``.

    `obj` is a function ``f(x, **params)`` written with `keras.ops`, or a `keras.layers.Layer`
    subclass (a learnable activation). Parameters default to the function's keyword defaults.
    The decorated function is returned wrapped (half precision computed in float32, and on
    each backend compiled into one fused kernel forward and one backward: `activations.fused`),
    and is usable everywhere a catalog name is. ``fuse=False`` keeps it op by op, for a function
    the compilers cannot take. Re-using a taken name or alias needs ``override=True``.
    """

    def decorate(target):
        entry_name = canonical(name or target.__name__)
        is_layer = inspect.isclass(target)
        if is_layer and not issubclass(target, keras.layers.Layer):
            raise TypeError(f"{entry_name}: a class must subclass keras.layers.Layer")
        if not is_layer and not callable(target):
            raise TypeError(f"{entry_name}: expected a function or a Layer class, got {target!r}")
        entry_params = tuple(params) if params is not None else _params_from_signature(target)
        entry_aliases = tuple(canonical(a) for a in aliases)
        _check_free(entry_name, entry_aliases, override)
        _check_properties(entry_name, properties)
        fn = None if is_layer else _catalog_function(target, entry_name, fuse, builtin)
        entry = ActivationSpec(
            name=entry_name,
            formula=formula,
            reference=Reference(title=reference) if isinstance(reference, str) else reference,
            family=family,
            kind="layer" if is_layer else "function",
            params=entry_params,
            aliases=entry_aliases,
            properties=frozenset(properties) | ({"learnable"} if is_layer else set()),
            changes_shape=changes_shape,
            summary=_first_line(target.__doc__),
            note=note,
            builtin=builtin,
            fn=fn,
            layer_class=target if is_layer else None,
        )
        _store(entry)
        if is_layer:
            keras.saving.register_keras_serializable(KERAS_PACKAGE, target.__name__)(target)
            return target
        keras.saving.register_keras_serializable(KERAS_PACKAGE, entry_name)(fn)
        if not changes_shape:  # Dense(..., activation=) would declare the wrong output width
            for key in (entry_name, *entry_aliases):
                keras_strings.add(key, fn)
        return fn

    return decorate(obj) if obj is not None else decorate


def registrar(family: str, *, builtin: bool = False) -> Callable:
    """`register` with `family` and `builtin` fixed, so a module of entries states them once.

    A catalog family module begins with ``register = registrar("bounded", builtin=True)``.
    """
    return functools.partial(register, family=family, builtin=builtin)


def _store(entry: ActivationSpec) -> None:
    old = _SPECS.get(entry.name)
    if old is not None:
        for alias in old.aliases:
            _ALIASES.pop(alias, None)
    _SPECS[entry.name] = entry
    for alias in entry.aliases:
        _ALIASES[alias] = entry.name


def _check_free(entry_name: str, entry_aliases: tuple[str, ...], override: bool) -> None:
    if not entry_name.isidentifier():
        raise ValueError(f"activation name {entry_name!r} must be a snake_case identifier")
    if override:
        return
    for key in (entry_name, *entry_aliases):
        if key in _SPECS or key in _ALIASES:
            owner = _ALIASES.get(key, key)
            raise ValueError(
                f"activation name {key!r} is already taken by {owner!r}; pass override=True "
                "to replace it, or choose another name."
            )


def _check_properties(entry_name: str, properties: Iterable[str]) -> None:
    unknown = set(properties) - set(PROPERTIES)
    if unknown:
        raise ValueError(
            f"{entry_name}: unknown properties {sorted(unknown)}; allowed: {sorted(PROPERTIES)}"
        )


def _params_from_signature(target) -> tuple[Param, ...]:
    init = target.__init__ if inspect.isclass(target) else target
    found = []
    for p in list(inspect.signature(init).parameters.values())[1:]:
        if isinstance(p.default, int | float) and not isinstance(p.default, bool):
            found.append(Param(p.name, p.default))
    return tuple(found)


def _first_line(doc: str | None) -> str:
    return inspect.cleandoc(doc).splitlines()[0] if doc else ""


def _catalog_function(target: Callable, entry_name: str, fuse: bool, builtin: bool) -> Callable:
    """`target` as the catalog calls it: fused where it can be, its portable form kept."""
    portable_fn = _float32_for_half_inputs(target, entry_name)
    stochastic = {"training", "seed"} & set(inspect.signature(target).parameters)
    native = fused.native(entry_name) if builtin and fuse else None
    if native is not None:
        fn = fused.with_native(_float32_for_half_inputs(native, entry_name), portable_fn)
    elif fuse and not stochastic:
        fn = fused.fuse(portable_fn)
    else:
        fn = portable_fn
    fn.portable = portable_fn  # type: ignore[attr-defined]  # read by activations.portable
    return fn


def _float32_for_half_inputs(fn: Callable, entry_name: str) -> Callable:
    """Wrap `fn` to compute float16/bfloat16 inputs in float32 (integers in floatx)."""

    @functools.wraps(fn)
    def activation(x, **params):
        x = ops.convert_to_tensor(x)
        if not keras.backend.standardize_dtype(x.dtype).startswith(("float", "bfloat")):
            x = ops.cast(x, keras.backend.floatx())
        return half_in_float32(fn, x, **params)

    activation.__name__ = entry_name
    activation.__qualname__ = entry_name
    return activation
