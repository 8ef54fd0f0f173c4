"""The pruning callback: each epoch's validation metric reaches the trial; a prune stops fit."""

from __future__ import annotations

import keras
import numpy as np
import optuna
import pytest

from actlab.tune import PruningCallback


def _fit(callback: PruningCallback, epochs: int = 4) -> keras.callbacks.History:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.25, verbose=0,
                     callbacks=[callback])  # fmt: skip


def test_every_epochs_validation_metric_is_reported_at_its_step():
    trial = optuna.create_study(direction="maximize").ask()
    callback = PruningCallback(trial, "val_accuracy", first_step=8)
    history = _fit(callback)
    reported = trial.storage.get_trial(trial._trial_id).intermediate_values
    assert reported == pytest.approx(
        {8 + epoch: value for epoch, value in enumerate(history.history["val_accuracy"])}
    )
    assert callback.pruned_epoch is None


def test_a_pruned_trial_stops_training_after_that_epoch():
    # Accuracy is never above 2: this pruner prunes at the first report.
    study = optuna.create_study(direction="maximize", pruner=optuna.pruners.ThresholdPruner(2.0))
    callback = PruningCallback(study.ask(), "val_accuracy")
    history = _fit(callback)
    assert callback.pruned_epoch == 1
    assert len(history.history["loss"]) == 1
