"""Cells, Markdown and files of a BenchResult."""

from __future__ import annotations

import math

from actlab.bench.results import BenchResult, Column, header


def _result() -> BenchResult:
    columns = [Column("name", "name"), Column("x", "x ×"), Column("mem", "mem", 1, "n/a")]
    rows = [{"name": "a", "x": 1.234, "mem": None}, {"name": "b", "x": math.nan, "mem": 2.0}]
    head = header({"size": 8})
    return BenchResult("ops", "title", head, columns, rows, ["a note"])


def test_cells_format_numbers_and_gaps():
    result = _result()
    a, b = result.rows
    assert [result.cell(a, c) for c in result.columns] == ["a", "1.23", "n/a"]
    assert [result.cell(b, c) for c in result.columns] == ["b", "—", "2.0"]


def test_markdown_and_files(tmp_path):
    result = _result()
    markdown = result.to_markdown()
    assert "| name | x × | mem |\n|---|---|---|\n| a | 1.23 | n/a |" in markdown
    assert "settings: size 8" in markdown and markdown.rstrip().endswith("a note")
    paths = result.write(tmp_path / "new")
    assert [p.name for p in paths] == [f"ops-{result.header['backend']}.json", paths[1].name]
    assert paths[1].read_text() == markdown
