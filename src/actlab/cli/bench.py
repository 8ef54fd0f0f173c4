"""The bench commands: activation time on one tensor (ops) and in training (models)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from actlab.cli.common import (
    choice,
    console,
    err_console,
    fail,
    one_line,
    one_line_backend_errors,
)

app = typer.Typer(
    no_args_is_help=True,
    help="Time activations on the current backend: on one tensor (ops), in training (models).",
)
BenchOutOption = Annotated[
    Path, typer.Option("--out", help="Folder for the .json and .md results.")
]
DEFAULT_BENCH_OUT = Path("benchmarks/results")
DTYPES = ("float32", "float16", "bfloat16")  # actlab.bench.ops.DTYPES


@app.command("ops")
@one_line_backend_errors
def bench_ops(
    names: Annotated[
        list[str] | None, typer.Argument(help="Activations (default: the articles').")
    ] = None,
    size: Annotated[int, typer.Option(help="Values in the tensor.")] = 4_000_000,
    dtype: Annotated[str, choice("--dtype", DTYPES, "The tensor's dtype.")] = "float32",
    repeats: Annotated[int, typer.Option(help="Interleaved rounds (median kept).")] = 7,
    every: Annotated[
        bool, typer.Option("--all", help="Every function entry that keeps the shape.")
    ] = False,
    out: BenchOutOption = DEFAULT_BENCH_OUT,
) -> None:
    """Forward and forward+backward time of activations (actlab, native, naive) over relu's."""
    from actlab import bench

    try:
        result = bench.run_ops(names, size=size, dtype=dtype, repeats=repeats, every=every)
    except (ValueError, TypeError) as error:
        fail(one_line(error))
    _show_bench(result, out)


@app.command("models")
@one_line_backend_errors
def bench_models(
    names: Annotated[
        list[str] | None, typer.Argument(help="Activations (default: relu + the articles').")
    ] = None,
    task: Annotated[str, typer.Option(help="Task whose model is trained (`actlab tasks`).")] = (
        "cifar10_small_cnn"
    ),
    steps: Annotated[int, typer.Option(help="Training steps per timed sample.")] = 10,
    repeats: Annotated[int, typer.Option(help="Interleaved rounds (median kept).")] = 5,
    out: BenchOutOption = DEFAULT_BENCH_OUT,
) -> None:
    """Training-step time of a task's model per activation over relu's, on synthetic data."""
    from actlab import bench

    try:
        result = bench.run_models(names, task=task, steps=steps, repeats=repeats)
    except (ValueError, TypeError) as error:
        fail(one_line(error))
    _show_bench(result, out)


def _show_bench(result, out: Path) -> None:
    console.print(result.rich_table())
    for note in result.notes:
        console.print(note, markup=False, highlight=False)
    try:
        written = result.write(out)
    except OSError as error:
        fail(f"cannot write to {out}: {one_line(error)}")
    err_console.print(f"wrote {', '.join(map(str, written))}", markup=False, highlight=False)
