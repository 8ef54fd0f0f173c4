"""TensorBoard: one event folder per run, read back with TensorBoard's EventAccumulator."""

from __future__ import annotations

import pytest

pytest.importorskip("tensorboard")

from actlab import tracking

from .conftest import assert_series, read_scalars

pytestmark = pytest.mark.slow


def test_one_event_folder_per_run_with_per_epoch_scalars(tracked):
    result = tracked["result"]
    root = tracked["folder"] / "tb" / result.name
    folders = sorted(p.relative_to(root).as_posix() for p in root.glob("*/seed_*"))
    assert folders == ["elu(alpha=0.5)/seed_0", "relu/seed_0"]
    history = result.history()
    runs = result.runs().set_index("label")
    for label in ("relu", "elu(alpha=0.5)"):
        scalars = read_scalars(root / label / "seed_0")
        epochs = history[history["label"] == label]
        assert_series(scalars["val_accuracy"], epochs["epoch"], epochs["val_accuracy"])
        assert_series(scalars["loss"], epochs["epoch"], epochs["loss"])
        assert_series(scalars["test_accuracy"], [1], [runs.loc[label, "test_accuracy"]])


def test_export_writes_the_same_folders_again_without_duplicates(tracked, tmp_path):
    db = tracked["folder"] / "a.db"
    tracking.export(db, tensorboard=tmp_path)
    tracking.export(db, tensorboard=tmp_path)  # rewritten, not appended
    folder = tmp_path / tracked["result"].name / "relu" / "seed_0"
    assert len(list(folder.glob("events.out.tfevents.*"))) == 1
    assert len(read_scalars(folder)["loss"]) == 1


def test_a_file_is_refused_as_the_folder(tmp_path):
    path = tmp_path / "file"
    path.write_text("mine")
    with pytest.raises(ValueError, match="is a file; give a folder"):
        tracking.open_trackers(tensorboard=path)
    assert path.read_text() == "mine"
