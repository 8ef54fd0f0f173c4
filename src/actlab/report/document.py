"""A report as plain data (sections of paragraphs, tables and images), for any renderer.

Every string here is plain text as it came (user-given names included); the HTML and
Markdown renderers escape it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Code:
    """Text shown verbatim in a monospace font (a formula, a config value)."""

    text: str


@dataclass(frozen=True)
class Link:
    """A hyperlink; only http(s) targets are rendered as links, others as text."""

    text: str
    url: str


Cell = str | Code | Link


@dataclass(frozen=True)
class Paragraph:
    text: str
    css_class: str = ""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: Sequence[Sequence[Cell]]
    caption: str = ""
    #: One CSS class per row (e.g. the verdict), or empty.
    row_classes: list[str] = field(default_factory=list)
    #: "numbers": cells are short and kept on one line.
    css_class: str = ""


@dataclass(frozen=True)
class Image:
    """A PNG figure: `key` names its file in the Markdown format."""

    key: str
    title: str
    caption: str
    png: bytes = field(repr=False)


Block = Paragraph | Table | Image


@dataclass(frozen=True)
class Section:
    title: str
    blocks: Sequence[Block]
    anchor: str = ""


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    sections: list[Section]
