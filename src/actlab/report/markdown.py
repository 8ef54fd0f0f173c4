"""A Document as Markdown with its figures as PNG files in a folder beside it."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from actlab.report.document import Code, Document, Image, Link, Paragraph, Table
from actlab.report.html import is_web_link

#: Characters that would start Markdown syntax; `_` only where it could open emphasis (not
#: inside a word such as fashion_mnist), `#` only at the start.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]|~]|(?<!\w)_|_(?!\w)|^#)")


def render_markdown(document: Document, image_folder: str) -> tuple[str, dict[str, bytes]]:
    """The Markdown text and its images (file name -> PNG bytes); links are relative to
    `image_folder`, the folder's name next to the Markdown file."""
    images: dict[str, bytes] = {}
    lines = [f"# {text(document.title)}", "", f"*{text(document.subtitle)}*", ""]
    for section in document.sections:
        lines += [f"## {text(section.title)}", ""]
        for block in section.blocks:
            lines += [*_block(block, image_folder, images), ""]
    return "\n".join(lines).rstrip() + "\n", images


def text(value: object) -> str:
    """Plain text safe in Markdown: no HTML, no emphasis, links or table breaks."""
    flat = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def _block(block, folder: str, images: dict[str, bytes]) -> list[str]:
    if isinstance(block, Paragraph):
        return [text(block.text)]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Image):
        return _image(block, folder, images)
    raise TypeError(f"cannot render {type(block).__name__}")


def _table(table: Table) -> list[str]:
    lines = [
        "| " + " | ".join(text(h) for h in table.headers) + " |",
        "|" + "|".join(" --- " for _ in table.headers) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    if table.caption:
        lines += ["", f"*{text(table.caption)}*"]
    return lines


def _cell(cell) -> str:
    if isinstance(cell, Code):
        return _code(cell.text)
    if isinstance(cell, Link):
        if not is_web_link(cell.url):
            return text(cell.text)
        return f"[{text(cell.text)}]({quote(cell.url, safe=':/?#=&%.-_~+')})"
    return text(cell)


def _code(value: str) -> str:
    """A code span (shown literally by Markdown) that survives inside a table."""
    flat = " ".join(str(value).split()).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    return f"{fence} {flat} {fence}"


def _image(image: Image, folder: str, images: dict[str, bytes]) -> list[str]:
    name = f"{len(images) + 1:02d}-{image.key}.png"
    images[name] = image.png
    target = quote(f"{folder}/{name}")
    caption = f"*{text(image.title)}.* {text(image.caption)}"
    return [f"![{text(image.title)}]({target})", "", caption]
