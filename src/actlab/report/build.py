"""`write_report`: a comparison of the results store as one HTML page or Markdown + PNGs."""

from __future__ import annotations

from pathlib import Path

from actlab.report.content import build_document
from actlab.report.data import ReportError, load_comparison
from actlab.report.document import Document
from actlab.report.figures import report_figures
from actlab.report.html import render_html
from actlab.report.markdown import render_markdown

FORMATS = ("html", "markdown")


def build_report(
    db: str | Path = "actlab.db",
    name: str | None = None,
    *,
    baseline: str | None = None,
    band: str = "std",
    confusion: str = "sum",
    data_dir: str | Path | None = None,
) -> Document:
    """The report of comparison `name` in `db` (the store's only comparison if None)."""
    data = load_comparison(db, name, baseline)
    figures = report_figures(data, band=band, confusion=confusion, data_dir=data_dir)
    return build_document(data, figures)


def write_report(
    output: str | Path,
    db: str | Path = "actlab.db",
    name: str | None = None,
    *,
    output_format: str = "html",
    baseline: str | None = None,
    band: str = "std",
    confusion: str = "sum",
    data_dir: str | Path | None = None,
) -> list[Path]:
    """Write the report to `output`; return the files written.

    ``"html"``: one self-contained page. ``"markdown"``: `output` plus a folder
    ``<stem>_files/`` of PNGs beside it, linked relatively (ready for a blog post).
    """
    if output_format not in FORMATS:
        raise ReportError(f"format must be one of {', '.join(FORMATS)}, got {output_format!r}")
    document = build_report(db, name, baseline=baseline, band=band, confusion=confusion,
                            data_dir=data_dir)  # fmt: skip
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output_format == "html":
        output.write_text(render_html(document), encoding="utf-8")
        return [output]
    return _write_markdown(document, output)


def image_folder(output: Path) -> Path:
    """Where the Markdown format puts its PNGs: ``report.md`` -> ``report_files/``."""
    return output.with_name(f"{output.stem}_files")


def _write_markdown(document: Document, output: Path) -> list[Path]:
    folder = image_folder(output)
    text, images = render_markdown(document, folder.name)
    folder.mkdir(exist_ok=True)
    written = []
    for file_name, png in images.items():
        path = folder / file_name
        path.write_bytes(png)
        written.append(path)
    output.write_text(text, encoding="utf-8")
    return [output, *written]
