"""Independent mpmath references for every function-form catalog entry.

Each family module defines ``REFERENCES: dict[str, Ref]``; a reference is written from the
paper's formula in mpmath, never from actlab's code. `ALL` merges them.
"""

from __future__ import annotations

import importlib
import pkgutil

from tests.activations.references.base import Ref

ALL: dict[str, Ref] = {}
for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        _refs = importlib.import_module(f"{__name__}.{_module.name}").REFERENCES
        _clash = set(_refs) & set(ALL)
        assert not _clash, f"references defined twice: {_clash}"
        ALL.update(_refs)
