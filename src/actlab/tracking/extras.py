"""The optional packages a tracker needs, with the one-line error that names their extra."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtraError(ImportError):
    """An optional package is not installed; the message names the extra to install."""


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import `module`, or raise MissingExtraError saying ``pip install 'actlab[extra]'``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{what} needs the {module!r} package, which is not installed: "
            f"pip install 'actlab[{extra}]'"
        ) from None
