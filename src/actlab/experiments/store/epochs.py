"""A run's epoch records: checked into rows, and the run's times derived from them.

Times: an epoch's ``seconds`` is its wall time, validation included; ``train_seconds`` and
``train_steps`` are its training phase alone (first training batch to the end of the last,
validation and callbacks' work after it excluded); ``timed_seconds`` over ``timed_steps`` is
the steady part that speed is measured on (see ``actlab.experiments.training``). A run's
``step_seconds`` is its speed, recomputable from its epochs by `step_seconds`;
``warmup_seconds`` is the training phase of its first epoch (tracing, compilation), kept apart.
"""

from __future__ import annotations

import math
import operator
import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from .codecs import metric, optional_int
from .schema import EPOCH_COUNTS, EPOCH_FIELDS


def epoch_number(value: Any) -> int:
    """An epoch's number, checked: epochs are numbered from 1."""
    number = operator.index(value)
    if number < 1:
        raise ValueError(f"epochs are numbered from 1, as Keras prints them; got {number}")
    return number


def epoch_rows(run_id: int, epochs: Iterable[Mapping[str, Any]]) -> list[tuple]:
    """The epochs table's rows for a run's records (dicts with 'epoch' and EPOCH_FIELDS)."""
    rows, seen = [], set()
    for position, record in enumerate(epochs, start=1):
        unknown = set(record) - {"epoch", *EPOCH_FIELDS}
        if unknown:
            raise ValueError(
                f"unknown epoch field(s) {sorted(unknown)}; expected 'epoch' and {EPOCH_FIELDS}"
            )
        number = epoch_number(record.get("epoch", position))
        if number in seen:
            raise ValueError(f"epoch {number} is given twice")
        seen.add(number)
        rows.append((run_id, number, *(_stored_value(record, field) for field in EPOCH_FIELDS)))
    return rows


def median_epoch_seconds(epochs: Iterable[Mapping[str, Any]]) -> float | None:
    """The median of the epochs' wall `seconds` (validation included), None without any."""
    seconds = _finite_values(epochs, "seconds")
    return statistics.median(seconds) if seconds else None


def step_seconds(epochs: Iterable[Mapping[str, Any]]) -> float | None:
    """A run's speed: seconds per training step after warm-up, from its epoch records.

    The timed steps of epochs 2 and later (sum of ``timed_seconds`` over sum of
    ``timed_steps``); for a run with no later epoch, epoch 1's timed steps (those after its
    warm-up batches). None when no step was timed.
    """
    timed = [
        (record.get("epoch"), float(record["timed_seconds"]), int(record["timed_steps"]))
        for record in epochs
        if _is_finite(record.get("timed_seconds")) and _is_finite(record.get("timed_steps"))
        and record["timed_steps"] > 0
    ]  # fmt: skip
    chosen = [item for item in timed if item[0] != 1] or timed
    steps = sum(count for _, _, count in chosen)
    return sum(seconds for _, seconds, _ in chosen) / steps if steps else None


def warmup_seconds(epochs: Iterable[Mapping[str, Any]]) -> float | None:
    """The training phase of epoch 1 (tracing and compilation included), None if unknown."""
    first = [record for record in epochs if record.get("epoch") == 1]
    values = _finite_values(first, "train_seconds")
    return values[0] if values else None


#: The run columns derived from its stored epochs when not given.
DERIVED_TIMES = {
    "median_epoch_seconds": median_epoch_seconds,
    "step_seconds": step_seconds,
    "warmup_seconds": warmup_seconds,
}


def _stored_value(record: Mapping[str, Any], field: str) -> float | int | None:
    value = record.get(field)
    return optional_int(value) if field in EPOCH_COUNTS else metric(value)


def _is_finite(value: Any) -> bool:
    return value is not None and math.isfinite(float(value))


def _finite_values(epochs: Iterable[Mapping[str, Any]], field: str) -> list[float]:
    return [float(e[field]) for e in epochs if _is_finite(e.get(field))]
