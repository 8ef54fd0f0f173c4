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


def test_list_and_show_with_import_include_a_users_activation(tmp_path):
    from actlab import activations

    module = tmp_path / "my_acts.py"
    module.write_text(
        "from keras import ops\n"
        "from actlab import activations\n\n"
        '@activations.register(name="my_quarter_relu", formula=r"\\max(0, x) / 4")\n'
        "def my_quarter_relu(x):\n"
        '    """A quarter of a ReLU."""\n'
        "    return 0.25 * ops.relu(x)\n"
    )
    try:
        listed = runner.invoke(app, ["list", "--import", str(module)], terminal_width=200)
        assert listed.exit_code == 0, listed.output
        assert "my_quarter_relu" in listed.output and "tanhexp" in listed.output
        activations.unregister("my_quarter_relu")  # each command is its own process in use
        shown = runner.invoke(app, ["show", "my-quarter-relu", "--import", str(module)])
        assert shown.exit_code == 0, shown.output
        assert "A quarter of a ReLU." in shown.output and r"\max(0, x) / 4" in shown.output
        assert "my_quarter_relu" not in runner.invoke(app, ["list"], terminal_width=200).output
    finally:
        activations.unregister("my_quarter_relu")
