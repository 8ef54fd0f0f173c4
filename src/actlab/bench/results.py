"""A benchmark's result: header (machine, versions, settings), a table, notes; JSON and Markdown.

``write(folder)`` puts ``<stem>.json`` (every number, the raw samples included) and
``<stem>.md`` (the header and the table) there, the stem ``ops-<backend>`` or
``models-<task>-<backend>``; ``rich_table()`` is the terminal form.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from actlab.experiments import environment


@dataclass(frozen=True)
class Column:
    """A table column: `key` in each row, its `title`, the number format, what a gap means."""

    key: str
    title: str
    digits: int = 2
    missing: str = "—"


@dataclass
class BenchResult:
    kind: str
    title: str
    header: dict[str, Any]
    columns: list[Column]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    measurements: dict[str, Any] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        """``ops-<backend>``, ``models-<task>-<backend>``: one file per table."""
        task = self.header["settings"].get("task")
        return "-".join(part for part in (self.kind, task, self.header["backend"]) if part)

    def cell(self, row: dict[str, Any], column: Column) -> str:
        value = row.get(column.key)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return column.missing
        if isinstance(value, float):
            return f"{value:.{column.digits}f}"
        return str(value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "header": self.header,
            "columns": [{"key": c.key, "title": c.title} for c in self.columns],
            "rows": self.rows,
            "notes": self.notes,
            "measurements": self.measurements,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def header_lines(self) -> list[str]:
        h = self.header
        versions = ", ".join(f"{k} {v}" for k, v in h["versions"].items())
        machine = h["machine"]
        settings = ", ".join(f"{k} {v}" for k, v in h["settings"].items())
        xla = f" (XLA_FLAGS: {h['xla_flags']})" if h.get("xla_flags") else ""
        return [
            f"backend: {h['backend']} on {h['device']}{xla}",
            f"machine: {machine['processor']}, {machine['cpus']} cores, {machine['platform']}",
            f"versions: {versions}",
            f"settings: {settings}",
            f"date: {h['date']}",
        ]

    def to_markdown(self) -> str:
        lines = [f"## {self.title}", "", *(f"- {line}" for line in self.header_lines()), ""]
        lines.append("| " + " | ".join(c.title for c in self.columns) + " |")
        lines.append("|" + "---|" * len(self.columns))
        for row in self.rows:
            lines.append("| " + " | ".join(self.cell(row, c) for c in self.columns) + " |")
        for note in self.notes:
            lines += ["", note]
        return "\n".join(lines).rstrip() + "\n"

    def rich_table(self) -> Table:
        table = Table(title=Text(self.title), caption=Text("\n".join(self.header_lines())))
        for column in self.columns:
            table.add_column(column.title, justify="left" if column is self.columns[0] else "right")
        for row in self.rows:
            table.add_row(*(Text(self.cell(row, c)) for c in self.columns))
        return table

    def write(self, folder: Path) -> list[Path]:
        """Write ``<stem>.json`` and ``.md`` into `folder` (made if missing)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for suffix, text in ((".json", self.to_json()), (".md", self.to_markdown())):
            path = folder / f"{self.stem}{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
        return written


def header(settings: dict[str, Any]) -> dict[str, Any]:
    """The shared environment description (`experiments.environment`), settings and date."""
    described = environment.describe()
    return {
        "backend": described["backend"],
        "device": described["device"],
        "xla_flags": described["xla_flags"],
        "dtype_policy": described["dtype_policy"],
        "versions": described["versions"],
        "machine": described["machine"],
        "settings": settings,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
