"""Shared helpers of the bench tests: tiny settings, and the one-line-error check."""

from __future__ import annotations

import math

from typer.testing import CliRunner

from actlab.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["bench", *args], terminal_width=250)


def assert_one_line_error(result, text: str) -> None:
    """One ``error: ...`` message (Rich may wrap it at the terminal width), no traceback."""
    assert result.exit_code in (1, 2), result.output
    output = " ".join(result.output.split())
    assert text in output, output
    assert output.startswith("error: ") and output.count("error:") == 1, output
    assert "Traceback" not in output


def positive_finite(value) -> bool:
    return isinstance(value, float) and math.isfinite(value) and value > 0
