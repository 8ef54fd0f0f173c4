"""The comparison's table on an 80-column terminal: folded into two tables, nothing cut."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from rich.console import Console

from actlab.experiments.statistics import summarize
from actlab.experiments.tables import summary_cells, summary_for_width
from tests.experiments.test_statistics import known_runs

TITLE = "digits_mlp: seeds [0, 1, 2, 3, 4], baseline relu"


@pytest.fixture(scope="module")
def summary():
    runs = known_runs()
    runs["label"] = runs["activation"]
    return summarize(runs, "relu").set_index("activation")


def rendered(summary, width: int) -> str:
    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(summary_for_width(summary, console, title=TITLE))
    return console.export_text()


def test_80_columns_fold_the_table_and_keep_every_cell_whole(summary):
    text = rendered(summary, 80)
    assert max(map(len, text.splitlines())) <= 80
    assert "…" not in text and "against the baseline" in text
    words = text.split()
    for row in summary.itertuples():
        for cell in summary_cells(row):
            for word in cell.split():  # an interval may sit on the line under its value
                assert word in words, (row.Index, cell)


def test_a_wide_terminal_keeps_one_row_per_activation(summary):
    text = rendered(summary, 200)
    assert "Δ acc [95% CI]" in text and "against the baseline" not in text
    gelu = next(line for line in text.splitlines() if "gelu" in line)
    assert "+0.0300 [+0.0212, +0.0388]" in gelu and "better" in gelu


@pytest.mark.parametrize(("columns", "width"), [("80", "80"), (None, "200")])
def test_off_a_terminal_the_cli_is_as_wide_as_columns_says(columns, width):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns:
        env["COLUMNS"] = columns
    code = "from actlab.cli.common import console; print(console.width)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == width
