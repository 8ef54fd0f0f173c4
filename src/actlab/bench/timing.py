"""Interleaved timing: every candidate is measured once per round, rounds repeated, medians kept.

Interleaving puts every candidate under the same drift of a noisy machine (other processes,
clock changes), so ratios of medians measured side by side are far steadier than times
measured one candidate after another.
"""

from __future__ import annotations

import contextlib
import gc
import math
import time
from collections.abc import Callable, Iterator, Mapping

#: Most calls in one sample (tiny tensors on a fast device).
MAX_CALLS = 10_000


def warm_up(run: Callable[[], None], times: int = 2) -> None:
    """Call `run` so that tracing, compilation and caches are done before timing."""
    for _ in range(times):
        run()


def calls_per_sample(run: Callable[[], None], target_seconds: float) -> int:
    """How many calls of a warmed-up `run` make one sample last about `target_seconds`."""
    start = time.perf_counter()
    run()
    elapsed = time.perf_counter() - start
    return max(1, min(MAX_CALLS, math.ceil(target_seconds / max(elapsed, 1e-9))))


def interleaved(
    runs: Mapping[str, Callable[[], None]], repeats: int, calls: Mapping[str, int]
) -> dict[str, list[float]]:
    """Seconds per call of each run, one sample per round; round r starts at the r-th run."""
    keys = list(runs)
    samples: dict[str, list[float]] = {key: [] for key in keys}
    for round_ in range(repeats):
        shift = round_ % len(keys)
        for key in keys[shift:] + keys[:shift]:
            samples[key].append(_sample(runs[key], calls[key]))
    return samples


def _sample(run: Callable[[], None], calls: int) -> float:
    with _no_garbage_collection():
        start = time.perf_counter()
        for _ in range(calls):
            run()
        return (time.perf_counter() - start) / calls


@contextlib.contextmanager
def _no_garbage_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def ratio(value: float | None, reference: float | None) -> float | None:
    """``value / reference``, or None when either is missing."""
    if value is None or reference is None or reference <= 0:
        return None
    return value / reference
