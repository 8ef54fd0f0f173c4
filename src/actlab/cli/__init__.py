"""The `actlab` command line: the Typer app and its command table.

Each command lives in the module of its group (catalog, experiments, tune, report, bench);
what they share (consoles, common options, one-line errors) is in `actlab.cli.common`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from actlab.cli import bench, catalog, experiments, report, tune
from actlab.cli.common import (
    flags_shown_as_flags,
    one_line_backend_errors,
    plain_usage_errors_off_a_terminal,
)

__all__ = ["app", "main"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Try, compare and tune neural-network activation functions.",
)
plain_usage_errors_off_a_terminal()
flags_shown_as_flags()


def _print_version(value: bool) -> None:
    if value:
        from actlab import __version__

        typer.echo(f"actlab {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version, exit."
        ),
    ] = False,
) -> None:
    """Try, compare and tune neural-network activation functions."""


def _command(function: Callable[..., None], name: str | None = None) -> None:
    app.command(name)(one_line_backend_errors(function))


_command(catalog.list_activations, "list")
_command(catalog.show)
_command(catalog.docs)
_command(experiments.compare)
_command(tune.tune)
_command(experiments.runs)
_command(experiments.export)
_command(experiments.reproduce)
_command(experiments.list_tasks, "tasks")
_command(catalog.plot)
_command(report.report)
app.add_typer(bench.app, name="bench")


def main() -> None:
    """The `actlab` command (and ``python -m actlab``)."""
    import sys

    from actlab.cli.tracking import mlflow_alone_means_default

    app(args=mlflow_alone_means_default(sys.argv[1:]), prog_name="actlab")
