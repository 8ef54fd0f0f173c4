"""Progress of a comparison: one bar over runs, one over the epochs of each run in flight."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

from actlab.experiments.progress_views import LineProgress, NotebookProgress


class Progress:
    """Rich progress bars on a terminal; silent with ``quiet`` or when output is not a TTY.

    Runs are told apart by a `key` (any hashable, e.g. the run's key) when several are in
    flight at once (``--jobs``): each has its own epoch bar while it runs. Without a key,
    one epoch bar serves the current run.
    """

    def __new__(cls, runs: int, epochs: int, *, quiet: bool = False, console=None) -> Any:
        """These bars on a terminal; in a notebook a bar of its own, and in a file one plain
        line per epoch and per run (`progress_views`, which take the same calls)."""
        console = console or Console(stderr=True)
        if quiet or console.is_terminal:
            return super().__new__(cls)
        if console.is_jupyter:
            return NotebookProgress(runs, epochs)
        return LineProgress(runs, epochs, console.file)

    def __init__(self, runs: int, epochs: int, *, quiet: bool = False, console=None):
        self.console = console or Console(stderr=True)
        self.enabled = not quiet and self.console.is_terminal
        self._epochs = epochs
        self._bars = RichProgress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"), TimeElapsedColumn(), TimeRemainingColumn(),
            console=self.console, disable=not self.enabled,
        )  # fmt: skip
        self._runs = self._bars.add_task("runs", total=runs, status="")
        self._epoch_bar = self._bars.add_task("epochs", total=epochs, status="")
        self._keyed: dict[Hashable, TaskID] = {}

    def __enter__(self) -> Progress:
        self._bars.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._bars.__exit__(*exc_info)

    def start_run(self, description: str, key: Hashable | None = None) -> None:
        if key is None:
            self._bars.reset(self._epoch_bar, total=self._epochs, description=description,
                             status="")  # fmt: skip
            return
        if not self._keyed:  # the shared bar gives way to one bar per run in flight
            self._bars.update(self._epoch_bar, visible=False)
        self._keyed[key] = self._bars.add_task(description, total=self._epochs, status="")

    def epoch_done(self, record: dict[str, Any], key: Hashable | None = None) -> None:
        status = "  ".join(f"{k} {record[k]:.4f}" for k in ("loss", "val_accuracy") if k in record)
        self._bars.update(self._bar(key), advance=1, status=status)

    def run_done(self, message: str, key: Hashable | None = None) -> None:
        bar = self._keyed.pop(key, None) if key is not None else None
        if bar is not None:
            self._bars.remove_task(bar)
        self._bars.update(self._runs, advance=1)
        self.note(message)

    def note(self, message: str) -> None:
        """A line above the bars (on a terminal only, like the bars)."""
        if self.enabled:
            self._bars.console.print(message, highlight=False)

    def _bar(self, key: Hashable | None) -> TaskID:
        return self._keyed.get(key, self._epoch_bar) if key is not None else self._epoch_bar
