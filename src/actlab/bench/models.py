"""`actlab bench models`: time of a task's training step per activation, as a ratio to ReLU.

Inputs and labels are synthetic random arrays of the task's shapes (nothing is downloaded):
the step time does not depend on the pixel values. Each activation's model is built by the
task (its builder, optimizer, loss), warmed up (tracing and compilation excluded), then timed
`steps` steps at a time, the activations interleaved over `repeats` rounds.

The ``limit`` column is the floor a fused activation could reach: ReLU's step plus, for every
activation layer's output tensor, one read and one write of it forward and backward (a copy
of a tensor of that shape, timed in the same rounds, twice).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import keras
import numpy as np

from actlab import activations, tasks
from actlab.bench import harness, implementations, timing
from actlab.bench.results import BenchResult, Column, header

DEFAULT_TASK = "cifar10_small_cnn"
WARMUP_STEPS = 2


def run_models(
    names: Sequence[str] | None = None,
    *,
    task: str = DEFAULT_TASK,
    steps: int = 10,
    repeats: int = 5,
    sample_seconds: float = 0.02,
    seed: int = 0,
) -> BenchResult:
    """Time `steps` training steps of `task`'s model per activation (relu always included)."""
    _check_positive(steps, "steps")
    _check_positive(repeats, "repeats")
    recipe = tasks.get(task)
    chosen = _names(names)
    bench = harness.current()
    x, y = _synthetic_batch(recipe, seed)
    keras.utils.set_random_seed(seed)
    built = {name: recipe.build_model(name) for name in chosen}
    for model in built.values():  # tracing and compilation happen here, not in the timing
        timing.warm_up(_training_steps(model, x, y, 1), times=WARMUP_STEPS)
    runs = {name: _training_steps(model, x, y, steps) for name, model in built.items()}
    calls = dict.fromkeys(runs, 1)
    shapes = {name: _activation_shapes(model, recipe.batch_size) for name, model in built.items()}
    copies = _copy_runs(bench, {s for found in shapes.values() for s in found})
    calls |= {key: timing.calls_per_sample(run, sample_seconds) for key, run in copies.items()}
    samples = timing.interleaved(runs | copies, repeats, calls)
    settings = {
        "task": recipe.name, "model": recipe.model, "batch_size": recipe.batch_size,
        "steps": steps, "repeats": repeats, "dtype": keras.config.floatx(),
        "data": "synthetic random inputs and labels of the task's shapes (no dataset)",
    }  # fmt: skip
    return _result(chosen, steps, samples, shapes, header(settings))


def _check_positive(value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be an integer >= 1, got {value!r}")


def _names(names: Sequence[str] | None) -> list[str]:
    given = [activations.resolve(n) for n in (names or implementations.ARTICLE_NAMES)]
    return list(dict.fromkeys(["relu", *given]))


def _synthetic_batch(recipe, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.random((recipe.batch_size, *recipe.input_shape), dtype=np.float32)
    y = rng.integers(0, recipe.num_classes, size=recipe.batch_size)
    return keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(y)


def _training_steps(model: keras.Model, x, y, steps: int):
    def run() -> None:
        for _ in range(steps):
            model.train_on_batch(x, y)  # returns host numbers: the step has finished

    return run


def activation_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's hidden activation layers (catalog functions and learnable entries)."""
    learnable = tuple(
        s.layer_class for s in activations.specs() if s.kind == "layer" and s.layer_class
    )
    kinds = (activations.CatalogActivation, *learnable)
    found = []
    for layer in model.layers:
        if isinstance(layer, kinds):
            found.append(layer)
        elif isinstance(layer, keras.Model):  # e.g. the model behind an augmentation block
            found += activation_layers(layer)
    return found


def _activation_shapes(model: keras.Model, batch_size: int) -> list[tuple[int, ...]]:
    return [(batch_size, *layer.output.shape[1:]) for layer in activation_layers(model)]


def _copy_key(shape: tuple[int, ...]) -> str:
    return "copy" + "x".join(map(str, shape))


def _copy_runs(bench, shapes):
    """A warmed-up forward copy (``-x``) of a tensor of each shape."""
    runs = {}
    for shape in sorted(shapes):
        x = bench.tensor(np.ones(shape, dtype=np.float32), keras.config.floatx())
        forward = bench.forward(implementations.copy)
        runs[_copy_key(shape)] = lambda f=forward, x=x: f(x)
        timing.warm_up(runs[_copy_key(shape)])
    return runs


def _result(names, steps, samples, shapes, head) -> BenchResult:
    medians = {key: statistics.median(values) for key, values in samples.items()}
    step = {name: medians[name] / steps for name in names}
    rows = []
    for name in names:
        traffic = 2 * sum(medians[_copy_key(s)] for s in shapes[name])
        rows.append({
            "activation": name,
            "step_ms": step[name] * 1e3,
            "ratio": timing.ratio(step[name], step["relu"]),
            "limit": timing.ratio(step["relu"] + traffic, step["relu"]),
            "activation_layers": len(shapes[name]),
            "activation_values": int(sum(np.prod(s) for s in shapes[name])),
        })  # fmt: skip
    notes = [
        "Synthetic random inputs and labels of the task's shapes: no dataset is read.",
        "ratio: median step time over interleaved rounds, divided by relu's. limit: relu's "
        "step plus one read and one write of every activation output forward and backward "
        "(2 × a timed copy of a tensor of that shape), over relu's step: the floor a fused "
        "activation could reach.",
    ]
    measurements = {"median_seconds": medians, "samples_seconds": samples, "shapes": shapes}
    title = f"actlab bench models: {head['settings']['task']} training step ({head['backend']})"
    return BenchResult("models", title, head, models_columns(), rows, notes, measurements)


def models_columns() -> list[Column]:
    return [
        Column("activation", "activation"),
        Column("step_ms", "step ms", digits=2),
        Column("ratio", "× relu"),
        Column("limit", "limit × relu"),
        Column("activation_layers", "act. layers"),
        Column("activation_values", "act. values"),
    ]
