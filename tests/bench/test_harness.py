"""The backend harness: compiled runs and the bytes the backward pass keeps."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from actlab.bench import harness


def _square(x):
    return x * x


def test_runs_forward_and_backward_on_the_current_backend():
    bench = harness.current()
    assert bench.backend == keras.backend.backend()
    x = bench.tensor(np.linspace(-1, 1, 64), "float32")
    bench.forward(ops.tanh)(x)
    bench.forward_backward(ops.tanh)(x, bench.tensor(np.ones(64), "float32"))


def test_saved_bytes_count_what_the_backward_keeps():
    bench = harness.current()
    x = bench.tensor(np.linspace(-1, 1, 64), "float32")
    saved = bench.saved_bytes(_square, x)
    if bench.backend in ("tensorflow", "torch"):
        assert saved == 64 * 4  # x, read twice, one tensor
    else:
        assert saved >= 64 * 4
    assert bench.saved_bytes(ops.negative, x) == 0
