"""One small comparison sent live to MLflow (a local SQLite store) and TensorBoard, shared by
the tracking tests, and a helper to read a TensorBoard folder back with its own reader."""

from __future__ import annotations

from pathlib import Path

import pytest

import actlab

ACTIVATIONS = ["relu", "elu:alpha=0.5"]


def read_scalars(folder: Path) -> dict[str, list[tuple[int, float]]]:
    """{tag: [(step, value)]} of an event folder, through TensorBoard's EventAccumulator
    (scalars written as tensors, as TensorBoard's own writer does)."""
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.util import tensor_util

    accumulator = event_accumulator.EventAccumulator(
        str(folder), size_guidance={event_accumulator.TENSORS: 0}
    )
    accumulator.Reload()
    return {
        tag: [
            (e.step, float(tensor_util.make_ndarray(e.tensor_proto)))
            for e in accumulator.Tensors(tag)
        ]
        for tag in accumulator.Tags()["tensors"]
    }


def assert_series(logged: list[tuple[int, float]], steps, values) -> None:
    """`logged` (step, value) pairs are `steps` with `values` (float32 closeness)."""
    assert [step for step, _ in logged] == [int(s) for s in steps]
    assert [value for _, value in logged] == pytest.approx(list(values), rel=1e-6)


@pytest.fixture(scope="module")
def tracked(tmp_path_factory):
    """A compare of two activations, one seed, one epoch, with mlflow= and tensorboard=."""
    folder = tmp_path_factory.mktemp("tracked")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)  # MLflow's artifacts go to ./mlruns
        result = actlab.compare(
            ACTIVATIONS, task="digits_mlp", epochs=1, seeds=1, db=folder / "a.db",
            quiet=True, mlflow=uri, tensorboard=folder / "tb",
        )  # fmt: skip
    return {"folder": folder, "uri": uri, "result": result}
