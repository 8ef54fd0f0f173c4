"""docs/activations.md is generated from the registry and must not go stale."""

from __future__ import annotations

from pathlib import Path

from actlab import activations, index
from actlab.index.catalog_page import render_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "activations.md"


def test_catalog_page_is_up_to_date():
    assert DOCS.exists(), "docs/activations.md is missing: run `python -m actlab.index`"
    assert DOCS.read_text(encoding="utf-8") == render_markdown(index.build()), (
        "docs/activations.md is stale: run `python -m actlab.index` and commit the result"
    )


def test_catalog_page_lists_every_builtin_entry_with_its_paper():
    page = render_markdown(index.build())
    for entry in activations.specs():
        if not entry.builtin:
            continue
        assert f"`{entry.name}`" in page
        if entry.reference and entry.reference.arxiv:
            assert f"https://arxiv.org/abs/{entry.reference.arxiv}" in page


def test_keras_names_are_marked_and_explained():
    page = render_markdown(index.build())
    assert "`hard_sigmoid` **Keras**" in page
    assert "- **hard_sigmoid**:" in page  # the note on where Keras' string differs
    assert "`tanhexp` **Keras**" not in page
