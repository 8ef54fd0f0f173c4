"""The predefined tasks: the articles' recipes, their Fashion-MNIST twins, a CIFAR-10
ResNet-20 and a quick 8x8-digits smoke test."""

from __future__ import annotations

from typing import Any

from actlab.checks import did_you_mean
from actlab.tasks.task import Task

_MNIST: dict[str, Any] = {"input_shape": (28, 28, 1), "num_classes": 10}
_CIFAR10: dict[str, Any] = {"input_shape": (32, 32, 3), "num_classes": 10}

_ARTICLE_000 = (
    "article 000 (KerasでのFReLU活性化関数): six-conv CNN on MNIST, Adam(1e-4), batch 1000, "
    "up to 100 epochs, validation_split 0.1, EarlyStopping(val_loss, patience 20)"
)
_ARTICLE_001 = (
    "article 001 (TanhExp活性化関数): small CNN on CIFAR-10, Adam, batch 100, 50 epochs, "
    "validation on the test set"
)
_ARTICLE_002 = (
    "article 002 (ReLU活性化関数): Dense 16 MLP on MNIST, Adam, batch 1000, 10 epochs, "
    "validation on the test set"
)
_ARTICLE_004 = (
    "article 004 (reluの特徴を探る): Dropout CNN on CIFAR-10, Adam, batch 64, 50 epochs, "
    "validation on the test set"
)
_HE_2016 = (
    "He, Zhang, Ren, Sun 2016, Deep Residual Learning for Image Recognition (arXiv 1512.03385) "
    "section 4.2: SGD momentum 0.9, lr 0.1 divided by 10 at 50% and 75% of training, weight "
    "decay 1e-4, batch 128, flips and 4-pixel shifts, 45k/5k split. Shortened from 64k "
    "iterations (~164 epochs) to 60 epochs; no per-pixel mean subtraction (inputs in [0, 1])."
)


def _mlp(name: str, dataset: str, what: str) -> Task:
    return Task(
        name=name, dataset=dataset, model="mlp", **_MNIST,
        optimizer="adam", learning_rate=1e-3, batch_size=1000, epochs=10, validation="test",
        model_options={"units": 16, "depth": 1}, source=_ARTICLE_002,
        description=f"Article 002's one-hidden-layer MLP (16 units) on {what}.",
    )  # fmt: skip


def _frelu_cnn(name: str, dataset: str, what: str) -> Task:
    return Task(
        name=name, dataset=dataset, model="frelu_cnn", **_MNIST,
        optimizer="adam", learning_rate=1e-4, batch_size=1000, epochs=100,
        validation="split", validation_split=0.1,
        early_stopping_patience=20, early_stopping_monitor="val_loss", source=_ARTICLE_000,
        description=f"Article 000's six-conv CNN on {what}, with early stopping.",
    )  # fmt: skip


_BUILTIN = (
    _mlp("mnist_mlp", "mnist", "MNIST"),
    _mlp("fashion_mnist_mlp", "fashion_mnist", "Fashion-MNIST"),
    _frelu_cnn("mnist_frelu_cnn", "mnist", "MNIST"),
    _frelu_cnn("fashion_mnist_frelu_cnn", "fashion_mnist", "Fashion-MNIST"),
    Task(
        name="cifar10_small_cnn", dataset="cifar10", model="small_cnn", **_CIFAR10,
        optimizer="adam", learning_rate=1e-3, batch_size=100, epochs=50, validation="test",
        source=_ARTICLE_001,
        description="Article 001's two-conv CNN (42,442 parameters) on CIFAR-10.",
    ),
    Task(
        name="cifar10_cnn", dataset="cifar10", model="cifar_cnn", **_CIFAR10,
        optimizer="adam", learning_rate=1e-3, batch_size=64, epochs=50, validation="test",
        source=_ARTICLE_004, description="Article 004's four-conv Dropout CNN on CIFAR-10.",
    ),
    Task(
        name="cifar10_resnet20", dataset="cifar10", model="resnet20", **_CIFAR10,
        optimizer="sgd", learning_rate=0.1, momentum=0.9, weight_decay=1e-4, batch_size=128,
        epochs=60, validation="split", validation_split=0.1, lr_drops=(0.5, 0.75),
        lr_drop_factor=0.1, augment=True, model_options={"shortcut": "A"}, source=_HE_2016,
        description="ResNet-20 (option A shortcuts, 0.27M parameters) on CIFAR-10.",
    ),
    Task(
        name="digits_mlp", dataset="digits", model="mlp", input_shape=(8, 8, 1), num_classes=10,
        optimizer="adam", learning_rate=1e-2, batch_size=64, epochs=5, validation="test",
        model_options={"units": 16, "depth": 1},
        source="scikit-learn's 8x8 digits with article 002's MLP; a quick offline smoke test",
        description="Article 002's MLP on the 1,797 8x8 digits, 5 epochs: seconds on a CPU.",
    ),
)  # fmt: skip

_TASKS: dict[str, Task] = {task.name: task for task in _BUILTIN}


class UnknownTaskError(ValueError):
    """A task name that is not registered."""


def names() -> list[str]:
    """Sorted names of the registered tasks."""
    return sorted(_TASKS)


def predefined() -> list[Task]:
    """The predefined tasks as shipped, by name (whatever a user registered over them)."""
    return sorted(_BUILTIN, key=lambda task: task.name)


def get(name: str, /, **overrides: Any) -> Task:
    """The task `name`, with any fields overridden (``get("mnist_mlp", epochs=3)``).

    `name` is positional-only, so ``name=...`` renames the returned task.
    """
    if name not in _TASKS:
        hint = did_you_mean(name, _TASKS)
        raise UnknownTaskError(f"unknown task {name!r}.{hint} Known tasks: {', '.join(names())}.")
    task = _TASKS[name]
    return task.with_overrides(**overrides) if overrides else task


def register(task: Task, override: bool = False) -> Task:
    """Add a user task; re-using a name needs ``override=True``."""
    if not isinstance(task, Task):
        raise TypeError(f"register() takes a Task, got {type(task).__name__}")
    if task.name in _TASKS and not override:
        raise ValueError(f"task {task.name!r} exists; pass override=True to replace it")
    _TASKS[task.name] = task
    return task


def unregister(name: str) -> None:
    """Remove a task added with `register` (predefined tasks stay)."""
    if name in {task.name for task in _BUILTIN}:
        raise ValueError(f"task {name!r} is predefined and cannot be removed")
    _TASKS.pop(name, None)
