"""How much faster a comparison finishes with more workers: ``--jobs 1`` against ``--jobs 2``
(and, with ``--ray``, the Ray executor on a local two-CPU instance), side by side in one run.

Each configuration is a fresh ``actlab compare`` process on an empty store, timed from its
start to its exit, as a user waits for it: start-up, data loading, the workers' start and
warm-up, every run, the commits and the table. Beside that wall time, the runs phase: from
the first run's start to the last run's end, as the store records them (what more workers
can shorten; the rest is start-up and the table). The configurations alternate (1, 2, 2, 1,
... with ``--repeats``) so that a drifting machine hits them alike; the median is reported,
with the speed-up over ``--jobs 1`` and the runs per hour (of wall time). Issue 9's goals,
on a 2-core machine, for 2 activations x 4 seeds: at least 1.6x on digits_mlp and 1.3x on
fashion_mnist_mlp.

    python benchmarks/executors.py                      # both tasks, their default epochs
    python benchmarks/executors.py --ray --repeats 2    # the Ray executor too

The load average before and after is printed: on a machine doing other work the numbers say
little (two workers cannot go faster than the cores they share with it).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ACTIVATIONS = ("relu", "tanhexp")
GOALS = {"digits_mlp": 1.6, "fashion_mnist_mlp": 1.3}


def configurations(with_ray: bool) -> list[tuple[str, list[str]]]:
    chosen = [("jobs 1", ["--jobs", "1"]), ("jobs 2", ["--jobs", "2"])]
    if with_ray:
        chosen.append(("ray (local, 2 CPUs)", ["--executor", "ray", "--jobs", "2"]))
    return chosen


def time_compare(task: str, seeds: int, epochs: int | None, options: list[str],
                 folder: Path) -> tuple[float, float]:  # fmt: skip
    """Wall seconds of one `actlab compare` on a fresh store, and of its runs phase."""
    db = Path(tempfile.mkdtemp(dir=folder)) / "bench.db"
    command = [sys.executable, "-m", "actlab.cli", "compare", *ACTIVATIONS, "--task", task,
               "--seeds", str(seeds), "--quiet", "--db", str(db), *options]  # fmt: skip
    if epochs is not None:
        command += ["--epochs", str(epochs)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    with sqlite3.connect(db) as conn:
        first, last = conn.execute("SELECT min(started), max(finished) FROM runs").fetchone()
    runs_phase = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
    return seconds, runs_phase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", nargs="+", default=list(GOALS))
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=None, help="default: the task's")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--ray", action="store_true", help="also time --executor ray")
    args = parser.parse_args()

    chosen = configurations(args.ray)
    runs = len(ACTIVATIONS) * args.seeds
    load_before = os.getloadavg()
    seconds: dict[tuple[str, str], list[float]] = {}
    phases: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for task in args.tasks:
            for repeat in range(args.repeats):
                order = chosen if repeat % 2 == 0 else chosen[::-1]
                for label, options in order:
                    took, phase = time_compare(task, args.seeds, args.epochs, options,
                                               Path(folder))  # fmt: skip
                    seconds.setdefault((task, label), []).append(took)
                    phases.setdefault((task, label), []).append(phase)
                    print(f"{task} {label}: {took:.1f} s ({phase:.1f} s of runs)",
                          file=sys.stderr, flush=True)  # fmt: skip
    load_after = os.getloadavg()

    print(f"date {datetime.now(UTC):%Y-%m-%d}; {os.cpu_count()} CPUs; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; {len(ACTIVATIONS)} "
          f"activations x {args.seeds} seeds = {runs} runs; median of {args.repeats}")  # fmt: skip
    print("| task | executor | wall s | speed-up | runs phase s | its speed-up | runs/hour "
          "| goal (wall) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for task in args.tasks:
        base = statistics.median(seconds[(task, "jobs 1")])
        base_phase = statistics.median(phases[(task, "jobs 1")])
        for label, _ in chosen:
            took = statistics.median(seconds[(task, label)])
            phase = statistics.median(phases[(task, label)])
            speedup = base / took
            goal = GOALS.get(task) if label == "jobs 2" else None
            verdict = "" if goal is None else f"≥{goal}x: {'met' if speedup >= goal else 'not met'}"
            print(f"| {task} | {label} | {took:.1f} | {speedup:.2f}x | {phase:.1f} "
                  f"| {base_phase / phase:.2f}x | {runs * 3600 / took:.0f} "
                  f"| {verdict} |")  # fmt: skip


if __name__ == "__main__":
    main()
