"""The `actlab` command line: catalog commands, help and errors."""

from __future__ import annotations

from typer.testing import CliRunner

from actlab.cli import app

runner = CliRunner()


def test_list_shows_the_catalog():
    result = runner.invoke(app, ["list"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "softplus_linear" in result.output and "tanh" in result.output


def test_list_filters_by_kind_and_property():
    result = runner.invoke(app, ["list", "--property", "bounded"], terminal_width=200)
    assert result.exit_code == 0
    assert "sigmoid" in result.output and "│ relu " not in result.output


def test_list_rejects_a_bad_filter():
    result = runner.invoke(app, ["list", "--kind", "widget"])
    assert result.exit_code == 2
    assert "--kind must be" in result.output


def test_show_prints_formula_paper_and_note():
    result = runner.invoke(app, ["show", "hard_sigmoid"], terminal_width=200)
    assert result.exit_code == 0
    assert "0.2x + 0.5" in result.output
    assert "Theano" in result.output and "arxiv.org/abs/1605.02688" in result.output
    assert "slope 1/6" in result.output


def test_show_unknown_name_is_a_one_line_error_with_suggestions():
    result = runner.invoke(app, ["show", "softplus_lineer"])
    assert result.exit_code == 2
    assert "unknown activation" in result.output and "softplus_linear" in result.output


def test_every_command_has_help():
    for command in ("list", "show", "docs"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
