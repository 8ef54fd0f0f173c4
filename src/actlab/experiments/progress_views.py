"""Progress where there is no terminal: a bar in a notebook, plain lines in a file.

Both take the calls of `actlab.experiments.progress.Progress` (which uses Rich's live bars
on a terminal and hands over to one of these elsewhere): `start_run`, `epoch_done`,
`run_done` and `note`, each run told apart by an optional `key` when several are in flight.
"""

from __future__ import annotations

from collections.abc import Hashable
from html import escape
from typing import Any, TextIO

#: The per-epoch values a progress line shows.
SHOWN = ("loss", "val_accuracy")


def epoch_text(record: dict[str, Any], epochs: int) -> str:
    """``epoch 2/5  loss 0.4123  val_accuracy 0.8912`` of an epoch record."""
    values = "  ".join(f"{k} {record[k]:.4f}" for k in SHOWN if k in record)
    return f"epoch {record.get('epoch', '?')}/{epochs}" + (f"  {values}" if values else "")


class LineProgress:
    """One plain line per finished epoch and per finished run, flushed at once: for a log
    file, CI or nohup, where a live bar would be noise."""

    def __init__(self, runs: int, epochs: int, stream: TextIO):
        self._runs, self._epochs, self._stream = runs, epochs, stream
        self._done = 0
        self._names: dict[Hashable | None, str] = {}

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        return None

    def start_run(self, description: str, key: Hashable | None = None) -> None:
        self._names[key] = description

    def epoch_done(self, record: dict[str, Any], key: Hashable | None = None) -> None:
        self._line(f"{self._names.get(key, 'run')}: {epoch_text(record, self._epochs)}")

    def run_done(self, message: str, key: Hashable | None = None) -> None:
        self._names.pop(key, None)
        self._done += 1
        self._line(f"[{self._done}/{self._runs}] {message}")

    def note(self, message: str) -> None:
        self._line(message)

    def _line(self, text: str) -> None:
        print(text, file=self._stream, flush=True)


class NotebookProgress:
    """A progress bar in a Jupyter notebook's output, updated in place (an HTML
    ``<progress>`` element through IPython's display handles: no widgets needed), with the
    runs in flight and a line per finished run beneath it."""

    def __init__(self, runs: int, epochs: int):
        from IPython.display import HTML, display

        self._html_type, self._display = HTML, display
        self._runs, self._epochs = runs, epochs
        self._done = 0
        self._flight: dict[Hashable | None, list[str]] = {}  # key: [name, status]
        self._lines: list[str] = []
        self._handle: Any = None

    def __enter__(self) -> NotebookProgress:
        self._handle = self._display(self._html_type(self.html()), display_id=True)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._flight.clear()
        self._update()

    def start_run(self, description: str, key: Hashable | None = None) -> None:
        self._flight[key] = [description, "starting"]
        self._update()

    def epoch_done(self, record: dict[str, Any], key: Hashable | None = None) -> None:
        self._flight.setdefault(key, ["run", ""])[1] = epoch_text(record, self._epochs)
        self._update()

    def run_done(self, message: str, key: Hashable | None = None) -> None:
        self._flight.pop(key, None)
        self._done += 1
        self._lines.append(message)
        self._update()

    def note(self, message: str) -> None:
        self._lines.append(message)
        self._update()

    def html(self) -> str:
        """The bar, the runs in flight and the finished lines, as HTML."""
        flight = "".join(
            f"<div>{escape(name)}: {escape(status)}</div>" for name, status in self._flight.values()
        )
        lines = escape("\n".join(self._lines))
        return (
            '<div class="actlab-progress">'
            f'<progress value="{self._done}" max="{self._runs}" style="width: 30em"></progress>'
            f" {self._done}/{self._runs} runs{flight}"
            + (f"<pre>{lines}</pre>" if lines else "")
            + "</div>"
        )

    def _update(self) -> None:
        if self._handle is not None:
            self._handle.update(self._html_type(self.html()))
