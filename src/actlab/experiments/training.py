"""One run: build the task's model with an activation, train it under a seed, evaluate it.

What is timed, per epoch (all clocks are ``time.perf_counter``):

* ``seconds``: the epoch's wall time, from ``on_epoch_begin`` to ``on_epoch_end``, validation
  included (the learning curves' time axis).
* ``train_seconds`` over ``train_steps``: its training phase alone, from the start of the first
  training batch to the end of the last one (when validation begins, or the epoch ends
  without validation), after waiting for the device to finish; validation and the
  callbacks' own work at the epoch's end (such as the store's writes) are not in it.
* ``timed_seconds`` over ``timed_steps``: the steady steps speed is measured on, from the
  start of a batch to the start of the epoch's last batch, with the device synchronised at
  both ends. In epoch 1 the window starts after its first ``warmup_batches(steps)`` batches
  (tracing and compilation happen there); in later epochs at its first batch. The last batch
  is never timed: it may be smaller, and a new input shape is traced/compiled anew.

A run's speed (``step_seconds``, see `actlab.experiments.store.step_seconds`) is the timed
steps of epochs 2 and later; a one-epoch run uses epoch 1's. Epoch 1's training phase is
kept apart as ``warmup_seconds``.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np

from actlab.experiments.store.codecs import arrays_to_npz

EPOCH_METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")
#: At most this many batches of epoch 1 are warm-up, never timed.
WARMUP_BATCHES = 5


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


@dataclass
class _EpochClock:
    """Times of one epoch's training phase and of its timed window (module docstring)."""

    train_start: float | None = None
    train_end: float | None = None
    steps: int = 0
    timed_start: float | None = None
    timed_end: float | None = None
    timed_steps: int = 0

    def times(self) -> dict[str, float | int]:
        times: dict[str, float | int] = {"train_steps": self.steps}
        if self.train_start is not None and self.train_end is not None:
            times["train_seconds"] = self.train_end - self.train_start
        if self.timed_start is not None and self.timed_end is not None:
            times["timed_seconds"] = self.timed_end - self.timed_start
            times["timed_steps"] = self.timed_steps
        return times


