"""HTML of actlab's objects in a notebook: a comparison's table, an activation's entry.

Jupyter shows an object's ``_repr_html_``; `ComparisonResult` and `ActivationSpec` return
these. Formulas are LaTeX between ``$`` signs, which Jupyter's MathJax renders.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actlab.activation_spec import ActivationSpec
    from actlab.experiments.result import ComparisonResult


def comparison_html(result: ComparisonResult) -> str:
    """The comparison's table (the columns of ``actlab compare``) as an HTML table."""
    from actlab.experiments.tables import SUMMARY_COLUMNS, summary_cells, unpaired_note

    summary = result.table()
    head = "".join(f"<th>{escape(column)}</th>" for column in SUMMARY_COLUMNS)
    rows = []
    for row in summary.itertuples():
        label, *cells = summary_cells(row)
        rows.append(f"<tr><th>{escape(str(label))}</th>{_cells(cells)}</tr>")
    caption = (
        f"{result.name}: {', '.join(result.labels)} against baseline {result.baseline}, "
        f"seeds {', '.join(map(str, result.seeds))}, test {result.test} ({result.db})"
    )
    note = unpaired_note(summary)
    return (
        f'<table class="actlab-comparison"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<p>{escape(note)}</p>" if note else "")
    )


def spec_html(spec: ActivationSpec) -> str:
    """An activation's catalog entry: formula, paper, parameters, kind, properties."""
    rows = [("formula", f"${escape(_formula(spec.formula))}$")]
    if spec.reference is not None:
        cite = escape(spec.reference.cite())
        link = spec.reference.link
        rows.append(("paper", f'<a href="{escape(link)}">{cite}</a>' if link else cite))
    if spec.params:
        rows.append(("parameters", "<br>".join(
            escape(f"{p.name} = {p.default:g} in {p.range_text}" + (f": {p.doc}" if p.doc else ""))
            for p in spec.params
        )))  # fmt: skip
    rows.append(("kind", escape(spec.kind + (", changes the shape" if spec.changes_shape else ""))))
    rows.append(("family", escape(spec.family)))
    if spec.properties:
        rows.append(("properties", escape(", ".join(sorted(spec.properties)))))
    if spec.aliases:
        rows.append(("aliases", escape(", ".join(spec.aliases))))
    if spec.summary:
        rows.append(("summary", escape(spec.summary)))
    body = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return (
        f'<table class="actlab-activation"><caption>{escape(spec.name)}</caption>'
        f"<tbody>{body}</tbody></table>"
    )


def _formula(latex: str) -> str:
    """``f(x) = ...`` unless the formula already says what it equals."""
    return latex if "=" in latex.split("\\\\")[0][:12] else f"f(x) = {latex}"


def _cells(cells: Iterable[str]) -> str:
    return "".join(f"<td>{escape(str(cell))}</td>" for cell in cells)
