"""HTML of a comparison and of an activation, as a notebook shows them."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import actlab
from actlab import activations
from actlab.experiments.tables import SUMMARY_COLUMNS, summary_cells


class Cells(HTMLParser):
    """Rows of <th>/<td> texts of an HTML document, and its caption."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.caption = ""
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td", "caption"):
            self._in = tag
            if tag != "caption":
                self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag in ("th", "td", "caption"):
            self._in = None

    def handle_data(self, data):
        if self._in == "caption":
            self.caption += data
        elif self._in:
            self.rows[-1][-1] += data


def test_an_activation_is_a_table_with_its_formula_for_mathjax():
    spec = activations.spec("elu")
    cells = dict(Cells(spec._repr_html_()).rows)  # type: ignore[arg-type]
    assert cells["formula"] == f"$f(x) = {spec.formula}$"  # entities decode to the LaTeX
    assert "1511.07289" in spec._repr_html_()
    assert cells["parameters"].startswith("alpha = 1 in (0, inf)")
    assert cells["kind"] == "function"


@pytest.mark.slow
def test_a_comparison_is_its_table_in_html(tmp_path):
    result = actlab.compare(["relu", "tanh"], task="digits_mlp", epochs=1, seeds=2,
                            db=tmp_path / "a.db", quiet=True)  # fmt: skip
    parsed = Cells(result._repr_html_())
    header, *rows = parsed.rows
    assert header == list(SUMMARY_COLUMNS)
    assert rows == [list(summary_cells(row)) for row in result.table().itertuples()]
    assert [row[0] for row in rows] == ["relu", "tanh"]
    assert "against baseline relu, seeds 0, 1" in parsed.caption