def warmup_batches(steps: int) -> int:
    """How many leading batches of epoch 1 are warm-up: WARMUP_BATCHES, fewer in short
    epochs (about half of them, at least one)."""
    return min(WARMUP_BATCHES, max(1, (steps - 1) // 2))


class EpochRecorder(keras.callbacks.Callback):
    """Per-epoch metrics and times (module docstring); stops training when the loss is no
    longer finite.

    Only batch *begin* hooks are used: a batch end hook would make Keras wait for every step
    and convert its logs, which changes the speed being measured.
    """

    def __init__(self, on_epoch: Callable[[dict[str, Any]], None] | None = None):
        super().__init__()
        self.records: list[dict[str, Any]] = []
        self.diverged_epoch: int | None = None
        self._on_epoch = on_epoch
        self._started = 0.0
        self._clock = _EpochClock()
        self._window: tuple[int, int] | None = None  # first timed batch, the last batch

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()
        self._clock = _EpochClock()
        steps = self.params.get("steps") or 0  # unknown: nothing is timed
        first = warmup_batches(steps) if epoch == 0 else 0
        self._window = (first, steps - 1) if first < steps - 1 else None

    def on_train_batch_begin(self, batch, logs=None):
        clock = self._clock
        if clock.train_start is None:
            clock.train_start = time.perf_counter()
        clock.steps = batch + 1
        if self._window is None or batch not in self._window:
            return
        synchronize(self.model)
        first, last = self._window
        if batch == first:
            clock.timed_start = time.perf_counter()
        else:
            clock.timed_end, clock.timed_steps = time.perf_counter(), last - first

    def on_test_begin(self, logs=None):
        self._end_training_phase()

    def on_epoch_end(self, epoch, logs=None):
        self._end_training_phase()
        seconds = time.perf_counter() - self._started
        logs = logs or {}
        record = {"epoch": epoch + 1, "seconds": seconds, **self._clock.times()}
        record.update({k: float(logs[k]) for k in EPOCH_METRICS if k in logs})
        self.records.append(record)
        if not math.isfinite(record.get("loss", 0.0)):
            self.diverged_epoch = epoch + 1
            self.model.stop_training = True
        if self._on_epoch is not None:
            self._on_epoch(record)

    def _end_training_phase(self) -> None:
        clock = self._clock
        if clock.train_end is None and clock.train_start is not None:
            synchronize(self.model)
            clock.train_end = time.perf_counter()


class StopOnRequest(keras.callbacks.Callback):
    """Raises KeyboardInterrupt at the next batch or epoch boundary once `requested()` is
    true (see `actlab.experiments.interrupts`). Begin hooks only, as in EpochRecorder."""

    def __init__(self, requested: Callable[[], bool]):
        super().__init__()
        self._requested = requested

    def check(self, *args: Any, **kwargs: Any) -> None:
        if self._requested():
            raise KeyboardInterrupt("stop requested")

    on_train_batch_begin = on_test_batch_begin = on_predict_batch_begin = on_epoch_end = check


def synchronize(model: keras.Model) -> None:
    """Wait until the device has finished every training step dispatched so far.

    JAX and CUDA run steps asynchronously: without this, a clock would read the time the
    steps were queued, not when they were done.
    """
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        # During fit, Keras keeps JAX's newest state in _jax_state, not yet in the variables.
        state = getattr(model, "_jax_state", None)
        jax.block_until_ready(state or [v.value for v in model.optimizer.variables])
    elif backend == "torch":
        import torch

        if torch.cuda.is_available():
            torch.cuda.synchronize()
    else:  # TensorFlow: reading a variable waits for the ops that update it
        keras.ops.convert_to_numpy(model.optimizer.iterations)


def train_one(
    task,
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    activation: str,
    params: dict[str, float],
    seed: int,
    *,
    keep_model: bool = True,
    on_epoch: Callable[[dict[str, Any]], None] | None = None,
    stop_requested: Callable[[], bool] = lambda: False,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    evaluate: bool = True,
) -> RunOutcome:
    """Train `task`'s model with `activation` under `seed` and evaluate it on the test set.

    `keras.utils.set_random_seed` fixes weight initialisation, data order and dropout, so the
    same (activation, seed) gives the same numbers again on the same backend, and different
    activations start from the same weights wherever the shapes allow.

    Once `stop_requested()` is true, KeyboardInterrupt is raised at the next batch or epoch
    boundary, or after `fit` (should code inside Keras have swallowed the first one).

    `callbacks` run after the epoch recorder (e.g. a tuner's pruning callback). With
    `evaluate=False` the test set is not touched: no test metrics, no predictions.
    """
    x_train, y_train, x_test, y_test = data
    keras.utils.set_random_seed(seed)
    model = task.build_model(activation, activation_params=params or None)
    recorder = EpochRecorder(on_epoch)
    stopper = StopOnRequest(stop_requested)
    fit_kwargs = task.fit_kwargs(test_data=(x_test, y_test))
    fit_kwargs["callbacks"] = [stopper, *fit_kwargs.get("callbacks", []), recorder, *callbacks]
    started = time.perf_counter()
    model.fit(x_train, y_train, verbose=0, **fit_kwargs)
    stopper.check()
    outcome = RunOutcome(
        epochs=recorder.records,
        param_count=int(model.count_params()),
        total_seconds=time.perf_counter() - started,
        diverged_epoch=recorder.diverged_epoch,
    )
    if outcome.diverged_epoch is None:
        if evaluate:
            _evaluate(model, x_test, y_test, task.batch_size, outcome)
        if keep_model:
            outcome.model_bytes = model_to_bytes(model)
    return outcome


def warm_up(
    task,
    data,
    activation: str,
    params: dict[str, float],
    seed: int,
    stop_requested: Callable[[], bool] = lambda: False,
) -> None:
    """An untimed throwaway training of a few batches, validation and prediction included.

    The process's first training pays one-off costs (backend and thread pool start-up, first
    graph tracing, the data pipeline's first use); doing them here keeps them out of the first
    timed run. The seed is set again by each real run, so this changes no result.
    """
    x_train, y_train, x_test, y_test = data
    size = task.batch_size * (WARMUP_BATCHES + 2)
    keras.utils.set_random_seed(seed)
    model = task.build_model(activation, activation_params=params or None)
    stopper = StopOnRequest(stop_requested)
    model.fit(x_train[:size], y_train[:size], batch_size=task.batch_size, epochs=1, verbose=0,
              validation_data=(x_test[:size], y_test[:size]), callbacks=[stopper])  # fmt: skip
    model.predict(x_test[:size], batch_size=max(task.batch_size, 256), verbose=0,
                  callbacks=[stopper])  # fmt: skip
    stopper.check()


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
