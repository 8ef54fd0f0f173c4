"""A comparison on your own data or model: `task_for` turns ``compare(task=, data=, model=)``
into one `Task`, and `prepare` checks it and says what identifies it in the store.

Data and models given as objects (arrays, a ``tf.data.Dataset``, a ``DataLoader``, a
builder function, a Keras model) are registered under a name for the comparison's
duration (``arrays``, ``tf_data``, ``torch_data``; the builder's or model's own name), so
the task names them like any registered dataset and model. The data's fingerprint and the
model's architecture fingerprint are stored with the comparison: a rerun of the same
comparison with other data or another model is refused instead of being mixed in.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from actlab import data as datasets
from actlab import models
from actlab import tasks as task_catalog
from actlab.data.own import Split, describe, fingerprint, to_split
from actlab.experiments.user_modules import USER_ERRORS
from actlab.models.own import ModelMismatchError
from actlab.tasks import Task

#: The task `compare` runs when it is given neither a task nor data and a model.
DEFAULT_TASK = "fashion_mnist_mlp"
#: The activation a model of your own is first built with, to check it before any run.
PROBE_ACTIVATION = "relu"


@dataclass(frozen=True)
class Prepared:
    """What `prepare` found: the comparison's identity entries, and the data if it loaded
    them (your own data are loaded to be fingerprinted, and then trained on)."""

    identity: dict[str, Any]
    data: tuple[np.ndarray, ...] | None = None


def task_for(task: str | Task | None, data: Any, model: Any, overrides: Mapping[str, Any]) -> Task:
    """The `Task` a comparison runs (module docstring), with `overrides` applied. Objects
    are registered until `released` ends (or the next call)."""
    _release()
    base = _base_task(task, data, model)
    if data is None and model is None:
        return base.with_overrides(**overrides) if overrides else base
    dataset = _dataset_name(data) if data is not None else base.dataset
    model_name = _model_name(model) if model is not None else base.model
    shape, classes = _shape_and_classes(base, data, dataset, model_name)
    own = dataclasses.replace(
        base, name=f"{model_name}_on_{dataset}", dataset=dataset, model=model_name,
        input_shape=shape, num_classes=classes,
        model_options=base.model_options if model is None else {},
        dataset_options=base.dataset_options if data is None else {},
        source=base.source if task is not None else "",
        description=f"model {model_name!r} on dataset {dataset!r}",
    )  # fmt: skip
    return own.with_overrides(**overrides) if overrides else own


@contextmanager
def released() -> Iterator[None]:
    """A block at whose end the objects `task_for` registered are removed again."""
    try:
        yield
    finally:
        _release()


#: (registry, name) of what `task_for` registered for the comparison under way.
_FOR_NOW: list[tuple[Any, str]] = []


def _release() -> None:
    while _FOR_NOW:
        registry, name = _FOR_NOW.pop()
        registry.unregister(name)


def prepare(task: Task, data_dir: Any = None) -> Prepared:
    """Check a task's own model (built once with `PROBE_ACTIVATION`) and load its own data;
    the identity entries of those (none for actlab's datasets and models, whose names
    identify them)."""
    identity: dict[str, Any] = {}
    loaded = None
    if datasets.is_own(task.dataset):
        loaded = task.load_data(data_dir=data_dir)
        x_train, y_train, x_test, y_test = loaded
        identity["data"] = {
            "dataset": task.dataset,
            "fingerprint": fingerprint(Split(x_train, y_train, x_test, y_test)),
            "train": len(y_train),
            "test": len(y_test),
        }
    if models.is_own(task.model):
        identity["model"] = {"model": task.model, "fingerprint": _model_fingerprint(task)}
    return Prepared(identity, loaded)


def _base_task(task: str | Task | None, data: Any, model: Any) -> Task:
    if isinstance(task, Task):
        return task
    if task is None and (data is not None or model is not None):
        return _recipe_only()
    if task is None or isinstance(task, str):
        return task_catalog.get(task or DEFAULT_TASK)
    raise TypeError(
        f"task must be a task name (actlab tasks) or an actlab.tasks.Task, got "
        f"{type(task).__name__}"
    )


def _recipe_only() -> Task:
    """Task's default recipe (Adam 1e-3, batch 32, 10 epochs, validation on the test set);
    its dataset, model, shape and classes are replaced by the caller."""
    return Task(name="own", dataset="own", model="mlp", input_shape=(1,), num_classes=2)


def _dataset_name(data: Any) -> str:
    if isinstance(data, str):
        return datasets.resolve(data)
    split = to_split(data)
    name = {"tf.data": "tf_data", "torch DataLoader": "torch_data"}.get(describe(data), "arrays")
    _register_for_now(name, lambda: split, datasets)
    return name


def _model_name(model: Any) -> str:
    if isinstance(model, str):
        models.builder(model)  # unknown names: its message, with close names
        return model
    builder = models.own.as_builder(model)
    name = _identifier(getattr(builder, "__name__", "model"))
    if name in models.names() and not models.is_own(name):
        raise ModelMismatchError(
            f"your model is named {name!r}, like actlab's own model; give it another name "
            "(keras.Model(..., name=...), or the builder function's name)"
        )
    _register_for_now(name, model, models)
    return name


def _register_for_now(name: str, obj: Any, registry: Any) -> None:
    """Register `obj` as `name` until the comparison ends; a name registered already is
    refused, never replaced."""
    kind = "dataset" if registry is datasets else "model"
    if name in registry.names():
        raise ValueError(
            f"{name!r} is already a registered {kind} name; pass {kind} {name!r} by name, or "
            f"give yours another name"
        )
    registry.register(name, obj)
    _FOR_NOW.append((registry, name))


def _shape_and_classes(
    base: Task, data: Any, dataset: str, model_name: str
) -> tuple[tuple[int, ...], int]:
    if data is None:
        return base.input_shape, base.num_classes
    split = datasets.load_split(dataset)
    classes = split.num_classes
    builder = models.builder(model_name)
    if isinstance(builder, models.KerasModelBuilder):
        units = builder.model.output_shape[-1]
        classes = max(classes, units) if isinstance(units, int) else classes
    return split.input_shape, classes


def _model_fingerprint(task: Task) -> str:
    """Build the task's own model once: a model that cannot work fails here, in one line,
    before any run; its architecture fingerprint identifies it."""
    try:
        probe = task.build_model(PROBE_ACTIVATION)
    except (ValueError, TypeError):
        raise
    except USER_ERRORS as error:  # the user's builder may raise anything
        raise ModelMismatchError(
            f"model {task.model!r} could not be built with {PROBE_ACTIVATION!r}: "
            f"{type(error).__name__}: {error}"
        ) from error
    return models.fingerprint(probe)


def _identifier(text: str) -> str:
    """snake_case identifier from a model's or function's name ("my-net" -> "my_net")."""
    cleaned = re.sub(r"\W+", "_", text).strip("_").lower() or "model"
    return cleaned if cleaned[0].isalpha() else f"model_{cleaned}"
