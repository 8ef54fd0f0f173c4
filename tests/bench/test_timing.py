"""Interleaved rounds: every run once a round, the order rotated, seconds per call."""

from __future__ import annotations

from actlab.bench import timing


def test_interleaved_rotates_the_order_and_counts_calls():
    order: list[str] = []
    runs = {key: (lambda key=key: order.append(key)) for key in "abc"}
    samples = timing.interleaved(runs, repeats=3, calls={"a": 1, "b": 2, "c": 1})
    assert order == ["a", "b", "b", "c", "b", "b", "c", "a", "c", "a", "b", "b"]
    assert {key: len(values) for key, values in samples.items()} == {"a": 3, "b": 3, "c": 3}
    assert all(value >= 0 for values in samples.values() for value in values)


def test_calls_per_sample_is_bounded():
    assert timing.calls_per_sample(lambda: None, 10.0) == timing.MAX_CALLS
    assert timing.calls_per_sample(lambda: None, 0.0) == 1


def test_ratio_of_missing_values_is_none():
    assert timing.ratio(2.0, 4.0) == 0.5
    assert timing.ratio(None, 4.0) is None and timing.ratio(1.0, 0.0) is None
