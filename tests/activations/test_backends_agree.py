"""The same input gives the same output on JAX, PyTorch and TensorFlow (float32, rtol 1e-5)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BACKENDS = ("tensorflow", "jax", "torch")
#: Whatever KERAS_BACKEND this process has, it checks all three: scripts/test runs it once.
pytestmark = pytest.mark.all_backends
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, dict[str, np.ndarray]]:
    folder = tmp_path_factory.mktemp("backends")
    found = {}
    for backend in BACKENDS:
        path = folder / f"{backend}.npz"
        env = {**os.environ, "KERAS_BACKEND": backend}
        subprocess.run(
            [sys.executable, "-m", "tests.activations.dump_outputs", str(path)],
            check=True, env=env, cwd=ROOT, capture_output=True,
        )  # fmt: skip
        with np.load(path) as data:
            found[backend] = dict(data)
    return found


def test_every_backend_computes_every_function_entry(outputs):
    names = {backend: set(values) for backend, values in outputs.items()}
    assert names["jax"] == names["torch"] == names["tensorflow"]
    assert len(names["tensorflow"]) > 0


@pytest.mark.parametrize("other", ["jax", "torch"])
def test_backends_agree_with_tensorflow(outputs, other):
    tiny = float(np.finfo(np.float32).tiny)
    mismatched = []
    for name, expected in outputs["tensorflow"].items():
        got = outputs[other][name]
        if not np.allclose(got, expected, rtol=1e-5, atol=tiny, equal_nan=False):
            worst = np.nanmax(np.abs(got - expected) / np.maximum(np.abs(expected), tiny))
            mismatched.append(f"{name} (max relative difference {worst:.2e})")
    assert not mismatched, f"{other} differs from tensorflow: {mismatched}"
