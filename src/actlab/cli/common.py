"""What every command shares: the consoles, the common options, and one-line errors."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.text import Text

__all__ = [
    "DEFAULT_DB",
    "DataDirOption",
    "DbOption",
    "ImportOption",
    "QuietOption",
    "choice",
    "console",
    "err_console",
    "fail",
    "import_modules",
    "missing_backend",
    "one_line",
    "one_line_backend_errors",
    "one_line_errors",
    "overrides",
    "quiet_tensorflow_retracing_warnings",
]

#: The results store's default file, as `actlab.experiments.store.DEFAULT_DB` (a test checks):
#: importing the store would import pandas, which `--help` does not need.
DEFAULT_DB = Path("actlab.db")

# Piped output is not wrapped at 80 columns: tables stay one row per activation in logs,
# unless COLUMNS says how wide (a narrow table folds: actlab.experiments.tables).
console = Console(width=None if Console().is_terminal or os.environ.get("COLUMNS") else 200)
# Messages are never hard-wrapped (a path split over two lines cannot be copied from a log).
err_console = Console(stderr=True, soft_wrap=True)


DbOption = Annotated[Path, typer.Option(help="SQLite results store.")]
DataDirOption = Annotated[Path | None, typer.Option(help="Where datasets are (else looked up).")]
ImportOption = Annotated[
    list[str] | None,
    typer.Option(
        "--import",
        help="A .py file or module that registers activations, datasets, models or tasks.",
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]


def choice(name: str, values: Sequence[str], help: str, *names: str) -> Any:
    """An option taking one of fixed `values`: listed in --help (``table|json|csv``), and
    anything else refused with one line, ``error: --format must be one of ..., got 'xml'``."""
    return typer.Option(
        *(names or (name,)), parser=_one_of(name, tuple(values)), metavar="|".join(values),
        help=help,
    )  # fmt: skip


def _one_of(name: str, values: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in values:
            fail(f"{name} must be one of {', '.join(values)}, got {value!r}")
        return value

    return parse


def fail(message: str, code: int = 2) -> NoReturn:
    """One-line error on stderr and a non-zero exit."""
    err_console.print(Text("error: ", style="bold red") + Text(message))
    raise typer.Exit(code)


#: Keras' backends, each installed by the actlab extra of the same name.
BACKENDS = ("tensorflow", "jax", "torch")
Command = TypeVar("Command", bound=Callable[..., Any])


def missing_backend(error: ImportError) -> str | None:
    """The one-line fix when `error` is Keras failing to import its backend, else None."""
    backend = (error.name or "").partition(".")[0]
    if backend not in BACKENDS:
        return None
    others = " or ".join(b for b in BACKENDS if b != backend)
    return (
        f"Keras' {backend} backend is not installed: pip install 'actlab[{backend}]' "
        f"(or choose an installed one: KERAS_BACKEND={others})"
    )


def one_line_backend_errors(command: Command) -> Command:
    """`command`, with a missing Keras backend told in one line naming the extra to install."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ImportError as error:
            message = missing_backend(error)
            if message is None:
                raise
            fail(message)

    return run  # type: ignore[return-value]


def plain_usage_errors_off_a_terminal() -> None:
    """Typer's usage errors ("Invalid value for '--seeds': ..."): its box on a terminal; off
    one, click's plain lines, since the box is 80 columns in a file and splits the message."""
    from typer import rich_utils

    boxed = rich_utils.rich_format_error

    def usage_error(self: Any) -> None:  # named as the function it replaces: a ClickException
        if Console(stderr=True).is_terminal:
            boxed(self)
        else:
            self.show()

    rich_utils.rich_format_error = usage_error


def flags_shown_as_flags() -> None:
    """--help lists a boolean flag as ``--quiet -q``, without Typer's ``<bool>`` type."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag and not self.count else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


@contextmanager
def one_line_errors(kept: str) -> Iterator[None]:
    """Ctrl-C (ComparisonInterrupted, or a second one) exits 130 saying what is `kept`; bad
    input and store trouble exit 2; each as one line."""
    from actlab.experiments import StoreError

    try:
        yield
    except KeyboardInterrupt as stop:
        fail(f"interrupted{during(stop)}; {kept}: run the same command again to resume",
             code=130)  # fmt: skip
    except (ValueError, TypeError, OSError, StoreError) as error:
        fail(one_line(error))


def during(stop: KeyboardInterrupt) -> str:
    return f" during {stop}" if str(stop) else ""


def start_workers_early(executor: str, jobs: int | None) -> None:
    """Start `--jobs` local worker processes before this process imports Keras (the
    command's work does), so that their import overlaps its own."""
    from actlab.experiments.executors import prestart

    prestart(executor, jobs)


def quiet_tensorflow_retracing_warnings() -> None:
    # Each run builds a new model, so TensorFlow warns that predict() "retraces"; expected here.
    import logging

    logging.getLogger("tensorflow").setLevel(logging.ERROR)


def import_modules(targets: list[str]) -> None:
    from actlab.experiments.user_modules import USER_ERRORS, import_user_module

    for target in targets:
        try:
            import_user_module(target)
        except USER_ERRORS as error:  # a user module may raise anything, exit included
            fail(f"--import {target}: {one_line(error)}")


def overrides(assignments: list[str]) -> dict[str, object]:
    import json

    found: dict[str, object] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key:
            fail(f"--set takes KEY=VALUE, got {item!r}")
        try:
            found[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            found[key.strip()] = value
    return found


def one_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())
