"""The catalog commands: list, show, docs and plot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from actlab.activation_spec import PROPERTIES, ActivationSpec, find_entry
from actlab.cli.common import (
    ImportOption,
    choice,
    console,
    err_console,
    fail,
    import_modules,
    one_line,
)

KINDS = ("function", "layer")


def _catalog(import_: list[str] | None) -> list[ActivationSpec]:
    """The built-in entries from the shipped index, or with `import_` the live registry
    after importing the user's modules (which need Keras)."""
    if not import_:
        from actlab import index

        return list(index.load().activations)
    import_modules(import_)
    from actlab import activations

    return activations.specs()


def list_activations(
    family: Annotated[str | None, typer.Option(help="Only this family (e.g. self_gated).")] = None,
    kind: Annotated[str | None, choice("--kind", KINDS, "Only entries of this kind.")] = None,
    prop: Annotated[
        str | None, typer.Option("--property", help="Only entries with this property.")
    ] = None,
    search: Annotated[str | None, typer.Option(help="Substring of the name or paper.")] = None,
    import_: ImportOption = None,
) -> None:
    """The activation catalog as a table."""
    entries = _catalog(import_)
    rows = _filtered(entries, family, kind, prop, search)
    table = Table(title=f"actlab catalog: {len(rows)} of {len(entries)} entries")
    table.add_column("name", no_wrap=True, style="bold")
    for column in ("kind", "family", "paper", "properties"):
        table.add_column(column, overflow="fold")
    for entry in rows:
        table.add_row(
            *map(
                Text,
                (
                    entry.name,
                    entry.kind,
                    entry.family,
                    _short_reference(entry),
                    ", ".join(sorted(entry.properties)),
                ),
            )
        )
    console.print(table)


def _short_reference(entry) -> str:
    ref = entry.reference
    if ref is None:
        return ""
    where = f"arXiv {ref.arxiv}" if ref.arxiv else (ref.title[:40] + "…" * (len(ref.title) > 40))
    return f"{where} ({ref.year})" if ref.year else where


def _title(entry) -> str:
    return entry.reference.title if entry.reference else ""


def _filtered(entries, family, kind, prop, search):
    if prop is not None and prop not in PROPERTIES:
        fail(f"unknown property {prop!r}; one of: {', '.join(sorted(PROPERTIES))}")
    needle = (search or "").lower()
    return [
        e
        for e in entries
        if (family is None or e.family == family)
        and (kind is None or e.kind == kind)
        and (prop is None or prop in e.properties)
        and (not needle or needle in e.name or needle in _title(e).lower())
    ]


def show(
    name: Annotated[str, typer.Argument(help="Catalog name or alias.")],
    import_: ImportOption = None,
) -> None:
    """Formula, paper, parameters and properties of one activation."""
    try:
        entry = find_entry(name, _catalog(import_))
    except ValueError as error:
        fail(str(error))
    console.print(Text(f"{entry.name} ({entry.kind}, family {entry.family})", style="bold"))
    if entry.summary:
        console.print(entry.summary, markup=False, highlight=False)
    console.print(f"formula: {entry.formula}", markup=False, highlight=False)
    if entry.aliases:
        console.print(f"aliases: {', '.join(entry.aliases)}", markup=False, highlight=False)
    if entry.reference:
        ref = entry.reference
        link = f"  {ref.link}" if ref.link else ""
        console.print(f"paper: {ref.cite()}{link}", markup=False, highlight=False)
    for p in entry.params:
        console.print(
            f"param {p.name} = {p.default:g}, allowed {p.range_text}. {p.doc}".rstrip(),
            markup=False,
            highlight=False,
        )
    console.print(
        f"properties: {', '.join(sorted(entry.properties)) or '-'}", markup=False, highlight=False
    )
    if entry.changes_shape:
        console.print("changes the shape of its input", markup=False, highlight=False)
    if entry.note:
        console.print(f"note: {entry.note}", markup=False, highlight=False)


def docs(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write.")] = Path(
        "docs/activations.md"
    ),
) -> None:
    """Write the catalog page (docs/activations.md): every built-in entry with its paper."""
    from actlab import index
    from actlab.index.catalog_page import render_markdown

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_markdown(index.load()), encoding="utf-8")
    console.print(f"wrote {output}", markup=False, highlight=False)


def plot(
    activations: Annotated[
        list[str], typer.Argument(help="Activations to draw; name or name:param=value,...")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Image file: .png, .svg or .pdf.")
    ] = Path("shapes.png"),
    derivative: Annotated[
        bool, typer.Option("--derivative", help="Also draw the first derivative.")
    ] = False,
    x_range: Annotated[
        tuple[float, float], typer.Option("--range", help="x from LOW to HIGH, e.g. --range -5 5.")
    ] = (-5.0, 5.0),
    import_: ImportOption = None,
) -> None:
    """Draw activation functions (and their derivatives) into an image file."""
    from actlab import plots

    import_modules(import_ or [])
    try:
        figure = plots.activation_shapes(activations, x_range=x_range, derivative=derivative)
        plots.save_figure(figure, output)
    except (ValueError, TypeError, OSError) as error:
        fail(one_line(error))
    err_console.print(f"wrote {output}", markup=False, highlight=False)
