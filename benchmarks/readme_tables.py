"""Rewrite the README's benchmark tables from benchmarks/results/*.json.

    python benchmarks/readme_tables.py

The tables go between ``<!-- bench-results -->`` and ``<!-- /bench-results -->``: for each
backend, forward+backward of every activation over relu's (the goal: within 1.5x, and never
slower than the native op or the naive composite), then the training steps of each task's
model over relu's (the goal: within 1.15x on TensorFlow, FReLU within 1.5x).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BACKENDS = ("tensorflow", "jax", "torch")
START, END = "<!-- bench-results -->", "<!-- /bench-results -->"


def _num(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _machine(result: dict) -> str:
    head = result["header"]
    versions = ", ".join(f"{k} {v}" for k, v in head["versions"].items() if k != "python")
    xla = f"; XLA_FLAGS `{head['xla_flags']}`" if head.get("xla_flags") else ""
    return (
        f"{head['device']}, {head['machine']['cpus']} cores; {versions}{xla}; {head['date'][:10]}"
    )


def ops_table(result: dict) -> list[str]:
    lines = [
        f"**{result['header']['backend']}**, forward+backward of "
        f"{result['header']['settings']['size']:,} float32 values, × relu "
        f"({_machine(result)}):",
        "",
        "| activation | actlab | op by op | native | naive | kept ×input (actlab / op by op) |",
        "|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        kept = f"{_num(row.get('actlab_saved'), 1)} / {_num(row.get('portable_saved'), 1)}"
        cells = [_num(row.get(f"{k}_backward")) for k in ("actlab", "portable", "native", "naive")]
        lines.append(f"| {row['activation']} | {' | '.join(cells)} | {kept} |")
    return lines


def models_table(results: list[dict]) -> list[str]:
    """One column per task's model, one row per activation."""
    columns = []
    for result in results:
        settings = result["header"]["settings"]
        relu = next(r for r in result["rows"] if r["activation"] == "relu")
        columns.append((
            f"{result['header']['backend']} `{settings['task']}` (batch {settings['batch_size']}, "
            f"relu {relu['step_ms']:.1f} ms, floor {relu['limit']:.2f}×)",
            {r["activation"]: r["ratio"] for r in result["rows"]},
        ))  # fmt: skip
    names = list(dict.fromkeys(a for _, ratios in columns for a in ratios))
    lines = [
        "Training step × relu's:",
        "",
        "| activation | " + " | ".join(title for title, _ in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(_num(r.get(name)) for _, r in columns) + " |")
    return lines


def tables() -> list[str]:
    lines: list[str] = []
    for backend in BACKENDS:
        path = RESULTS / f"ops-{backend}.json"
        if path.exists():
            lines += [*ops_table(json.loads(path.read_text())), ""]
    models = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("models-*.json"))]
    if models:
        lines += [*models_table(models), ""]
    return lines


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    block = "\n".join([START, "", *tables(), END])
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {START} ... {END} block")
    readme.write_text(pattern.sub(lambda _: block, text))


if __name__ == "__main__":
    main()
