"""Where a training step's time goes, per activation: TensorFlow's profiler over a task's
model, summed by framework op (issue 8: which part of a step an activation costs).

    pip install xprof   # the profile's reader, not one of actlab's dependencies
    python benchmarks/profile_step.py relu mish softplus_linear [--task T] [--steps N]

Prints, per activation, the milliseconds per step of its busiest framework ops and of the
time no framework op accounts for (`IDLE`: waiting, and the XLA-compiled kernels of the
fused activations, which this view does not list by name). Synthetic data of the task's
shapes, as in `actlab bench models`.
"""

from __future__ import annotations

import argparse
import glob
import json
import tempfile

import numpy as np

TOP = 8


def profile(name: str, task: str, steps: int, folder: str) -> str:
    """Train `steps` profiled steps (after 10 unprofiled ones); the profile's file."""
    import keras
    import tensorflow as tf

    from actlab import tasks

    recipe = tasks.get(task)
    rng = np.random.default_rng(0)
    x = rng.random((recipe.batch_size, *recipe.input_shape), dtype=np.float32)
    y = rng.integers(0, recipe.num_classes, size=recipe.batch_size)
    keras.utils.set_random_seed(0)
    model = recipe.build_model(name)
    for _ in range(10):
        model.train_on_batch(x, y)
    tf.profiler.experimental.start(f"{folder}/{name}")
    for _ in range(steps):
        model.train_on_batch(x, y)
    tf.profiler.experimental.stop()
    return glob.glob(f"{folder}/{name}/**/*.xplane.pb", recursive=True)[0]


def op_times(xplane: str, steps: int) -> list[tuple[float, str, str]]:
    """(ms per step, op type, op name) of every framework op, busiest first."""
    from xprof.convert import _pywrap_profiler_plugin as reader

    data, _ = reader.xspace_to_tools_data([xplane], "framework_op_stats", {})
    table = json.loads(data)[0]
    cols = [c["id"] for c in table["cols"]]
    rows = [[cell.get("v") for cell in row["c"]] for row in table["rows"]]
    at = {key: cols.index(key) for key in ("type", "operation", "total_self_time")}
    found = [(r[at["total_self_time"]] / steps / 1000, r[at["type"]], r[at["operation"]])
             for r in rows]  # fmt: skip
    return sorted(found, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--task", default="cifar10_small_cnn")
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name in args.names:
            found = op_times(profile(name, args.task, args.steps, folder), args.steps)
            total = sum(ms for ms, _, _ in found)
            print(f"== {name}: {total:.2f} ms per step over all threads")
            for ms, kind, op in found[:TOP]:
                print(f"  {ms:7.2f} ms  {kind[:40]:40s} {op[:60]}")


if __name__ == "__main__":
    main()
