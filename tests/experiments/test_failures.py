"""User activations that raise: each run is recorded as failed with the exception's own words,
and `runs` and `report` show them without a traceback."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

import actlab
from actlab.activations import keras_strings, registry
from actlab.cli import app
from actlab.experiments.user_modules import import_user_module

MODULE = textwrap.dedent('''
    from actlab import activations

    @activations.register(name="test_refusing", formula="?", fuse=False, override=True)
    def test_refusing(x):
        """Raises what Keras wraps with its call arguments."""
        raise RuntimeError("refuses to run, on purpose")

    @activations.register(name="test_exiting", formula="?", fuse=False, override=True)
    def test_exiting(x):
        """Ends the process, were nobody to catch it."""
        raise SystemExit("quits, on purpose")
''')
REASONS = {
    "test_refusing": "RuntimeError: refuses to run, on purpose",
    "test_exiting": "SystemExit: quits, on purpose",
}


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    """A real comparison of relu with two activations that raise: (store, module file)."""
    folder = tmp_path_factory.mktemp("failing")
    module = folder / "my_acts.py"
    module.write_text(MODULE)
    import_user_module(str(module))
    db = folder / "actlab.db"
    actlab.compare(["test_exiting", "relu", "test_refusing"], task="digits_mlp", seeds=1,
                   epochs=1, db=db, quiet=True)  # fmt: skip
    yield db, module
    for name in REASONS:
        registry._SPECS.pop(name, None)
        keras_strings.remove(name)


def test_an_activation_that_raises_or_exits_is_recorded_as_failed(failing):
    db, _ = failing
    runs = actlab.experiments.Store(db, readonly=True).runs().set_index("label")
    assert runs["status"].to_dict() == {
        "test_exiting": "failed", "relu": "finished", "test_refusing": "failed",
    }  # fmt: skip
    for name, reason in REASONS.items():
        error = runs.loc[name, "error"]
        assert error.splitlines()[0] == reason
        assert "Traceback (most recent call last)" in error and "\x1b[" not in error


def test_runs_shows_the_exceptions_own_message(failing):
    db, _ = failing
    result = CliRunner().invoke(app, ["runs", "--db", str(db)], terminal_width=250)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    for reason in REASONS.values():
        assert reason in output
    assert "training=" not in output and "\x1b[" not in output


def test_report_with_an_activation_that_raises_is_written_with_notes(failing, tmp_path):
    db, module = failing
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, ["report", "--db", str(db), "--import", str(module), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    page = " ".join(out.read_text(encoding="utf-8").split())
    assert "test_refusing left out (RuntimeError: refuses to run, on purpose)" in page
    for reason in REASONS.values():
        assert f"<td>{reason}</td>" in page
