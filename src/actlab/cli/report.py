"""The report command: a comparison as one HTML file, or Markdown and PNGs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from actlab.cli.common import (
    DEFAULT_DB,
    DataDirOption,
    DbOption,
    ImportOption,
    choice,
    err_console,
    fail,
    import_modules,
    one_line,
)

# As actlab.report defines them (report.build.FORMATS, plots.curves.BANDS,
# report.figures.CONFUSION_MODES).
FORMATS = ("html", "markdown")
BANDS = ("std", "ci95")
CONFUSION_MODES = ("sum", "best")


def report(
    db: DbOption = DEFAULT_DB,
    name: Annotated[
        str | None, typer.Option(help="Comparison (default: the store's only one).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Default: report.html, or report.md for markdown."),
    ] = None,
    output_format: Annotated[
        str, choice("--format", FORMATS, "One self-contained HTML file, or Markdown + PNGs.")
    ] = "html",
    baseline: Annotated[
        str | None, typer.Option(help="Default: the comparison's baseline, else the first.")
    ] = None,
    band: Annotated[str, choice("--band", BANDS, "Learning-curve band.")] = "std",
    confusion: Annotated[
        str,
        choice(
            "--confusion",
            CONFUSION_MODES,
            "Confusion matrices: summed over seeds, or the best seed's.",
        ),
    ] = "sum",
    data_dir: DataDirOption = None,
    import_: ImportOption = None,
) -> None:
    """A comparison as one self-contained HTML report (or Markdown + PNGs for a blog post)."""
    from actlab import report as reports
    from actlab.experiments import StoreError

    import_modules(import_ or [])
    suffix = ".md" if output_format == "markdown" else ".html"
    target = output or Path("report" + suffix)
    try:
        written = reports.write_report(
            target, db, name, output_format=output_format, baseline=baseline, band=band,
            confusion=confusion, data_dir=data_dir,
        )  # fmt: skip
    except (ValueError, TypeError, OSError, StoreError) as error:
        fail(one_line(error))
    extra = f" and {len(written) - 1} images in {written[1].parent}" if len(written) > 1 else ""
    err_console.print(f"wrote {target}{extra}", markup=False, highlight=False)
