"""A task: a dataset, a model and a training recipe, as one frozen, JSON-serialisable config.

``task.load_data()`` gives preprocessed arrays, ``task.build_model(activation)`` a compiled
model, and ``model.fit(x, y, **task.fit_kwargs(test_data=(x_test, y_test)))`` trains it by the
recipe.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import keras

from actlab import models
from actlab.tasks import field_checks
from actlab.tasks.field_checks import TaskConfigError
from actlab.tasks.preprocessing import integer_labels, model_inputs

#: Keys a task's `model_options` may not hold: the task sets them itself.
_RESERVED_MODEL_OPTIONS = ("weight_decay", "activation_params", "input_shape", "num_classes")


@dataclass(frozen=True)
class Task:
    """A dataset, a model and the recipe to train it (see `actlab.tasks.names()`).

    `validation` is ``"test"`` (validate on the test set, as articles 001, 002 and 004 do),
    ``"split"`` (hold out the last `validation_split` of the training data, as article 000
    does)
    or ``"none"``. Early stopping on a validation metric needs ``"split"``: it chooses when
    to stop, and the test set must not take part in any choice. `lr_drops` are fractions
    of `epochs` at which the learning rate is multiplied by `lr_drop_factor` (He et al. 2016
    drop at 50% and 75% of training).
    `weight_decay` is an L2 penalty on conv/dense kernels whose gradient is
    ``weight_decay * W``. `model_options` go to the model builder, `dataset_options` to
    ``actlab.data.load`` (e.g. the shape of ``synthetic`` images). `augment` adds random
    horizontal flips and shifts of up to 4 pixels (He et al. 2016, section 4.2) in training.
    """

    name: str
    dataset: str
    model: str
    input_shape: tuple[int, ...]
    num_classes: int
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    momentum: float = 0.0
    weight_decay: float = 0.0
    batch_size: int = 32
    epochs: int = 10
    validation: str = "test"
    validation_split: float = 0.1
    early_stopping_patience: int | None = None
    early_stopping_monitor: str = "val_loss"
    lr_drops: tuple[float, ...] = ()
    lr_drop_factor: float = 0.1
    augment: bool = False
    model_options: Mapping[str, Any] = field(default_factory=dict, hash=False)
    dataset_options: Mapping[str, Any] = field(default_factory=dict, hash=False)
    source: str = ""
    description: str = ""

    def __post_init__(self):
        for key, check in _CHECKS.items():
            object.__setattr__(self, key, check(key, getattr(self, key)))
        self._check_model()
        self._check_consistency()

    def _check_model(self) -> None:
        try:
            models.builder(self.model)
            models.check_options(self.model, self.model_options)
        except (ValueError, TypeError) as err:
            raise TaskConfigError(f"task {self.name!r}: {err}") from err
        reserved = sorted(set(self.model_options) & set(_RESERVED_MODEL_OPTIONS))
        if reserved:
            raise TaskConfigError(
                f"task {self.name!r}: model_options may not set {reserved}; they are task "
                "fields (weight_decay, input_shape, num_classes) or build_model() arguments"
            )

    def _check_consistency(self) -> None:
        monitors_validation = self.early_stopping_monitor.startswith("val_")
        if (
            self.early_stopping_patience is not None
            and monitors_validation
            and (self.validation == "none")
        ):
            raise TaskConfigError(
                f"task {self.name!r}: early stopping on {self.early_stopping_monitor} needs "
                "validation='split' or 'test', not 'none'"
            )
        if (
            self.early_stopping_patience is not None
            and monitors_validation
            and self.validation == "test"
        ):
            raise TaskConfigError(
                f"task {self.name!r}: early stopping on {self.early_stopping_monitor} with "
                "validation='test' would choose the stopping epoch on the test set that "
                "measures the result; use validation='split' (the last validation_split of "
                "the training data, e.g. --set validation=split)"
            )
        if self.augment and len(self.input_shape) != 3:
            raise TaskConfigError(f"task {self.name!r}: augment needs image input_shape (H, W, C)")

    # ----------------------------------------------------------------- configuration
    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    def with_overrides(self, **overrides: Any) -> Task:
        """A copy with some fields replaced; `model_options` and `dataset_options` are merged
        into the current ones."""
        _reject_unknown(overrides, "override")
        for key in ("model_options", "dataset_options"):
            if key in overrides:
                given = field_checks.json_mapping(key, overrides[key])
                overrides[key] = {**getattr(self, key), **given}
        return dataclasses.replace(self, **overrides)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only: tuples become lists, `model_options` a dict."""
        data = {}
        for key in self.field_names():
            value = getattr(self, key)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = dict(value)
            data[key] = value
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Task:
        """The inverse of `to_dict` (every field checked again)."""
        _reject_unknown(data, "field")
        required = [f.name for f in dataclasses.fields(cls) if _is_required(f)]
        missing = [key for key in required if key not in data]
        if missing:
            raise TaskConfigError(f"task config is missing required field(s) {missing}")
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> Task:
        return cls.from_dict(json.loads(text))

    # ----------------------------------------------------------------- what a runner needs
    def load_data(self, data_dir=None, download: bool = True):
        """``(x_train, y_train, x_test, y_test)``: float32 inputs, int64 labels (N,); uint8
        images are scaled to [0, 1], your own data's other inputs kept as given."""
        from actlab import data  # lazy: datasets are only needed to train

        ds = data.load_split(self.dataset, data_dir, download, **self.dataset_options)
        x_train, x_test = model_inputs(ds.x_train), model_inputs(ds.x_test)
        if x_train.shape[1:] != self.input_shape:
            raise ValueError(
                f"task {self.name!r} expects inputs of shape {self.input_shape}, dataset "
                f"{self.dataset!r} has {x_train.shape[1:]}; override input_shape"
            )
        y_train = integer_labels(ds.y_train, self.num_classes)
        y_test = integer_labels(ds.y_test, self.num_classes)
        return x_train, y_train, x_test, y_test

    def build_model(self, activation, activation_params=None, **model_options) -> keras.Model:
        """The task's model with `activation`, compiled with the recipe's optimizer,
        sparse categorical cross-entropy and accuracy."""
        model = models.build(
            self.model, activation, self.input_shape, self.num_classes,
            activation_params=activation_params, weight_decay=self.weight_decay,
            **{**self.model_options, **model_options},
        )  # fmt: skip
        if self.augment:
            model = _with_augmentation(model, self.input_shape)
        model.compile(
            optimizer=self.make_optimizer(),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    def make_optimizer(self) -> keras.optimizers.Optimizer:
        """A fresh optimizer: Adam (Keras defaults besides the rate) or SGD with momentum."""
        if self.optimizer == "sgd":
            return keras.optimizers.SGD(learning_rate=self.learning_rate, momentum=self.momentum)
        return keras.optimizers.Adam(learning_rate=self.learning_rate)

    def learning_rate_at(self, epoch: int) -> float:
        """The recipe's learning rate in (0-based) `epoch`."""
        drops = sum(epoch >= boundary for boundary in self.lr_drop_epochs())
        return self.learning_rate * self.lr_drop_factor**drops

    def lr_drop_epochs(self) -> tuple[int, ...]:
        """The 0-based epochs at which the learning rate drops (`lr_drops` times `epochs`)."""
        return tuple(round(fraction * self.epochs) for fraction in self.lr_drops)

    def callbacks(self) -> list[keras.callbacks.Callback]:
        """Fresh callbacks: EarlyStopping and the step schedule, where the recipe has them."""
        found: list[keras.callbacks.Callback] = []
        if self.early_stopping_patience is not None:
            found.append(
                keras.callbacks.EarlyStopping(
                    monitor=self.early_stopping_monitor, patience=self.early_stopping_patience
                )
            )
        if self.lr_drops:
            found.append(keras.callbacks.LearningRateScheduler(_StepSchedule(self)))
        return found

    def fit_kwargs(self, test_data=None) -> dict[str, Any]:
        """Keyword arguments for ``model.fit(x_train, y_train, ...)`` by the recipe.

        `test_data` is ``(x_test, y_test)``, needed when the task validates on the test set.
        """
        kwargs: dict[str, Any] = {
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "callbacks": self.callbacks(),
        }
        if self.validation == "split":
            kwargs["validation_split"] = self.validation_split
        elif self.validation == "test":
            if test_data is None:
                raise ValueError(
                    f"task {self.name!r} validates on the test set (as its article does): call "
                    "fit_kwargs(test_data=(x_test, y_test))"
                )
            kwargs["validation_data"] = tuple(test_data)
        return kwargs


class _StepSchedule:
    """``LearningRateScheduler`` function for `Task.learning_rate_at`."""

    def __init__(self, task: Task):
        self.task = task

    def __call__(self, epoch: int, lr: float | None = None) -> float:
        return self.task.learning_rate_at(epoch)


def _with_augmentation(model: keras.Model, input_shape: tuple[int, ...]) -> keras.Model:
    """`model` behind random horizontal flips and shifts of up to 4 pixels (training only)."""
    height, width = input_shape[:2]
    augment = keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", name="random_flip"),
            keras.layers.RandomTranslation(
                4 / height, 4 / width, fill_mode="constant", interpolation="nearest",
                name="random_shift",
            ),
        ],
        name="augment",
    )  # fmt: skip
    inputs = keras.Input(shape=input_shape, name="images")
    return keras.Model(inputs, model(augment(inputs)), name=model.name)


