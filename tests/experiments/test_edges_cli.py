"""The small promises of issue 11 on the command line: bad activation lists, a device file as
the store, a failed command leaving nothing behind, and Typer's own errors off a terminal."""

from __future__ import annotations

import subprocess
import sys
from urllib.error import URLError

import pytest
from typer.testing import CliRunner

from actlab.cli import app
from actlab.data import sources
from actlab.experiments import Store, compare


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), terminal_width=300)


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize(
    ("activations", "message"),
    [
        (["relu", "elu:alpha=1,alpha=2"], "'elu:alpha=1,alpha=2' gives parameter 'alpha' twice"),
        (["elu", "elu:alpha=1"], "elu and elu(alpha=1.0) are the same activation"),
    ],
)
def test_an_activation_list_that_repeats_itself_is_one_error_line(tmp_path, activations, message):
    db = tmp_path / "never.db"
    result = invoke("compare", *activations, "--task", "digits_mlp", "--db", str(db), "--quiet")
    assert result.exit_code == 2, result.output
    assert len(error_lines(result.output)) == 1 and message in result.output
    assert "Traceback" not in result.output and not db.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "relu", "--task", "digits_mlp", "--quiet"],
        ["reproduce", "relu-mnist-mlp", "--quiet"],
        ["export"],
        ["report"],
    ],
)
def test_a_device_file_as_the_store_is_named_for_what_it_is(command):
    result = invoke(*command, "--db", "/dev/null")
    assert result.exit_code == 2, result.output
    lines = error_lines(result.output)
    assert len(lines) == 1 and "/dev/null is not a regular file" in lines[0]
    assert "directory" not in result.output


def test_a_command_that_fails_on_missing_data_offline_leaves_no_empty_comparison(
    tmp_path, monkeypatch
):
    db = tmp_path / "kept.db"
    compare(["relu"], seeds=1, epochs=1, task="digits_mlp", db=db, name="earlier", quiet=True)

    def offline(*args, **kwargs):
        raise URLError("network is unreachable")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("ACTLAB_DATA_DIR", raising=False)
    monkeypatch.setattr(sources, "SYSTEM_ROOTS", ())
    monkeypatch.setattr(sources, "urlopen", offline)
    result = invoke("reproduce", "relu-mnist-mlp", "--seeds", "1", "--db", str(db), "--quiet")
    assert result.exit_code == 2, result.output
    lines = error_lines(result.output)
    assert len(lines) == 1 and "could not download" in lines[0]
    assert list(Store(db, readonly=True).comparisons()["name"]) == ["earlier"]


def test_typers_own_usage_errors_are_not_boxed_at_80_columns_off_a_terminal(tmp_path):
    value = str(tmp_path / ("a-long-folder-name-" * 4) / "not-a-number")
    done = subprocess.run([sys.executable, "-m", "actlab.cli", "plot", "relu", "--range", value,
                           "5"], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if "Invalid value for '--range'" in line]
    assert len(errors) == 1 and errors[0].startswith("Error: "), done.stderr
    assert len(errors[0]) > 80  # the whole message, on the line that names the option
    assert "│" not in done.stderr and "╭" not in done.stderr
