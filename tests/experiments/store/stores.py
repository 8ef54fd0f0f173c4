"""Epoch records and stores for the store tests, written with the real Store, and the loader
that lets a subprocess use the store package without importing actlab (or Keras)."""

from __future__ import annotations

import hashlib
import select
import subprocess
from pathlib import Path

from actlab.experiments import store as store_package
from actlab.experiments.store import Store

PACKAGE = Path(store_package.__file__).parent

# Loads the store package by path: the subprocesses skip importing actlab (and TensorFlow).
LOAD_STORE = f"""
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location(
    "actlab_store", {str(PACKAGE / "__init__.py")!r},
    submodule_search_locations=[{str(PACKAGE)!r}],
)
store_module = importlib.util.module_from_spec(spec)
sys.modules["actlab_store"] = store_module  # its modules import each other relatively
spec.loader.exec_module(store_module)
"""

EPOCHS = [
    {"epoch": 1, "loss": 1.0, "accuracy": 0.5, "val_loss": 1.1, "val_accuracy": 0.4, "seconds": 2},
    {"epoch": 2, "loss": 0.5, "accuracy": 0.8, "val_loss": 0.6, "val_accuracy": 0.7, "seconds": 4},
    {"epoch": 3, "loss": 0.25, "accuracy": 0.9, "val_loss": 0.3, "val_accuracy": 0.8, "seconds": 3},
]

TIMED_EPOCHS = [  # 12 steps an epoch; epoch 1 holds the warm-up (tracing, compilation)
    {"epoch": 1, "seconds": 9.0, "train_seconds": 8.0, "train_steps": 12,
     "timed_seconds": 0.6, "timed_steps": 6},
    {"epoch": 2, "seconds": 2.0, "train_seconds": 1.2, "train_steps": 12,
     "timed_seconds": 1.1, "timed_steps": 11},
    {"epoch": 3, "seconds": 2.5, "train_seconds": 1.4, "train_steps": 12,
     "timed_seconds": 1.1 + 0.22, "timed_steps": 11},
]  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_store_with_one_run(path: Path) -> None:
    with Store(path) as store:
        cid = store.create_comparison("cmp", "xor", {"epochs": 3})
        run_id = store.start_run(cid, "relu", {}, 0)
        store.finish_run(run_id, epochs=EPOCHS, test_loss=0.3, test_accuracy=0.9)


def finish(store: Store, run_id: int, accuracy: float = 0.9) -> None:
    store.finish_run(run_id, epochs=EPOCHS, test_loss=0.3, test_accuracy=accuracy)


def wait_for_line(process: subprocess.Popen, timeout: float = 120) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    return process.stdout.readline() if ready else ""
