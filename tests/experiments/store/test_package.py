"""The store package on its own: loaded by path without actlab or Keras, all names exported."""

from __future__ import annotations

import subprocess
import sys

import actlab.experiments.store as store_package
from tests.experiments.store.stores import LOAD_STORE

CHECK_IMPORTS = (
    LOAD_STORE
    + """
heavy = sorted(name for name in ("actlab", "keras", "tensorflow", "jax", "torch")
               if name in sys.modules)
print("loaded:", ",".join(heavy) or "none")
print("Store:", store_module.Store.__module__)
"""
)


def test_the_store_loads_without_actlab_or_keras(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-c", CHECK_IMPORTS], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["loaded: none", "Store: actlab_store.store"]


def test_every_exported_name_exists() -> None:
    missing = [name for name in store_package.__all__ if not hasattr(store_package, name)]
    assert missing == []
