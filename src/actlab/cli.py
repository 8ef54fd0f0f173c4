"""The `actlab` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Try, compare and tune neural-network activation functions.",
)
console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    """One-line error on stderr and a non-zero exit."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@app.command("list")
def list_activations(
    family: Annotated[str | None, typer.Option(help="Only this family (e.g. self_gated).")] = None,
    kind: Annotated[str | None, typer.Option(help="'function' or 'layer'.")] = None,
    prop: Annotated[
        str | None, typer.Option("--property", help="Only entries with this property.")
    ] = None,
    search: Annotated[str | None, typer.Option(help="Substring of the name or paper.")] = None,
) -> None:
    """The activation catalog as a table."""
    from actlab import activations

    rows = _filtered(activations.specs(), family, kind, prop, search)
    table = Table(title=f"actlab catalog: {len(rows)} of {len(activations.names())} entries")
    table.add_column("name", no_wrap=True, style="bold")
    for column in ("kind", "family", "paper", "properties"):
        table.add_column(column, overflow="fold")
    for entry in rows:
        table.add_row(
            entry.name, entry.kind, entry.family, _short_reference(entry),
            ", ".join(sorted(entry.properties)),
        )  # fmt: skip
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
    if kind not in (None, "function", "layer"):
        fail(f"--kind must be 'function' or 'layer', got {kind!r}")
    from actlab.activations import PROPERTIES

    if prop is not None and prop not in PROPERTIES:
        fail(f"unknown property {prop!r}; one of: {', '.join(sorted(PROPERTIES))}")
    needle = (search or "").lower()
    return [
        e for e in entries
        if (family is None or e.family == family)
        and (kind is None or e.kind == kind)
        and (prop is None or prop in e.properties)
        and (not needle or needle in e.name or needle in _title(e).lower())
    ]  # fmt: skip


@app.command()
def show(name: Annotated[str, typer.Argument(help="Catalog name or alias.")]) -> None:
    """Formula, paper, parameters and properties of one activation."""
    from actlab import activations

    try:
        entry = activations.spec(name)
    except ValueError as error:
        fail(str(error))
    console.print(f"[bold]{entry.name}[/] ({entry.kind}, family {entry.family})", highlight=False)
    if entry.summary:
        console.print(entry.summary, highlight=False)
    console.print(f"formula: {entry.formula}", highlight=False)
    if entry.aliases:
        console.print(f"aliases: {', '.join(entry.aliases)}")
    if entry.reference:
        ref = entry.reference
        link = f"  {ref.link}" if ref.link else ""
        console.print(f"paper: {ref.cite()}{link}", highlight=False)
    for p in entry.params:
        console.print(f"param {p.name} = {p.default:g}, allowed {p.range_text}. {p.doc}".rstrip())
    console.print(f"properties: {', '.join(sorted(entry.properties)) or '-'}")
    if entry.changes_shape:
        console.print("changes the shape of its input")
    if entry.note:
        console.print(f"note: {entry.note}", highlight=False)


@app.command()
def docs(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write.")] = Path(
        "docs/activations.md"
    ),
) -> None:
    """Regenerate the catalog page (docs/activations.md) from the registry."""
    from actlab.activations.catalog_docs import render_markdown

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_markdown(), encoding="utf-8")
    console.print(f"wrote {output}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
