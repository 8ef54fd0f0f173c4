"""Overhead of `actlab compare` over a hand-written Keras `model.fit`, same model and data.

Both sides train the task's model with the same seed in the same process, alternating
(plain, actlab, plain, actlab, ...) so that warm-up and machine noise hit both alike. Reported:
median epoch time (the goal: actlab within 5% of plain Keras), fit time per epoch (which also
counts actlab's per-epoch callback: the SQLite commit of the epoch and the progress bar), the
cost of one such commit measured alone, and wall time per run (actlab also evaluates, saves
the model and commits the run).

    python benchmarks/runner_overhead.py --task fashion_mnist_mlp --epochs 5 --repeats 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import keras

import actlab
from actlab import tasks
from actlab.experiments import environment


class EpochTimer(keras.callbacks.Callback):
    """What a user writes to time epochs by hand."""

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def plain_keras(task, data, activation: str, seed: int) -> tuple[float, float, float]:
    """(median epoch seconds, fit seconds per epoch, run wall seconds) of the naive script."""
    x_train, y_train, x_test, y_test = data
    started = time.perf_counter()
    keras.utils.set_random_seed(seed)
    model = task.build_model(activation)
    timer = EpochTimer()
    fit_started = time.perf_counter()
    model.fit(x_train, y_train, batch_size=task.batch_size, epochs=task.epochs,
              validation_data=(x_test, y_test), callbacks=[timer], verbose=0)  # fmt: skip
    fit_per_epoch = (time.perf_counter() - fit_started) / task.epochs
    model.evaluate(x_test, y_test, verbose=0)
    return statistics.median(timer.seconds), fit_per_epoch, time.perf_counter() - started


def with_actlab(task_name, epochs, activation: str, seed: int, db: Path):
    """(median epoch seconds, fit seconds per epoch, run wall seconds) of `actlab.compare`."""
    started = time.perf_counter()
    result = actlab.compare([activation], task=task_name, seeds=[seed], epochs=epochs, db=db,
                            quiet=True)  # fmt: skip
    wall = time.perf_counter() - started
    run = result.runs().iloc[0]
    return float(run["median_epoch_seconds"]), float(run["total_seconds"]) / epochs, wall


def epoch_commit_seconds(db: Path, count: int = 50) -> float:
    """Median cost of the per-epoch SQLite commit the runner makes."""
    from actlab.experiments import Store

    with Store(db) as store:
        comparison = store.create_comparison("commit-cost", "none")
        run = store.start_run(comparison, "relu", {}, 0)
        costs = []
        for epoch in range(1, count + 1):
            begin = time.perf_counter()
            store.add_epoch(run, epoch, loss=0.5, accuracy=0.8, val_loss=0.6, val_accuracy=0.7,
                            seconds=0.4)  # fmt: skip
            costs.append(time.perf_counter() - begin)
    return statistics.median(costs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="fashion_mnist_mlp")
    parser.add_argument("--activation", default="relu")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    task = tasks.get(args.task, epochs=args.epochs)
    data = task.load_data()
    plain, ours = [], []
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(args.repeats):
            plain.append(plain_keras(task, data, args.activation, seed))
            ours.append(with_actlab(args.task, args.epochs, args.activation, seed,
                                    Path(folder) / "bench.db"))  # fmt: skip
        commit = epoch_commit_seconds(Path(folder) / "commit.db")
    report(args, plain, ours, commit)


def report(args, plain, ours, commit: float) -> None:
    env = environment.describe()
    plain_epoch = statistics.median(p[0] for p in plain)
    our_epoch = statistics.median(o[0] for o in ours)
    plain_fit = statistics.median(p[1] for p in plain)
    our_fit = statistics.median(o[1] for o in ours)
    plain_wall = statistics.median(p[2] for p in plain)
    our_wall = statistics.median(o[2] for o in ours)
    print(f"machine: {env['machine']['processor']}, {env['machine']['cpus']} CPUs, "
          f"{env['machine']['platform']}")  # fmt: skip
    print(f"backend: {env['backend']} {env['versions'][env['backend']]}, "
          f"keras {env['versions']['keras']}")  # fmt: skip
    print(f"task {args.task}, activation {args.activation}, {args.epochs} epochs, "
          f"{args.repeats} runs each side, alternating")  # fmt: skip
    print(f"median epoch seconds: plain keras {plain_epoch:.4f}, actlab {our_epoch:.4f}, "
          f"overhead {100 * (our_epoch / plain_epoch - 1):+.1f}% (goal <= 5%)")  # fmt: skip
    plain_best, our_best = min(p[0] for p in plain), min(o[0] for o in ours)
    print(f"fastest run's median epoch: plain keras {plain_best:.4f}, actlab {our_best:.4f}, "
          f"overhead {100 * (our_best / plain_best - 1):+.1f}%")  # fmt: skip
    print(f"fit seconds per epoch: plain keras {plain_fit:.4f}, actlab {our_fit:.4f}, "
          f"overhead {100 * (our_fit / plain_fit - 1):+.1f}%")  # fmt: skip
    print(f"one epoch's SQLite commit: {1000 * commit:.2f} ms "
          f"({100 * commit / plain_epoch:.2f}% of a plain epoch)")  # fmt: skip
    print("median epoch per run (plain, actlab): " + ", ".join(
        f"({p[0]:.3f}, {o[0]:.3f})" for p, o in zip(plain, ours, strict=True)))  # fmt: skip
    print(
        f"wall seconds per run: plain keras {plain_wall:.2f}, actlab {our_wall:.2f} "
        "(actlab also saves the model, the test predictions and commits to SQLite)"
    )


if __name__ == "__main__":
    main()
