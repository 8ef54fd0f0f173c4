"""Reports of a comparison: one self-contained HTML page, or Markdown with PNGs for a blog.

>>> report.write_report("report.html", db="actlab.db")                # the store's only one
>>> report.write_report("post.md", db="actlab.db", name="fashion_mnist_mlp",
...                     output_format="markdown")                      # post.md + post_files/
"""

from actlab.report.build import (
    FORMATS,
    build_report,
    image_folder,
    write_document,
    write_report,
)
from actlab.report.data import ComparisonData, ReportError, load_comparison, resolve_baseline
from actlab.report.document import Document
from actlab.report.html import render_html
from actlab.report.markdown import render_markdown

__all__ = [
    "FORMATS",
    "ComparisonData",
    "Document",
    "ReportError",
    "build_report",
    "image_folder",
    "load_comparison",
    "render_html",
    "render_markdown",
    "resolve_baseline",
    "write_document",
    "write_report",
]
