"""Creating and removing the comparisons of a store (a part of `Store`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from .codecs import now, to_json
from .connection import inserted_id
from .errors import ComparisonMismatchError


class ComparisonWrites:
    """The comparisons' writes of a `Store`, which provides `path` and `_write`."""

    path: Path

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def create_comparison(
        self,
        name: str,
        task: str,
        config: Mapping[str, Any] | None = None,
        *,
        replace_config: bool = False,
    ) -> int:
        """Id of comparison `name`, created if new.

        An existing comparison must have the same task, and the same config unless
        `replace_config` is true (then the stored config is replaced by `config`).
        """
        config_json = to_json(config or {})
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, task, config FROM comparisons WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO comparisons (name, task, config, created) VALUES (?, ?, ?, ?)",
                    (name, task, config_json, now()),
                )
                return inserted_id(cursor)
            comparison_id, stored_task, stored_config = row
            if stored_task != task:
                raise ComparisonMismatchError(
                    f"comparison {name!r} in {self.path} is for task {stored_task!r}, not "
                    f"{task!r}; choose another comparison name."
                )
            if stored_config != config_json:
                if not replace_config:
                    changed = _changed_keys(json.loads(stored_config), json.loads(config_json))
                    raise ComparisonMismatchError(
                        f"comparison {name!r} in {self.path} was run with another config "
                        f"(differs in: {', '.join(changed)}); choose another comparison name."
                    )
                conn.execute(
                    "UPDATE comparisons SET config = ? WHERE id = ?", (config_json, comparison_id)
                )
            return int(comparison_id)

    def delete_comparison_if_empty(self, comparison_id: int) -> bool:
        """Remove the comparison if it holds no run (nothing is lost); whether it was."""
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM comparisons WHERE id = ?"
                " AND NOT EXISTS (SELECT 1 FROM runs WHERE comparison_id = ?)",
                (comparison_id, comparison_id),
            )
            return cursor.rowcount > 0


def _changed_keys(old: Any, new: Any, prefix: str = "") -> list[str]:
    """The keys whose values differ, those of nested dicts as dotted paths (task.epochs)."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return [prefix[:-1] or "config"]
    return [
        changed for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key)
        for changed in _changed_keys(old.get(key), new.get(key), f"{prefix}{key}.")
    ]  # fmt: skip
