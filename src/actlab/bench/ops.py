"""`actlab bench ops`: forward and forward+backward time of activations on one large tensor.

Every activation is timed as the catalog gives it (`activations.get`, the fast path), as its
unfused keras.ops form (`activations.portable`), as the backend's own
op (where one computes the same function) and as the naive composite users write, all in the
same run and interleaved with two references: a copy of the tensor (the memory-bandwidth
floor) and ReLU, to which every time is a ratio.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import keras
import numpy as np

from actlab import activations
from actlab.bench import harness, implementations, timing
from actlab.bench.results import BenchResult, Column, header

DTYPES = ("float32", "float16", "bfloat16")
DEFAULT_SIZE = 4_000_000
#: Implementations, in column order; the reference rows use "copy" and "actlab".
IMPLEMENTATIONS = ("actlab", "portable", "native", "naive")
MODES = ("forward", "backward")
_TITLES = {"actlab": "actlab", "portable": "actlab portable", "native": "native", "naive": "naive"}
_MODE_TITLES = {"forward": "fwd", "backward": "fwd+bwd"}


@dataclass(frozen=True)
class Candidate:
    """One implementation of one activation (or a reference: copy, relu)."""

    activation: str
    implementation: str
    fn: Callable

    @property
    def key(self) -> str:
        return f"{self.activation}/{self.implementation}"


def run_ops(
    names: Sequence[str] | None = None,
    *,
    size: int = DEFAULT_SIZE,
    dtype: str = "float32",
    repeats: int = 7,
    every: bool = False,
    sample_seconds: float = 0.02,
    seed: int = 0,
) -> BenchResult:
    """Time `names` (default: the articles' activations; `every`: all benchable ones)."""
    _check_settings(size, dtype, repeats)
    chosen = _names(names, every)
    bench = harness.current()
    rng = np.random.default_rng(seed)
    x = bench.tensor(2.0 * rng.standard_normal(size), dtype)
    upstream = bench.tensor(rng.standard_normal(size), dtype)
    candidates = make_candidates(chosen)
    runs, errors = _runners(bench, candidates, x, upstream)
    calls = {key: timing.calls_per_sample(run, sample_seconds) for key, run in runs.items()}
    samples = timing.interleaved(runs, repeats, calls)
    saved = {c.key: _saved_multiple(bench, c, x, errors) for c in candidates}
    settings = {"dtype": dtype, "size": size, "repeats": repeats}
    return _result(chosen, candidates, samples, saved, errors, header(settings))


def _check_settings(size: int, dtype: str, repeats: int) -> None:
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be an integer >= 1, got {size!r}")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an integer >= 1, got {repeats!r}")


def _names(names: Sequence[str] | None, every: bool) -> list[str]:
    if every:
        if names:
            raise ValueError("give activation names or every=True (--all), not both")
        return implementations.benchable_names()
    chosen = [activations.resolve(n) for n in (names or implementations.ARTICLE_NAMES)]
    allowed = set(implementations.benchable_names())
    for name in chosen:
        if name not in allowed:
            raise ValueError(
                f"{name!r} cannot be timed on one tensor: it is a layer, changes the shape or "
                "takes training/seed arguments (`actlab bench models` times layers)"
            )
    return list(dict.fromkeys(chosen))


def make_candidates(names: Sequence[str]) -> list[Candidate]:
    """The references (copy, relu) and every implementation of every name that exists."""
    found = [
        Candidate("copy", "copy", implementations.copy),
        Candidate("relu", "actlab", activations.get("relu")),
    ]
    for name in names:
        for implementation, fn in _implementations(name).items():
            if fn is not None and (name, implementation) != ("relu", "actlab"):
                found.append(Candidate(name, implementation, fn))
    return found


def _implementations(name: str) -> dict[str, Callable | None]:
    return {
        "actlab": activations.get(name),
        "portable": activations.portable(name),
        "native": implementations.native(name),
        "naive": implementations.naive(name),
    }