def _is_required(f: dataclasses.Field) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _reject_unknown(given: Mapping[str, Any], what: str) -> None:
    unknown = sorted(set(given) - set(Task.field_names()))
    if unknown:
        raise TaskConfigError(
            f"unknown task {what}(s) {unknown}; allowed fields: {', '.join(Task.field_names())}"
        )


_CHECKS: dict[str, field_checks.Check] = {
    "name": field_checks.name,
    "dataset": field_checks.name,
    "model": field_checks.name,
    "input_shape": field_checks.shape,
    "num_classes": field_checks.integer(2),
    "optimizer": field_checks.choice("adam", "sgd"),
    "learning_rate": field_checks.real(0, low_open=True),
    "momentum": field_checks.real(0, 1, high_open=True),
    "weight_decay": field_checks.real(0, 1),
    "batch_size": field_checks.integer(1),
    "epochs": field_checks.integer(1),
    "validation": field_checks.choice("test", "split", "none"),
    "validation_split": field_checks.real(0, 1, low_open=True, high_open=True),
    "early_stopping_patience": field_checks.optional(field_checks.integer(0)),
    "early_stopping_monitor": field_checks.choice("val_loss", "val_accuracy", "loss", "accuracy"),
    "lr_drops": field_checks.fractions,
    "lr_drop_factor": field_checks.real(0, 1, low_open=True),
    "augment": field_checks.flag,
    "model_options": field_checks.json_mapping,
    "dataset_options": field_checks.json_mapping,
    "source": field_checks.text,
    "description": field_checks.text,
}
