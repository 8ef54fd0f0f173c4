"""Article 003's question two ways: a full grid of the six activations against `actlab tune
--choose` of the same six. Issue 9's goal: the study finds the same best activation in fewer
trained epochs.

The grid is `actlab compare` of the six, every one on `--seeds` seeds, ranked by mean test
accuracy. The study is `actlab tune --choose` with `--trials` trials (TPE, MedianPruner, one
seed per trial, scored on the validation split), without its confirmation. Trained epochs
are counted from the store: every epoch row either side wrote.

    python benchmarks/tune_vs_grid.py --task fashion_mnist_mlp --seeds 3 --trials 24
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import actlab
import actlab.tune
from actlab.experiments import Store, environment

ARTICLE_003 = ["linear", "sigmoid", "hard_sigmoid", "tanh", "softsign", "relu"]


def grid(task: str, seeds: int, db: Path) -> tuple[str, int, float]:
    """The grid's best label (by mean test accuracy), its trained epochs, its seconds."""
    started = time.perf_counter()
    result = actlab.compare(ARTICLE_003, task=task, seeds=seeds, db=db, name="grid", quiet=True)
    seconds = time.perf_counter() - started
    table = result.table().sort_values("accuracy_mean", ascending=False)
    return str(table.index[0]), _epochs(db, lambda name: name == "grid"), seconds


def study(task: str, trials: int, db: Path, seed: int) -> tuple[str, int, float]:
    """The study's best label (on the validation split), its trained epochs, its seconds."""
    started = time.perf_counter()
    result = actlab.tune.tune(ARTICLE_003, task=task, trials=trials, db=db, study="study",
                              confirm=False, sampler_seed=seed, quiet=True)  # fmt: skip
    seconds = time.perf_counter() - started
    return result.best_label, _epochs(db, lambda name: name.startswith("study/")), seconds


def _epochs(db: Path, mine) -> int:
    with Store(db, readonly=True) as store:
        epochs = store.epochs()
    return int(epochs["comparison"].map(mine).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="fashion_mnist_mlp")
    parser.add_argument("--seeds", type=int, default=3, help="grid seeds per activation")
    parser.add_argument("--trials", type=int, default=24, help="trials of the study")
    parser.add_argument("--sampler-seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        rows = [
            ("grid", *grid(args.task, args.seeds, db)),
            ("tune --choose", *study(args.task, args.trials, db, args.sampler_seed)),
        ]
    described = environment.describe()
    print(f"task {args.task}, grid {args.seeds} seeds, study {args.trials} trials; "
          f"{described['device']}, keras {described['versions']['keras']}")  # fmt: skip
    print("| method | best activation | trained epochs | seconds |")
    print("|---|---|---|---|")
    for method, best, epochs, seconds in rows:
        print(f"| {method} | {best} | {epochs} | {seconds:.0f} |")
    same = rows[0][1] == rows[1][1]
    print(f"same best: {same}; epochs ratio {rows[1][2] / rows[0][2]:.2f}")


if __name__ == "__main__":
    main()
