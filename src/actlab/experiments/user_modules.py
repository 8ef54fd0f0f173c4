"""`--import`: load a user's module so the activations it registers can be compared by name."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

#: What user code (a module, an activation) may raise that actlab reports instead of
#: stopping: any error, and SystemExit too (a user's function must not end a comparison).
USER_ERRORS = (Exception, SystemExit)


def import_user_module(target: str) -> ModuleType:
    """Import ``my_acts.py`` (a file) or ``package.module`` (importable) and return it."""
    path = Path(target)
    if target.endswith(".py") or path.exists():
        return _import_file(path)
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as error:
        raise ValueError(
            f"cannot import {target!r}: no such file, and no importable module "
            f"({error}). Give a path to a .py file or a module on PYTHONPATH."
        ) from None


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