def _runners(bench, candidates, x, upstream):
    """Warmed-up zero-argument runs, keyed ``"<candidate>:<mode>"``, and what failed."""
    runs: dict[str, Callable[[], None]] = {}
    errors: dict[str, str] = {}
    for candidate in candidates:
        try:
            forward = bench.forward(candidate.fn)
            backward = bench.forward_backward(candidate.fn)
            pair = {
                "forward": lambda f=forward: f(x),
                "backward": lambda b=backward: b(x, upstream),
            }
            for run in pair.values():
                timing.warm_up(run)
        except Exception as error:  # a backend op may not take this dtype: report, go on
            errors[candidate.key] = f"{type(error).__name__}: {error}".splitlines()[0][:200]
            continue
        runs.update({f"{candidate.key}:{mode}": run for mode, run in pair.items()})
    if "relu/actlab" in errors:
        raise RuntimeError(f"the reference relu failed: {errors['relu/actlab']}")
    return runs, errors


def _saved_multiple(bench, candidate: Candidate, x, errors) -> float | None:
    if candidate.key in errors:
        return None
    saved = bench.saved_bytes(candidate.fn, x)
    return None if saved is None else saved / _nbytes(x)


def _nbytes(x) -> int:
    return int(np.prod(x.shape)) * np.dtype(_numpy_dtype(x)).itemsize


def _numpy_dtype(x) -> str:
    name = keras.backend.standardize_dtype(x.dtype)
    return "float16" if name == "bfloat16" else name  # same width; numpy has no bfloat16


# --- the result table ---------------------------------------------------------------------


def _result(names, candidates, samples, saved, errors, head) -> BenchResult:
    medians = {key: statistics.median(values) for key, values in samples.items()}
    reference = {mode: medians[f"relu/actlab:{mode}"] for mode in MODES}
    order = ["copy", "relu", *(n for n in names if n != "relu")]
    rows = [_row(name, candidates, medians, reference, saved) for name in order]
    notes = _notes(head, reference, errors)
    measurements = {
        "median_seconds": medians,
        "samples_seconds": samples,
        "saved_for_backward_multiple": saved,
        "errors": errors,
    }
    title = f"actlab bench ops: time as a multiple of relu's ({head['backend']})"
    columns = ops_columns(saved=any(value is not None for value in saved.values()))
    return BenchResult("ops", title, head, columns, rows, notes, measurements)


def _row(name, candidates, medians, reference, saved) -> dict:
    row: dict = {column.key: None for column in ops_columns()} | {"activation": name}
    for candidate in (c for c in candidates if c.activation == name):
        column = "actlab" if candidate.implementation == "copy" else candidate.implementation
        for mode in MODES:
            seconds = medians.get(f"{candidate.key}:{mode}")
            row[f"{column}_{mode}"] = timing.ratio(seconds, reference[mode])
            row[f"{column}_{mode}_seconds"] = seconds
        row[f"{column}_saved"] = saved.get(candidate.key)
    return row


def ops_columns(saved: bool = True) -> list[Column]:
    """The table's columns; the saved-memory ones only where the backend can count it."""
    columns = [Column("activation", "activation")]
    for implementation in IMPLEMENTATIONS:
        for mode in MODES:
            title = f"{_TITLES[implementation]} {_MODE_TITLES[mode]}"
            columns.append(Column(f"{implementation}_{mode}", title))
    for implementation in ("actlab", "portable", "naive") if saved else ():
        title = f"{_TITLES[implementation]} saved ×input"
        columns.append(Column(f"{implementation}_saved", title, digits=1, missing="n/a"))
    return columns


def _notes(head, reference, errors) -> list[str]:
    notes = [
        "Every time is a median over interleaved rounds, divided by relu's median of the same "
        f"mode (relu: {reference['forward'] * 1e3:.3f} ms fwd, "
        f"{reference['backward'] * 1e3:.3f} ms fwd+bwd). The copy row is `-x`: one read and "
        "one write per pass, the memory-bandwidth floor (its columns sit under actlab).",
        "native: the backend's own op, only where it computes the same function; naive: the "
        "keras.ops composite users write (e.g. x * tanh(exp(x))). —: no such implementation.",
        "saved ×input: bytes the backward pass keeps (JAX: residuals of jax.vjp; PyTorch: "
        "tensors saved for backward, each storage once; TensorFlow: full-size forward tensors "
        "the gradient graph reads), as a multiple of the input's bytes.",
    ]
    notes += [f"failed: {key}: {message}" for key, message in errors.items()]
    return notes
