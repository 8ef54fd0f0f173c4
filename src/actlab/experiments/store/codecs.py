"""How values are written to the results file and read back: JSON, numbers, times, arrays.

NaN and +-inf metrics are stored as NULL (SQLite turns NaN into NULL anyway) and read back as
NaN; a divergence is recorded by ``status='diverged'`` and ``diverged_epoch``, never by a loss
value. JSON columns are canonical (sorted keys, no spaces), so equal params give equal keys;
NumPy scalars and arrays become numbers and lists, paths strings, and non-finite floats the
strings "nan", "inf", "-inf" (valid JSON for every reader). Times are ISO 8601 UTC text.
Arrays (a run's test predictions) are stored as compressed ``.npz`` bytes.
"""

from __future__ import annotations

import io
import json
import math
import operator
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

#: (activation, canonical params JSON, seed): what makes a run unique in a comparison.
RunKey = tuple[str, str, int]


def to_json(value: Any) -> str:
    """Canonical JSON text of `value`: sorted keys, no spaces, plain types (see module doc)."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), allow_nan=False)


def params_key(params: Mapping[str, Any] | None) -> str:
    """The canonical JSON form of an activation's parameters, as stored and compared."""
    return to_json(dict(params or {}))


def run_key(activation: str, params: Mapping[str, Any] | None, seed: int) -> RunKey:
    """The (activation, params JSON, seed) key of a run, as returned by Store.done_keys."""
    return (str(activation), params_key(params), operator.index(seed))


def run_label(activation: str, params: Mapping[str, Any] | None) -> str:
    """How a run's activation is shown: "relu", or "elu(alpha=0.5)" with sorted params."""
    if not params:
        return activation
    inside = ", ".join(f"{name}={value}" for name, value in sorted(params.items()))
    return f"{activation}({inside})"


def arrays_to_npz(**arrays: Any) -> bytes:
    """Compressed ``.npz`` bytes of named arrays, e.g. for a run's test predictions."""
    buffer = io.BytesIO()
    named: dict[str, Any] = {name: np.asarray(value) for name, value in arrays.items()}
    np.savez_compressed(buffer, **named)
    return buffer.getvalue()


def npz_to_arrays(blob: bytes) -> dict[str, np.ndarray]:
    """The named arrays of ``.npz`` bytes (no pickles are loaded)."""
    with np.load(io.BytesIO(blob), allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def now() -> str:
    """The current time as stored: ISO 8601 UTC text, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def timestamps(column: pd.Series) -> pd.Series:
    """Stored times read back as UTC timestamps."""
    return pd.to_datetime(column, utc=True, format="ISO8601")


def metric(value: Any) -> float | None:
    """A metric as stored: a float, or None (NULL) for a missing or non-finite one."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def optional_int(value: Any) -> int | None:
    """A count as stored: an int (NumPy's too), or None."""
    return None if value is None else operator.index(value)


def blob_bytes(value: Any, name: str) -> bytes | None:
    """A BLOB column's value: bytes, or None; anything else is refused."""
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise TypeError(
        f"{name} must be bytes (e.g. Path('model.weights.h5').read_bytes()), not "
        f"{type(value).__name__}"
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # "nan", "inf", "-inf"
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} as JSON: {value!r}")
