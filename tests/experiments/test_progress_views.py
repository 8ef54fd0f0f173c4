"""Progress off a terminal: plain lines in a file, a bar of its own in a notebook."""

from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console

from actlab.experiments.progress import Progress
from actlab.experiments.progress_views import LineProgress, NotebookProgress

EPOCH = {"epoch": 1, "loss": 0.51234, "val_accuracy": 0.875}


def _drive(progress) -> None:
    with progress:
        progress.start_run("relu seed 0")
        progress.epoch_done({**EPOCH, "epoch": 1})
        progress.epoch_done({**EPOCH, "epoch": 2})
        progress.run_done("relu seed 0: test accuracy 0.9000")
        progress.start_run("tanh seed 0", key="b")
        progress.epoch_done(EPOCH, key="b")
        progress.run_done("tanh seed 0: failed (ValueError: no)", key="b")


def test_a_file_gets_one_line_per_epoch_and_per_run():
    stream = io.StringIO()
    progress = Progress(2, 2, console=Console(file=stream, force_terminal=False))
    assert isinstance(progress, LineProgress)
    _drive(progress)
    assert stream.getvalue().splitlines() == [
        "relu seed 0: epoch 1/2  loss 0.5123  val_accuracy 0.8750",
        "relu seed 0: epoch 2/2  loss 0.5123  val_accuracy 0.8750",
        "[1/2] relu seed 0: test accuracy 0.9000",
        "tanh seed 0: epoch 1/2  loss 0.5123  val_accuracy 0.8750",
        "[2/2] tanh seed 0: failed (ValueError: no)",
    ]


def test_quiet_and_a_terminal_keep_rich_bars():
    stream = io.StringIO()
    assert type(Progress(1, 1, quiet=True, console=Console(file=stream))) is Progress
    terminal = Progress(1, 1, console=Console(file=stream, force_terminal=True))
    assert type(terminal) is Progress and terminal.enabled
    assert stream.getvalue() == ""


def test_a_notebook_gets_a_bar_updated_in_place(monkeypatch):
    pytest.importorskip("IPython.display")
    shown: list[str] = []

    class Handle:
        def update(self, obj):
            shown.append(obj.data)

    def display(obj, display_id=False):
        assert display_id is True  # updated in place, not appended
        shown.append(obj.data)
        return Handle()

    monkeypatch.setattr(sys.modules["IPython.display"], "display", display, raising=False)
    progress = Progress(2, 2, console=Console(file=io.StringIO(), force_jupyter=True))
    assert isinstance(progress, NotebookProgress)
    _drive(progress)
    assert '<progress value="0" max="2"' in shown[0]
    assert "relu seed 0: epoch 1/2  loss 0.5123" in shown[2]
    last = shown[-1]
    assert '<progress value="2" max="2"' in last and "2/2 runs" in last
    assert "relu seed 0: test accuracy 0.9000\ntanh seed 0: failed (ValueError: no)" in last
