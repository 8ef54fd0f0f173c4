"""A report page parsed into what the tests look at: tags, sections, tables, images."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Page:
    tags: list[tuple[str, dict]] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    text: str = ""
    tables_by_heading: dict[str, list] = field(default_factory=dict)

    def images(self) -> list[dict]:
        return [attrs for tag, attrs in self.tags if tag == "img"]

    def png_images(self) -> list[bytes]:
        prefix = "data:image/png;base64,"
        return [base64.b64decode(img["src"][len(prefix):]) for img in self.images()
                if img["src"].startswith(prefix)]  # fmt: skip

    def table_after(self, heading: str) -> list[list[str]]:
        """The first table of the section called `heading` (rows of cell texts)."""
        return self.tables_by_heading[heading][0]


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._heading = ""
        self._in = {"h2": False, "td": False, "th": False}
        self._cell = ""
        self._texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.page.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.page.tables.append([])
            self.page.tables_by_heading.setdefault(self._heading, []).append(self.page.tables[-1])
        elif tag == "tr":
            self.page.tables[-1].append([])
        if tag in self._in:
            self._in[tag] = True
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "h2":
            self._heading = self._cell.strip()
            self.page.headings.append(self._heading)
        elif tag in ("td", "th"):
            self.page.tables[-1][-1].append(self._cell.strip())
        if tag in self._in:
            self._in[tag] = False

    def handle_data(self, data):
        self._texts.append(data)
        if any(self._in.values()):
            self._cell += data


def parse(html_text: str) -> Page:
    parser = _Parser()
    parser.feed(html_text)
    parser.page.text = "".join(parser._texts)
    return parser.page
