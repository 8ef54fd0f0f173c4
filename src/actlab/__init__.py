"""actlab: try, compare and tune neural-network activation functions on Keras 3."""

import importlib
import os

# Hide TensorFlow's INFO start-up lines (CPU features); warnings and errors still show.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

from actlab.keras_hook import after_import

# The catalog joins Keras' activation strings when Keras is imported (now, if it already is),
# so that `import actlab` alone neither starts a backend nor needs one installed.
after_import("keras", lambda: importlib.import_module("actlab.activations"))

__version__ = "0.1.0"
__all__ = [
    "__version__",
    "activations",
    "compare",
    "data",
    "experiments",
    "models",
    "tasks",
    "tracking",
    "tune",
]

_LAZY_MODULES = (
    "activations",
    "data",
    "experiments",
    "index",
    "models",
    "tasks",
    "plots",
    "report",
    "tracking",
    "tune",
)


def __getattr__(name: str):
    # Submodules load on first use, so `import actlab` stays light.
    if name in _LAZY_MODULES:
        return importlib.import_module(f"actlab.{name}")
    if name == "compare":
        from actlab.experiments import compare

        return compare
    raise AttributeError(f"module 'actlab' has no attribute {name!r}")
