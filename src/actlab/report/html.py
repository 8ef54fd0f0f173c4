"""A Document as one self-contained HTML page (every text escaped, images as data URIs)."""

from __future__ import annotations

import base64
import html
import re

from actlab import __version__
from actlab.report.document import Code, Document, Image, Link, Paragraph, Section, Table
from actlab.report.template import CONTENT_SECURITY_POLICY, CSS, PAGE


def escape(text: object) -> str:
    """`text` safe inside HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def render_html(document: Document) -> str:
    """The whole page."""
    return PAGE.substitute(
        csp=CONTENT_SECURITY_POLICY,
        version=escape(__version__),
        title=escape(document.title),
        subtitle=escape(document.subtitle),
        css=CSS.strip(),
        nav=" ".join(_nav_link(section) for section in document.sections if section.anchor),
        body="\n".join(_section(section) for section in document.sections),
    )


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _nav_link(section: Section) -> str:
    return f'<a href="#{_css_name(section.anchor)}">{escape(section.title)}</a>'


def _section(section: Section) -> str:
    anchor = f' id="{_css_name(section.anchor)}"' if section.anchor else ""
    blocks = "\n".join(_block(block) for block in section.blocks)
    return f"<section{anchor}>\n<h2>{escape(section.title)}</h2>\n{blocks}\n</section>"


def _block(block) -> str:
    if isinstance(block, Paragraph):
        css = f' class="{_css_name(block.css_class)}"' if block.css_class else ""
        return f"<p{css}>{escape(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Image):
        return _figure(block)
    raise TypeError(f"cannot render {type(block).__name__}")


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    rows = []
    for index, row in enumerate(table.rows):
        css = table.row_classes[index] if index < len(table.row_classes) else ""
        attribute = f' class="{_css_name(css)}"' if css else ""
        rows.append(f"<tr{attribute}>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>")
    caption = f'\n<p class="caption">{escape(table.caption)}</p>' if table.caption else ""
    body = "\n".join(rows)
    css = f' class="{_css_name(table.css_class)}"' if table.css_class else ""
    return (
        f"<table{css}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
        + caption
    )


def _cell(cell) -> str:
    if isinstance(cell, Code):
        return f"<code>{escape(cell.text)}</code>"
    if isinstance(cell, Link):
        if not is_web_link(cell.url):
            return escape(cell.text)
        return f'<a href="{escape(cell.url)}" rel="noreferrer noopener">{escape(cell.text)}</a>'
    return escape(cell)


def _figure(image: Image) -> str:
    width, height = png_size(image.png)
    return (
        f'<figure id="figure-{_css_name(image.key)}">\n'
        f'<img src="{png_data_uri(image.png)}" alt="{escape(image.title)}" width="{width}" '
        f'height="{height}">\n'
        f"<figcaption><strong>{escape(image.title)}.</strong> {escape(image.caption)}"
        "</figcaption>\n</figure>"
    )


def is_web_link(url: str) -> bool:
    return bool(re.match(r"https?://[^\s\"'<>]+$", str(url)))


def _css_name(text: str) -> str:
    """A class or id made only of [a-z0-9-] (from our own keys, defensively)."""
    return re.sub(r"[^a-z0-9-]+", "-", str(text).lower()).strip("-") or "x"
