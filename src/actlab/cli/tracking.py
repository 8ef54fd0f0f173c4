"""The tracking options of compare and export: --mlflow URI and --tensorboard DIR."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from actlab.cli.common import err_console, fail, one_line

#: What --mlflow takes for MLflow's own default store (MLFLOW_TRACKING_URI, else ./mlruns).
MLFLOW_DEFAULT = "default"

MlflowOption = Annotated[
    str | None,
    typer.Option(
        "--mlflow",
        metavar="[URI]",
        help="Send every run to MLflow at this tracking URI (sqlite:///mlflow.db, "
        "http://host:5000), one experiment per comparison; --mlflow alone: MLflow's own "
        "store (MLFLOW_TRACKING_URI, else ./mlruns). Needs actlab\\[mlflow].",
    ),
]
TensorboardOption = Annotated[
    Path | None,
    typer.Option(
        "--tensorboard",
        metavar="DIR",
        help="Write one TensorBoard event folder per run under DIR. Needs actlab\\[tensorboard].",
    ),
]


def mlflow_alone_means_default(args: list[str]) -> list[str]:
    """The command line with `MLFLOW_DEFAULT` after each ``--mlflow`` that has no URI (last,
    or before another option): a Typer option always takes a value, so ``--mlflow [URI]``
    is completed here, before Typer parses it."""
    completed: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--":  # what follows is positional
            return completed + args[i:]
        completed.append(arg)
        following = args[i + 1] if i + 1 < len(args) else "-"
        if arg == "--mlflow" and following.startswith("-"):
            completed.append(MLFLOW_DEFAULT)
    return completed


def mlflow_target(uri: str | None) -> str | bool | None:
    """--mlflow's value as `compare`/`export` take it (True: MLflow's default store)."""
    return True if uri == MLFLOW_DEFAULT else uri


def check_trackers(mlflow: str | None, tensorboard: Path | None) -> None:
    """Fail in one line, before anything trains, when a tracker cannot be opened (its
    package missing, a file given as the TensorBoard folder)."""
    from actlab.tracking import MissingExtraError, open_trackers

    try:
        open_trackers(mlflow=mlflow_target(mlflow), tensorboard=tensorboard)
    except (MissingExtraError, ValueError) as error:
        fail(one_line(error))


def export_runs(db: Path, name: str | None, mlflow: str | None, tensorboard: Path | None) -> None:
    """`actlab export --mlflow/--tensorboard`: send the store's ended runs, each once."""
    from actlab import tracking
    from actlab.experiments import StoreError

    check_trackers(mlflow, tensorboard)
    try:
        done = tracking.export(db, mlflow=mlflow_target(mlflow), tensorboard=tensorboard,
                               comparison=name)  # fmt: skip
    except (StoreError, OSError, ValueError) as error:
        fail(one_line(error))
    except Exception as error:  # the tracking server's own errors (down, refused, ...)
        fail(f"sending the runs of {db} failed: {type(error).__name__}: {one_line(error)}")
    for each in done:
        err_console.print(
            f"{each.where}: sent {each.sent} runs of {db}"
            + (f", {each.skipped} were there already" if each.skipped else ""),
            markup=False,
            highlight=False,
        )
