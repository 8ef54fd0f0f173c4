"""Start-up time of the commands that train nothing (issue 10: under 1 s), beside
`python -c "import typer, rich"` (the floor) and `import keras` (what they no longer pay).

    python benchmarks/cli_startup.py [--repeats N]

Each command runs N times in a fresh interpreter; the median wall time is printed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS: dict[str, list[str]] = {
    "import typer, rich (floor)": ["-c", "import typer, rich"],
    "import keras (not paid)": ["-c", "import keras"],
    "actlab --help": ["-m", "actlab", "--help"],
    "actlab --version": ["-m", "actlab", "--version"],
    "actlab runs": ["-m", "actlab", "runs", "--db", "{db}"],
    "actlab export": ["-m", "actlab", "export", "--db", "{db}"],
    "actlab list": ["-m", "actlab", "list"],
    "actlab show tanhexp": ["-m", "actlab", "show", "tanhexp"],
    "actlab tasks": ["-m", "actlab", "tasks"],
    "actlab docs": ["-m", "actlab", "docs", "-o", "{folder}/activations.md"],
}


def median_seconds(args: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "empty.db"
        from actlab.experiments.store import Store

        with Store(db):
            pass
        for name, args in COMMANDS.items():
            seconds = median_seconds([a.format(db=db, folder=folder) for a in args], repeats)
            print(f"{name:28s} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
