"""Write every function entry's float32 outputs to an .npz file (run once per backend).

Usage: KERAS_BACKEND=jax python -m tests.activations.dump_outputs OUT.npz
"""

from __future__ import annotations

import sys

import keras
import numpy as np

from actlab import activations

GRID = np.array([-1e4, -100, -30, -20, -5, -1, -1e-6, 0, 1e-6, 1, 5, 20, 30, 100, 1e4], "float32")


def inputs() -> np.ndarray:
    """Grid and random values in a (4, 24) array: every entry, shape-changing ones too, takes it."""
    spread = np.random.default_rng(0).normal(scale=4.0, size=96 - GRID.size).astype("float32")
    return np.concatenate([GRID, spread]).reshape(4, 24)


def main(path: str) -> None:
    x = keras.ops.convert_to_tensor(inputs())
    outputs = {}
    for name in activations.names():
        if activations.spec(name).kind == "function":
            y = activations.get(name)(x)
            outputs[name] = keras.ops.convert_to_numpy(keras.ops.cast(y, "float32"))
    np.savez(path, **outputs)


if __name__ == "__main__":
    main(sys.argv[1])
