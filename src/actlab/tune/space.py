"""What a study searches: the activation (one, or a choice), its parameters, the learning rate.

Each parameter's interval defaults to the catalog entry's declared range. A declared range is
often open or unbounded (ELU's alpha is in (0, inf)), and a sampler needs a finite interval,
so each side is chosen by one rule:

* a finite, closed bound is kept;
* an open finite bound moves a tenth of the way towards the default (leaky ReLU's
  (0, 1] is searched over [0.001, 1]; SMU's alpha in [0, 1) over [0, 0.925]);
* an unbounded side of a parameter that is positive there is the default ×/÷ 10 (ELU's alpha
  over [0.1, 10]); of any other, the default ± max(1, |default|).

An interval of positive values spanning more than a factor 10 is searched on a log scale.
``--param name=low:high[:log]`` replaces the interval; its bounds must lie inside the
declared range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from actlab import activations as catalog
from actlab.experiments import Candidate

#: The Optuna parameter that holds the chosen activation, with ``--choose``.
ACTIVATION_PARAM = "activation"
#: The Optuna parameter of the learning rate, with ``--tune-lr``.
LEARNING_RATE_PARAM = "learning_rate"
#: ``--tune-lr`` searches the task's learning rate ×/÷ this factor, on a log scale.
LEARNING_RATE_FACTOR = 10.0
_LOG_SPAN = 10.0


class TuneError(ValueError):
    """A tuning request that cannot be run: the message says what to change."""


@dataclass(frozen=True)
class Interval:
    """A sampled interval: ``[low, high]``, on a log scale if `log`, integers if `integer`."""

    low: float
    high: float
    log: bool = False
    integer: bool = False

    def suggest(self, trial, name: str) -> float | int:
        if self.integer:
            return trial.suggest_int(name, int(self.low), int(self.high), log=self.log)
        return trial.suggest_float(name, self.low, self.high, log=self.log)

    def text(self) -> str:
        return f"{self.low:g}:{self.high:g}" + (":log" if self.log else "")

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "log": self.log, "integer": self.integer}


@dataclass(frozen=True)
class RangeOverride:
    """One ``--param [activation.]name=low:high[:log]``, not yet checked against an entry."""

    text: str
    activation: str | None
    name: str
    low: float
    high: float
    log: bool

    @classmethod
    def parse(cls, text: str) -> RangeOverride:
        target, sep, bounds = text.partition("=")
        parts = bounds.split(":")
        scale = parts[2].strip().lower() if len(parts) == 3 else ""
        if not sep or not target.strip() or len(parts) not in (2, 3) or scale not in ("", "log"):
            raise TuneError(f"--param {text!r}: write it as name=low:high or name=low:high:log")
        try:
            low, high = float(parts[0]), float(parts[1])
        except ValueError:
            raise TuneError(f"--param {text!r}: low and high must be numbers") from None
        activation, _, name = target.strip().rpartition(".")
        return cls(text, activation or None, name, low, high, scale == "log")

    def interval_for(self, param: catalog.Param, owner: str) -> Interval:
        """The interval for `param` of entry `owner`, checked against its declared range."""
        where = f"--param {self.text!r}"
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low >= self.high:
            raise TuneError(f"{where}: low must be below high, both finite")
        if param.integer and not (self.low.is_integer() and self.high.is_integer()):
            raise TuneError(f"{where}: {owner}'s {param.name!r} is an integer; give whole bounds")
        for bound in (self.low, self.high):
            try:
                param.validate(bound, owner)
            except ValueError:
                raise TuneError(
                    f"{where}: {bound:g} is outside the allowed range {param.range_text} of "
                    f"{owner}'s {param.name!r}"
                ) from None
        if self.log and self.low <= 0:
            raise TuneError(f"{where}: a log scale needs low > 0")
        return Interval(self.low, self.high, self.log, param.integer)


def default_interval(param: catalog.Param) -> Interval:
    """The interval searched for `param` without ``--param`` (module docstring)."""
    default = param.default
    positive = param.low >= 0 and default > 0
    low = _near_bound(param.low, param.low_open, default)
    high = _near_bound(param.high, param.high_open, default)
    if low is None:
        low = default / _LOG_SPAN if positive else default - max(1.0, abs(default))
    if high is None:
        high = default * _LOG_SPAN if positive else default + max(1.0, abs(default))
    if param.integer:
        low, high = math.ceil(low), max(math.floor(high), math.ceil(low) + 1)
    log = low > 0 and high / low > _LOG_SPAN
    return Interval(low, high, log, param.integer)


def _near_bound(bound: float, is_open: bool, default: float) -> float | None:
    """A finite bound (an open one a tenth of the way towards the default); None if infinite."""
    if not math.isfinite(bound):
        return None
    return bound + (default - bound) / 10 if is_open else bound


@dataclass(frozen=True)
class SearchSpace:
    """The activations a study chooses among, each one's parameter intervals, and the
    learning-rate interval (None: the task's rate is kept)."""

    activations: tuple[str, ...]
    intervals: Mapping[str, Mapping[str, Interval]] = field(default_factory=dict)
    learning_rate: Interval | None = None

    @property
    def is_choice(self) -> bool:
        return len(self.activations) > 1

    def suggest(self, trial) -> tuple[Candidate, float | None]:
        """The trial's activation with its parameters, and its learning rate (or None).

        With a choice, each parameter is sampled only when its activation is chosen, under
        the name ``activation.param`` (so equal names of two entries stay apart).
        """
        name = self.activations[0]
        if self.is_choice:
            name = trial.suggest_categorical(ACTIVATION_PARAM, list(self.activations))
        params = {
            param: interval.suggest(trial, self.param_name(name, param))
            for param, interval in self.intervals[name].items()
        }
        rate = None
        if self.learning_rate is not None:
            rate = self.learning_rate.suggest(trial, LEARNING_RATE_PARAM)
        checked = catalog.spec(name).validate_params(params)
        return Candidate(name, {key: checked[key] for key in params}), rate

    def param_name(self, activation: str, param: str) -> str:
        return f"{activation}.{param}" if self.is_choice else param

    def to_dict(self) -> dict[str, Any]:
        return {
            "activations": list(self.activations),
            "intervals": {
                name: {param: interval.to_dict() for param, interval in by_param.items()}
                for name, by_param in self.intervals.items()
            },
            "learning_rate": None if self.learning_rate is None else self.learning_rate.to_dict(),
        }

    def describe(self) -> list[str]:
        """One line per searched dimension, e.g. ``elu.alpha: 0.1:10:log``."""
        lines = [f"{ACTIVATION_PARAM}: {', '.join(self.activations)}"] if self.is_choice else []
        for name, by_param in self.intervals.items():
            lines += [f"{self.param_name(name, p)}: {i.text()}" for p, i in by_param.items()]
        if self.learning_rate is not None:
            lines.append(f"{LEARNING_RATE_PARAM}: {self.learning_rate.text()}")
        return lines


def build_space(
    activations: Sequence[str],
    ranges: Iterable[str] = (),
    *,
    tune_learning_rate: bool = False,
    task_learning_rate: float = 1e-3,
) -> SearchSpace:
    """The search space of `activations` (one, or several to choose among) with the
    ``[activation.]name=low:high[:log]`` overrides in `ranges`; TuneError if any is wrong."""
    names = _canonical_names(activations)
    intervals = {name: _default_intervals(name) for name in names}
    seen: set[tuple[str, str]] = set()
    for override in map(RangeOverride.parse, ranges):
        for name in _targets(override, names):
            if (name, override.name) in seen:
                raise TuneError(f"--param {override.text!r}: {override.name!r} is given twice")
            seen.add((name, override.name))
            param = catalog.spec(name).param(override.name)
            intervals[name][override.name] = override.interval_for(param, name)
    rate = None
    if tune_learning_rate:
        rate = Interval(task_learning_rate / LEARNING_RATE_FACTOR,
                        task_learning_rate * LEARNING_RATE_FACTOR, log=True)  # fmt: skip
    return SearchSpace(tuple(names), intervals, rate)


def _canonical_names(activations: Sequence[str]) -> list[str]:
    if not activations:
        raise TuneError("give an activation to tune, or --choose a list of them")
    names: list[str] = []
    for text in activations:
        if ":" in text:
            raise TuneError(
                f"{text!r}: give the activation's name alone; its parameters are searched "
                "(set their intervals with --param name=low:high)"
            )
        try:
            name = catalog.spec(text.strip()).name
        except ValueError as error:
            raise TuneError(str(error)) from None
        if name in names:
            raise TuneError(f"{text!r} is chosen twice; give each activation once")
        names.append(name)
    return names


def _default_intervals(name: str) -> dict[str, Interval]:
    return {p.name: default_interval(p) for p in catalog.spec(name).params}


def _targets(override: RangeOverride, names: list[str]) -> list[str]:
    """The activations an override applies to: the one it names, or every one with the
    parameter; TuneError when there is none."""
    if override.activation is not None:
        try:
            target = catalog.spec(override.activation).name
        except ValueError:
            target = override.activation
        if target not in names:
            raise TuneError(
                f"--param {override.text!r}: {override.activation!r} is not among the tuned "
                f"activations ({', '.join(names)})"
            )
        candidates = [target]
    else:
        candidates = names
    having = [n for n in candidates if override.name in _param_names(n)]
    if not having:
        known = sorted({p for n in candidates for p in _param_names(n)})
        raise TuneError(
            f"--param {override.text!r}: unknown parameter {override.name!r} of "
            f"{', '.join(candidates)} (parameters: {', '.join(known) or 'none'})"
        )
    return having


def _param_names(name: str) -> list[str]:
    return [p.name for p in catalog.spec(name).params]
