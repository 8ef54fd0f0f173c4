"""``python -m actlab.index``: rewrite index.json and docs/activations.md from the registries.

Run it after adding or changing a catalog entry or a built-in task, and commit both files.
"""

from pathlib import Path

from actlab.index import INDEX_FILE, build, dumps
from actlab.index.catalog_page import render_markdown

CATALOG_PAGE = Path(__file__).resolve().parents[3] / "docs" / "activations.md"

index = build()
INDEX_FILE.write_text(dumps(index), encoding="utf-8")
CATALOG_PAGE.write_text(render_markdown(index), encoding="utf-8")
print(f"wrote {INDEX_FILE} and {CATALOG_PAGE}")
