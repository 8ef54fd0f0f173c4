"""The shipped index: the catalog's and the tasks' metadata as data (``index.json``).

The commands that train nothing (`actlab list`, `show`, `docs`, `tasks`) read it instead of
the live registries, whose functions, layers and models need Keras, which starts its backend
(seconds, and hundreds of MB) and may not even be installed. ``python -m actlab.index``
writes it, and docs/activations.md, from the live registries; a test fails when either is
stale. A user's own entries and tasks (``--import``) are in the live registries only.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from typing import Any

from actlab.activation_spec import ActivationSpec, Param, Reference

INDEX_FILE = Path(__file__).with_name("index.json")


@dataclasses.dataclass(frozen=True)
class Index:
    """The built-in activations (as `ActivationSpec`s without their code) and tasks."""

    activations: tuple[ActivationSpec, ...]
    keras_names: frozenset[str]  # entries whose name is also a Keras activation string
    tasks: tuple[dict[str, Any], ...]  # each a `Task.to_dict()`

    def to_dict(self) -> dict[str, Any]:
        return {
            "activations": [_spec_to_dict(entry) for entry in self.activations],
            "keras_names": sorted(self.keras_names),
            "tasks": list(self.tasks),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Index:
        return cls(
            activations=tuple(_spec_from_dict(entry) for entry in data["activations"]),
            keras_names=frozenset(data["keras_names"]),
            tasks=tuple(data["tasks"]),
        )


@functools.cache
def load() -> Index:
    """The index shipped with this version of actlab."""
    return Index.from_dict(json.loads(INDEX_FILE.read_text(encoding="utf-8")))


def build() -> Index:
    """The index of the live registries (imports Keras and its backend)."""
    from actlab import activations, tasks
    from actlab.activations import keras_strings

    builtin = tuple(entry for entry in activations.specs() if entry.builtin)
    return Index(
        activations=builtin,
        keras_names=frozenset(e.name for e in builtin if keras_strings.keras_defines(e.name)),
        tasks=tuple(task.to_dict() for task in tasks.predefined()),
    )


def dumps(index: Index) -> str:
    """The text of ``index.json`` (stable: sorted by name, one entry per block)."""
    return json.dumps(index.to_dict(), indent=1, ensure_ascii=False) + "\n"


def _spec_to_dict(entry: ActivationSpec) -> dict[str, Any]:
    data = {
        f.name: getattr(entry, f.name)
        for f in dataclasses.fields(entry)
        if f.name not in ("fn", "layer_class", "builtin")
    }
    data["reference"] = dataclasses.asdict(entry.reference) if entry.reference else None
    data["params"] = [dataclasses.asdict(p) for p in entry.params]
    data["aliases"] = list(entry.aliases)
    data["properties"] = sorted(entry.properties)
    return data


def _spec_from_dict(data: dict[str, Any]) -> ActivationSpec:
    reference = data["reference"]
    return ActivationSpec(
        **{
            **data,
            "reference": Reference(**reference) if reference else None,
            "params": tuple(Param(**p) for p in data["params"]),
            "aliases": tuple(data["aliases"]),
            "properties": frozenset(data["properties"]),
        }
    )
