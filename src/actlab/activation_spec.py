"""Metadata of a catalog entry: its parameters, its paper and its properties, and its name.

Nothing here needs Keras: the shipped index (`actlab.index`) builds these from data."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from actlab.checks import did_you_mean, in_interval, interval_text, is_real

#: Properties an entry may declare. Each is checked numerically by the test suite.
PROPERTIES = {
    "bounded": "output lies in a finite interval",
    "bounded_below": "output has a finite lower bound",
    "bounded_above": "output has a finite upper bound",
    "monotonic": "non-decreasing in its input",
    "smooth": "continuously differentiable everywhere (C1 at least)",
    "zero_centred": "f(0) = 0 and the output takes both signs",
    "self_gated": "of the form x * gate(x)",
    "piecewise_linear": "made of straight pieces",
    "learnable": "has trainable weights",
    "stochastic": "random in training",
    "periodic_component": "contains a periodic term",
    "per_sample": "depends on other units of the same sample, not only on x",
}


class UnknownActivationError(ValueError):
    """Raised for a name that is neither a catalog name nor an alias."""


def canonical(name: str) -> str:
    """Lowercase snake_case form of a user-typed name ("Leaky-ReLU" -> "leaky_relu")."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def resolve_name(name: str, entries: Mapping[str, object], aliases: Mapping[str, str]) -> str:
    """The canonical name `name` stands for among `entries` (by name) and `aliases`, or
    `UnknownActivationError` naming the closest ones."""
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string, got {type(name).__name__}")
    key = canonical(name)
    if key in entries:
        return key
    if key in aliases:
        return aliases[key]
    hint = did_you_mean(key, [*entries, *aliases], n=5, cutoff=0.6)
    raise UnknownActivationError(
        f"unknown activation {name!r}.{hint} `actlab list` or activations.names() lists all "
        f"{len(entries)}."
    )


def find_entry(name: str, entries: Iterable[ActivationSpec]) -> ActivationSpec:
    """The entry among `entries` that `name` (a name or an alias, as a user types it) means."""
    by_name = {entry.name: entry for entry in entries}
    aliases = {alias: entry.name for entry in by_name.values() for alias in entry.aliases}
    return by_name[resolve_name(name, by_name, aliases)]


@dataclass(frozen=True)
class Reference:
    """Where an activation was published."""

    title: str
    year: int | None = None
    authors: str = ""
    arxiv: str | None = None
    doi: str | None = None
    url: str | None = None

    @property
    def link(self) -> str | None:
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url

    def cite(self) -> str:
        parts = [p for p in (self.authors, self.title, str(self.year or "")) if p]
        return ", ".join(parts)


@dataclass(frozen=True)
class Param:
    """A numeric parameter with its default and its allowed range."""

    name: str
    default: float
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    doc: str = ""
    integer: bool = False

    @property
    def range_text(self) -> str:
        return interval_text(self.low, self.high, self.low_open, self.high_open)

    def validate(self, value: Any, owner: str) -> float | int:
        """Return `value` as a number, or raise naming the parameter and its range."""
        if not is_real(value):
            raise TypeError(
                f"{owner}: parameter {self.name!r} must be a real number in "
                f"{self.range_text}, got {type(value).__name__} {value!r}"
            )
        if self.integer and (not math.isfinite(value) or int(value) != value):
            raise ValueError(f"{owner}: parameter {self.name!r} must be an integer, got {value!r}")
        value = int(value) if self.integer else float(value)
        if not in_interval(value, self.low, self.high, self.low_open, self.high_open):
            raise ValueError(
                f"{owner}: parameter {self.name!r}={value!r} is outside its allowed "
                f"range {self.range_text}"
            )
        return value


@dataclass(frozen=True)
class ActivationSpec:
    """Everything the catalog knows about one activation."""

    name: str
    formula: str
    reference: Reference | None
    family: str
    kind: Literal["function", "layer"]
    params: tuple[Param, ...] = ()
    aliases: tuple[str, ...] = ()
    properties: frozenset[str] = frozenset()
    changes_shape: bool = False
    summary: str = ""
    note: str = ""
    builtin: bool = True
    fn: Callable | None = field(default=None, repr=False, compare=False)
    layer_class: type | None = field(default=None, repr=False, compare=False)

    @property
    def function(self) -> Callable:
        """The entry's function; a layer-only entry (learnable weights) has none."""
        if self.fn is None:
            raise ValueError(
                f"{self.name!r} is a layer with trainable weights, not a function: use "
                f"activations.layer({self.name!r})."
            )
        return self.fn

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    def _repr_html_(self) -> str:
        """The entry as an HTML table in a notebook, its formula for MathJax."""
        from actlab.notebook import spec_html

        return spec_html(self)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        allowed = ", ".join(p.name for p in self.params) or "none"
        raise TypeError(f"{self.name}: unknown parameter {name!r} (its parameters: {allowed})")

    def validate_params(self, params: dict[str, Any]) -> dict[str, float]:
        """Defaults overridden by `params`, each checked against its range."""
        checked = dict(self.defaults)
        for key, value in params.items():
            checked[key] = self.param(key).validate(value, self.name)
        return checked
