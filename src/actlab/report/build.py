"""`write_report`: a comparison of the results store as one HTML page or Markdown + PNGs."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from actlab.experiments.store import DEFAULT_DB
from actlab.report.content import build_document
from actlab.report.data import ReportError, load_comparison
from actlab.report.document import Document
from actlab.report.figures import report_figures
from actlab.report.html import render_html
from actlab.report.markdown import render_markdown

FORMATS = ("html", "markdown")


def build_report(
    db: str | Path = DEFAULT_DB,
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
    db: str | Path = DEFAULT_DB,
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
    ``<stem>_files/`` of PNGs beside it, linked relatively (ready for a blog post). Each file
    is written whole or not at all (`write_atomically`): a kill or a full disk leaves the
    previous report as it was.
    """
    _check_format(output_format)
    document = build_report(db, name, baseline=baseline, band=band, confusion=confusion,
                            data_dir=data_dir)  # fmt: skip
    return write_document(document, output, output_format)


def write_document(document: Document, output: str | Path, output_format: str) -> list[Path]:
    """Write any report `document` as `write_report` does; return the files written."""
    _check_format(output_format)
    output = Path(output)
    _make_folder(output.parent)
    if output_format == "html":
        write_atomically(output, render_html(document).encode("utf-8"))
        return [output]
    return _write_markdown(document, output)


def _check_format(output_format: str) -> None:
    if output_format not in FORMATS:
        raise ReportError(f"format must be one of {', '.join(FORMATS)}, got {output_format!r}")


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path`, then rename it over `path`.

    An error names the file (ReportError), and leaves no temporary file behind.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ReportError(_cannot_write(path, error)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReportError(_cannot_write(folder, error)) from None


def _cannot_write(path: Path, error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return f"cannot write {path}: the disk is full; free space on it and run again"
    return f"cannot write {path}: {error.strerror or error}; choose another -o path"


def image_folder(output: Path) -> Path:
    """Where the Markdown format puts its PNGs: ``report.md`` -> ``report_files/``."""
    return output.with_name(f"{output.stem}_files")


def _write_markdown(document: Document, output: Path) -> list[Path]:
    folder = image_folder(output)
    text, images = render_markdown(document, folder.name)
    _make_folder(folder)
    written = []
    for file_name, png in images.items():
        path = folder / file_name
        write_atomically(path, png)
        written.append(path)
    write_atomically(output, text.encode("utf-8"))
    return [output, *written]
