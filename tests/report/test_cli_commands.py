"""`actlab plot` and `actlab report` as a user types them: files written, one-line errors."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.plots.figure_checks import PNG_SIGNATURE
from tests.report import stores


@pytest.fixture
def invoke(cli_app):
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli_app, [str(a) for a in args])

    return run


def test_plot_writes_the_shapes_of_the_named_activations(invoke, tmp_path):
    out = tmp_path / "shapes.png"
    result = invoke("plot", "relu", "tanhexp", "elu:alpha=0.5", "--derivative",
                    "--range", "-3", "3", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    assert f"wrote{out}" in "".join(result.output.split())  # Rich wraps long paths


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crelu"], "crelu changes the shape of its input"),
        (["nosuch"], "unknown activation 'nosuch'"),
        (["elu:alpha=-1"], "outside its allowed range"),
        (["relu", "--range", "3", "-3"], "low < high"),
        (["relu", "-o", "shapes.xyz"], "Format 'xyz' is not supported"),
    ],
)
def test_plot_refuses_with_one_line_and_exit_code_2(invoke, tmp_path, args, message):
    args = [a.replace("shapes.xyz", str(tmp_path / "shapes.xyz")) for a in args]
    result = invoke("plot", *args, *([] if "-o" in args else ["-o", tmp_path / "s.png"]))
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and message in " ".join(result.output.split())


@pytest.fixture
def small_db(tmp_path):
    db = tmp_path / "small.db"
    stores.write_comparison(db, "small", [stores.run("relu", 0), stores.run("tanhexp", 0)])
    return db


def test_report_writes_html_by_default(invoke, tmp_path, small_db, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("report", "--db", small_db)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_writes_markdown_and_images_on_request(invoke, tmp_path, small_db):
    result = invoke("report", "--db", small_db, "--format", "markdown", "--baseline", "tanhexp",
                    "-o", tmp_path / "post.md")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "images in" in result.output and (tmp_path / "post_files").is_dir()
    assert "Baseline: tanhexp." in (tmp_path / "post.md").read_text(encoding="utf-8")


def test_report_errors_are_one_line_with_exit_code_2(invoke, tmp_path):
    db = tmp_path / "two.db"
    stores.write_comparison(db, "first", [stores.run("relu", 0)])
    stores.write_comparison(db, "second", [stores.run("relu", 0)])
    cases = [
        (["--db", db], "holds 2 comparisons; choose one with --name: 'first', 'second'"),
        (["--db", db, "--name", "third"], "no comparison 'third'"),
        (["--db", tmp_path / "missing.db"], "does not exist"),
        (["--db", db, "--name", "first", "--format", "pdf"], "format must be one of html"),
        (["--db", db, "--name", "first", "--baseline", "mish"], "baseline 'mish' is not among"),
    ]
    for args, message in cases:
        result = invoke("report", *args, "-o", tmp_path / "r.html")
        assert result.exit_code == 2, result.output
        assert result.output.startswith("error: ") and message in " ".join(result.output.split())
