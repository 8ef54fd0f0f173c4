"""One run: build the task's model with an activation, train it under a seed, evaluate it."""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np

from actlab.experiments.store import arrays_to_npz

EPOCH_METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


@dataclass
class RunOutcome:
    """What one training run produced; `diverged_epoch` is set when the loss went NaN/inf."""

    epochs: list[dict[str, Any]]
    param_count: int
    total_seconds: float
    test_loss: float | None = None
    test_accuracy: float | None = None
    diverged_epoch: int | None = None
    model_bytes: bytes | None = field(default=None, repr=False)
    predictions: bytes | None = field(default=None, repr=False)

    @property
    def median_epoch_seconds(self) -> float | None:
        seconds = [e["seconds"] for e in self.epochs]
        return statistics.median(seconds) if seconds else None


class EpochRecorder(keras.callbacks.Callback):
    """Per-epoch metrics and wall time; stops training when the loss is no longer finite."""

    def __init__(self, on_epoch: Callable[[dict[str, Any]], None] | None = None):
        super().__init__()
        self.records: list[dict[str, Any]] = []
        self.diverged_epoch: int | None = None
        self._on_epoch = on_epoch
        self._started = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._started
        logs = logs or {}
        record = {"epoch": epoch + 1, "seconds": seconds}
        record.update({k: float(logs[k]) for k in EPOCH_METRICS if k in logs})
        self.records.append(record)
        if not math.isfinite(record.get("loss", 0.0)):
            self.diverged_epoch = epoch + 1
            self.model.stop_training = True
        if self._on_epoch is not None:
            self._on_epoch(record)


def train_one(
    task,
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    activation: str,
    params: dict[str, float],
    seed: int,
    *,
    keep_model: bool = True,
    on_epoch: Callable[[dict[str, Any]], None] | None = None,
) -> RunOutcome:
    """Train `task`'s model with `activation` under `seed` and evaluate it on the test set.

    `keras.utils.set_random_seed` fixes weight initialisation, data order and dropout, so the
    same (activation, seed) gives the same numbers again on the same backend, and different
    activations start from the same weights wherever the shapes allow.
    """
    x_train, y_train, x_test, y_test = data
    keras.utils.set_random_seed(seed)
    model = task.build_model(activation, activation_params=params or None)
    recorder = EpochRecorder(on_epoch)
    fit_kwargs = task.fit_kwargs(test_data=(x_test, y_test))
    fit_kwargs["callbacks"] = [*fit_kwargs.get("callbacks", []), recorder]
    started = time.perf_counter()
    model.fit(x_train, y_train, verbose=0, **fit_kwargs)
    outcome = RunOutcome(
        epochs=recorder.records,
        param_count=int(model.count_params()),
        total_seconds=time.perf_counter() - started,
        diverged_epoch=recorder.diverged_epoch,
    )
    if outcome.diverged_epoch is None:
        _evaluate(model, x_test, y_test, task.batch_size, outcome)
        if keep_model:
            outcome.model_bytes = model_to_bytes(model)
    return outcome


def _evaluate(model, x_test, y_test, batch_size: int, outcome: RunOutcome) -> None:
    probabilities = model.predict(x_test, batch_size=max(batch_size, 256), verbose=0)
    y_pred = np.argmax(probabilities, axis=-1)
    loss = keras.losses.sparse_categorical_crossentropy(y_test, probabilities)
    outcome.test_loss = float(np.mean(keras.ops.convert_to_numpy(loss)))
    outcome.test_accuracy = float(np.mean(y_pred == y_test))
    outcome.predictions = arrays_to_npz(
        y_true=y_test.astype(np.int16), y_pred=y_pred.astype(np.int16)
    )
    if not math.isfinite(outcome.test_loss):
        outcome.diverged_epoch = len(outcome.epochs)


def model_to_bytes(model: keras.Model) -> bytes:
    """The model as the bytes of a ``.keras`` file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def model_from_bytes(blob: bytes) -> keras.Model:
    """A model back from `model_to_bytes` (actlab's activations must be imported)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(blob)
        return keras.models.load_model(path)
