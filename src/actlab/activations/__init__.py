"""The activation catalog: ``names()``, ``get()``, ``layer()``, ``spec()``, ``register()``.

Importing this package registers every catalog entry and adds the function-form names to
Keras' activation strings (``Dense(16, activation="tanhexp")``).
"""

# Importing a family module registers its entries.
from actlab.activations import (  # noqa: F401
    bounded,
    classic,
    exponential,
    learnable,
    normalising,
    periodic,
    rectified,
    self_gated,
    shape_changing,
    shrinkage,
    smooth,
)
from actlab.activations.registry import (
    BoundActivation,
    CatalogActivation,
    UnknownActivationError,
    aliases,
    get,
    layer,
    names,
    portable,
    register,
    resolve,
    spec,
    specs,
    unregister,
)
from actlab.activations.spec import PROPERTIES, ActivationSpec, Param, Reference

__all__ = [
    "PROPERTIES",
    "ActivationSpec",
    "BoundActivation",
    "CatalogActivation",
    "Param",
    "Reference",
    "UnknownActivationError",
    "aliases",
    "get",
    "layer",
    "names",
    "portable",
    "register",
    "resolve",
    "spec",
    "specs",
    "unregister",
]
