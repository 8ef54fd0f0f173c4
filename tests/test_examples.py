"""examples/compare.ipynb runs end to end in a Jupyter kernel, and shows what it promises."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).parents[1] / "examples" / "compare.ipynb"

pytestmark = pytest.mark.slow


def _html(cell) -> str:
    """The HTML the cell's outputs end with (display updates applied by nbclient)."""
    html = [o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
    assert html, f"no HTML output from {cell.source!r}"
    return html[-1]


def _cell(notebook, source: str):
    """The code cell whose source is `source`, or starts with it when `source` ends in "("."""
    return next(
        c for c in notebook.cells
        if c.cell_type == "code"
        and (c.source.startswith(source) if source.endswith("(") else c.source == source)
    )  # fmt: skip


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    return notebook, folder


def test_the_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def test_every_cell_runs_without_error(executed):
    notebook, folder = executed
    errors = [
        o for c in notebook.cells for o in c.get("outputs", []) if o["output_type"] == "error"
    ]
    assert errors == []
    assert (folder / "compare.db").is_file()  # the runs are kept beside the notebook


def test_the_progress_bar_ends_with_every_run(executed):
    html = _html(_cell(executed[0], "result = actlab.compare("))
    assert '<progress value="4" max="4"' in html
    assert "4/4 runs" in html
    for label in ("relu", "tanhexp"):
        for seed in (0, 1):
            assert f"{label} seed {seed}: test accuracy" in html


def test_the_result_and_the_activation_render_as_html_tables(executed):
    notebook, _ = executed
    table = _html(_cell(notebook, "result"))
    assert 'class="actlab-comparison"' in table
    assert "<th>relu</th>" in table and "<th>tanhexp</th>" in table
    spec = _html(_cell(notebook, 'activations.spec("tanhexp")'))
    assert 'class="actlab-activation"' in spec
    assert "$f(x) = " in spec
