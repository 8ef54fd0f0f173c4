"""`import actlab` without Keras: the catalog joins Keras when Keras is imported.

Importing Keras starts its backend (seconds, and hundreds of MB for TensorFlow), which the
light commands of the command line (`--help`, `runs`, `export`) and the results store do not
need, and which may not even be installed. So `import actlab` registers the activation
catalog at once only when Keras is already imported; otherwise the moment it is: a finder on
`sys.meta_path` wraps Keras' loader so that `actlab.activations` is imported right after
`keras/__init__.py` has run. Either order (`import actlab` then `import keras`, or the
reverse) gives Keras' activation strings and saved-model loading the same catalog.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any


def after_import(name: str, callback: Callable[[], object]) -> None:
    """Call `callback` once top-level module `name` is imported: now if it already is."""
    if name in sys.modules:
        callback()
        return
    sys.meta_path.insert(0, _AfterImport(name, callback))


class _AfterImport(importlib.abc.MetaPathFinder):
    """Finds `name` through the other finders, with a loader that calls back once it has run.

    It stays on `sys.meta_path` until then: a probe (`importlib.util.find_spec("keras")`, as
    TensorFlow's start-up makes) loads nothing, so only an executed module removes it."""

    def __init__(self, name: str, callback: Callable[[], object]) -> None:
        self.name = name
        self.callback = callback

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = None if finder is self or find is None else find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _ThenCall(spec.loader, self._loaded)
                return spec
        return None

    def _loaded(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        self.callback()


class _ThenCall(importlib.abc.Loader):
    """`loader`, and `callback()` once the module has been executed."""

    def __init__(self, loader: Any, callback: Callable[[], object]) -> None:
        self.loader = loader
        self.callback = callback

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        self.callback()

    def __getattr__(self, name: str) -> Any:  # is_package, get_resource_reader, ...
        return getattr(self.loader, name)
