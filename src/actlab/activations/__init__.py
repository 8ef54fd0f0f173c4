"""The activation catalog: ``names()``, ``get()``, ``layer()``, ``spec()``, ``register()``.

Importing this package registers every catalog entry and adds the function-form names to
Keras' activation strings (``Dense(16, activation="tanhexp")``).
"""

# Importing a family module registers its entries. The learnable family is split by kind:
# rectified (prelu, srelu, ...), gated (swish_beta, acon_c, dice), context (frelu, meta_acon)
# and smooth (pau, soft_exponential, snake_learnable); `learnable_base` is their common base.
from actlab.activation_spec import (
    PROPERTIES,
    ActivationSpec,
    Param,
    Reference,
    UnknownActivationError,
)
from actlab.activations import (  # noqa: F401
    bounded,
    classic,
    exponential,
    learnable_context,
    learnable_gated,
    learnable_rectified,
    learnable_smooth,
    normalising,
    periodic,
    rectified,
    self_gated,
    shape_changing,
    shrinkage,
    smooth,
)
from actlab.activations.forms import BoundActivation, CatalogActivation, get, layer, portable
from actlab.activations.registry import (
    aliases,
    names,
    register,
    registrar,
    resolve,
    spec,
    specs,
    unregister,
)

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
    "registrar",
    "resolve",
    "spec",
    "specs",
    "unregister",
]
