"""`--import`: load a user's module so the activations it registers can be compared by name.

Each module loaded here is remembered (`imported`), with the source text of a file, so that
worker processes (`--jobs`, `--executor ray`, on this machine or another) load the same
modules before their first run (`load_again`).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

#: What user code (a module, an activation) may raise that actlab reports instead of
#: stopping: any error, and SystemExit too (a user's function must not end a comparison).
USER_ERRORS = (Exception, SystemExit)


@dataclass(frozen=True)
class UserModule:
    """A module loaded by `import_user_module`: a file (with its source) or a module name,
    and the activations that loading it registered."""

    target: str
    name: str
    source: str | None = None  # a file's text; None for an importable module
    registered: tuple[str, ...] = ()


_IMPORTED: list[UserModule] = []


def imported() -> tuple[UserModule, ...]:
    """The modules `import_user_module` loaded in this process, in order."""
    return tuple(_IMPORTED)


def registered_here() -> set[str]:
    """Activation names that the modules loaded by `import_user_module` registered."""
    return {name for module in _IMPORTED for name in module.registered}


def load_again(modules: tuple[UserModule, ...]) -> None:
    """Load `modules` in this (worker) process, each once: files from their source text,
    so the file need not exist here, and module names by import."""
    for module in modules:
        if module.name in sys.modules:
            continue
        if module.source is None:
            importlib.import_module(module.target)
            continue
        loaded = ModuleType(module.name)
        loaded.__file__ = module.target
        sys.modules[module.name] = loaded
        exec(compile(module.source, module.target, "exec"), loaded.__dict__)


def import_user_module(target: str) -> ModuleType:
    """Import ``my_acts.py`` (a file) or ``package.module`` (importable) and return it."""
    from actlab import activations

    before = _entries(activations)
    path = Path(target)
    if target.endswith(".py") or path.exists():
        module = _import_file(path)
        source = path.read_text(encoding="utf-8")
        remembered = UserModule(str(path.resolve()), module.__name__, source)
    else:
        try:
            module = importlib.import_module(target)
        except ModuleNotFoundError as error:
            raise ValueError(
                f"cannot import {target!r}: no such file, and no importable module "
                f"({error}). Give a path to a .py file or a module on PYTHONPATH."
            ) from None
        remembered = UserModule(target, module.__name__)
    after = _entries(activations)
    added = tuple(sorted(name for name, entry in after.items() if before.get(name) is not entry))
    _IMPORTED.append(UserModule(remembered.target, remembered.name, remembered.source, added))
    return module


def _entries(activations) -> dict[str, object]:
    return {name: activations.spec(name) for name in activations.names()}


def _import_file(path: Path) -> ModuleType:
    if not path.is_file():
        raise ValueError(f"cannot import {str(path)!r}: no such file")
    name = f"actlab_user_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path.resolve())
    if spec is None or spec.loader is None:
        raise ValueError(f"cannot import {str(path)!r}: not a Python source file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
