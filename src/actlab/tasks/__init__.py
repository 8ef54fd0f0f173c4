"""Tasks: a dataset, a model and a training recipe, bound in a frozen, JSON-serialisable config.

>>> task = tasks.get("mnist_mlp", epochs=3)
>>> x_train, y_train, x_test, y_test = task.load_data()
>>> model = task.build_model("tanhexp")
>>> model.fit(x_train, y_train, **task.fit_kwargs(test_data=(x_test, y_test)))
"""

from actlab.tasks.builtin import (
    UnknownTaskError,
    get,
    names,
    predefined,
    register,
    unregister,
)
from actlab.tasks.field_checks import TaskConfigError
from actlab.tasks.preprocessing import integer_labels, scale_images
from actlab.tasks.task import Task

__all__ = [
    "Task",
    "TaskConfigError",
    "UnknownTaskError",
    "get",
    "integer_labels",
    "names",
    "predefined",
    "register",
    "scale_images",
    "unregister",
]
