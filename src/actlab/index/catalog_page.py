"""docs/activations.md, the catalog as one Markdown page, rendered from an index.

``python -m actlab.index`` writes it from the live registry; `actlab docs` writes the
shipped index's page anywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from actlab.activation_spec import ActivationSpec

if TYPE_CHECKING:
    from actlab.index import Index

HEADER = """# The activation catalog

Generated from the registry by `python -m actlab.index`; do not edit by hand (a test fails
when this file is stale). {count} entries: {functions} functions (usable as
`activations.get(name)`, as `keras.layers.Dense(..., activation="name")` after
`import actlab`, and as `activations.layer(name)`) and {layers} learnable layers
(`activations.layer(name)` only).

Names marked **Keras** are also Keras 3 built-in activation strings: as a *string* they keep
Keras' meaning; `activations.get(name)` / `activations.layer(name)` give actlab's definition,
and the notes below say where the two differ.

| name | formula | paper | properties |
|---|---|---|---|
"""


def render_markdown(index: Index) -> str:
    """The whole catalog page of `index`'s activations as Markdown."""
    builtin = index.activations
    functions = sum(s.kind == "function" for s in builtin)
    text = HEADER.format(count=len(builtin), functions=functions, layers=len(builtin) - functions)
    text += "".join(_row(s, s.name in index.keras_names) for s in builtin)
    notes = [s for s in builtin if s.note]
    if notes:
        text += "\n## Notes\n\n" + "".join(f"- **{s.name}**: {_cell(s.note)}\n" for s in notes)
    return text


def _row(entry: ActivationSpec, keras_defines: bool) -> str:
    name = f"`{entry.name}`"
    if entry.kind == "layer":
        name += " (layer)"
    if keras_defines:
        name += " **Keras**"
    if entry.aliases:
        name += "<br>alias: " + ", ".join(f"`{a}`" for a in entry.aliases)
    if entry.params:
        name += "<br>" + ", ".join(f"{p.name}={p.default:g} {p.range_text}" for p in entry.params)
    return f"| {name} | ${_cell(entry.formula)}$ | {_paper(entry)} | {_props(entry)} |\n"


def _paper(entry: ActivationSpec) -> str:
    ref = entry.reference
    if ref is None:
        return ""
    year = f" ({ref.year})" if ref.year else ""
    title = _cell(ref.title)
    label = f"[{title}]({ref.link})" if ref.link else title
    ident = f", arXiv {ref.arxiv}" if ref.arxiv else ""
    return f"{label}{year}{ident}"


def _props(entry: ActivationSpec) -> str:
    return ", ".join(sorted(entry.properties))


def _cell(text: str) -> str:
    return text.replace("|", r"\vert ").replace("\n", " ")
