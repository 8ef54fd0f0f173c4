"""Results stores for report tests: one really trained, and hand-written ones (no training)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from actlab import activations, data, tasks
from actlab.activations import Reference
from actlab.experiments import Store
from actlab.experiments.store import arrays_to_npz

HOSTILE = "<script>alert(1)</script>"
HOSTILE_ACTIVATION = "xss_probe"
ENVIRONMENT = {
    "backend": "tensorflow",
    "versions": {"keras": "3.0.0", "python": "3.11.0"},
    "machine": {"platform": "Linux", "processor": "Test CPU", "cpus": 2},
}


def shared_build(tmp_path_factory, key: str, build: Callable[[Path], None]) -> Path:
    """A folder that `build` fills once per test run, even across pytest-xdist workers."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / key
    with open(root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            folder.mkdir(exist_ok=True)
            build(folder)
            (folder / "done").touch()
    return folder


def train_tiny_comparison(db: Path) -> None:
    """relu and tanhexp, 2 seeds x 2 epochs on the offline 8x8 digits: a few seconds."""
    import actlab

    actlab.compare(["relu", "tanhexp"], task="digits_mlp", seeds=2, epochs=2, db=db, quiet=True)


def write_comparison(db: Path, name: str, runs: list[dict]) -> None:
    """A digits_mlp comparison whose runs are written directly (see `run` for the fields),
    its config the task recipe alone, as an older actlab stored it (no baseline, no test)."""
    task = tasks.get("digits_mlp", epochs=2)
    with Store(db) as store:
        comparison = store.create_comparison(name, task.name, task.to_dict())
        for spec in runs:
            _write_run(store, comparison, task, spec)


def run(activation, seed, status="finished", accuracy=0.9, params=None, error=None, wrong=5,
        machine=None):  # fmt: skip
    """One run to write: its outcome, and `wrong` mistakes among the first test images."""
    return {"activation": activation, "seed": seed, "status": status, "accuracy": accuracy,
            "params": params or {}, "error": error, "wrong": wrong, "machine": machine}  # fmt: skip


def _write_run(store: Store, comparison: int, task, spec: dict) -> None:
    config = {"task": task.to_dict(), "overrides": {"epochs": 2}, **ENVIRONMENT}
    if spec["machine"]:
        config["machine"] = spec["machine"]
    run_id = store.start_run(comparison, spec["activation"], spec["params"], spec["seed"], config)
    epochs = [{"epoch": e, "loss": 1.0 / e, "accuracy": 1 - 0.3 / e, "val_loss": 1.2 / e,
               "val_accuracy": 1 - 0.35 / e, "seconds": 0.5} for e in (1, 2)]  # fmt: skip
    if spec["status"] == "failed":
        store.mark_run(run_id, "failed", error=spec["error"], epochs=epochs[:1])
    elif spec["status"] == "diverged":
        store.mark_run(run_id, "diverged", diverged_epoch=2, epochs=epochs)
    else:
        store.finish_run(run_id, test_loss=0.3, test_accuracy=spec["accuracy"], epochs=epochs,
                         predictions=_predictions(spec["wrong"]))  # fmt: skip


def _predictions(wrong: int) -> bytes:
    y_true = data.load("digits").y_test
    y_pred = y_true.copy()
    y_pred[:wrong] = (y_pred[:wrong] + 1) % 10
    return arrays_to_npz(y_true=y_true.astype(np.int16), y_pred=y_pred.astype(np.int16))


@contextlib.contextmanager
def hostile_activation_registered() -> Iterator[str]:
    """A registered activation whose formula and paper are HTML-looking text, only while
    the block runs (the registry and Keras' table are restored after)."""
    from actlab.activations import keras_strings, registry

    @activations.register(
        name=HOSTILE_ACTIVATION,
        formula=HOSTILE + r" x \cdot 2",
        reference=Reference(title="</a><img src=x onerror=alert(2)>", url="javascript:alert(3)"),
    )
    def xss_probe(x):
        """Twice x, with a hostile formula text."""
        return 2.0 * x

    try:
        yield HOSTILE_ACTIVATION
    finally:
        registry._SPECS.pop(HOSTILE_ACTIVATION, None)
        keras_strings.remove(HOSTILE_ACTIVATION)
