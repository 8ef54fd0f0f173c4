"""Reading a comparison back: the one reader, and the result `compare` answers with."""

from __future__ import annotations

import numpy as np
import pytest

from actlab.experiments.result import ComparisonResult, StoredComparison
from actlab.experiments.store import Store, arrays_to_npz

EPOCHS = [{"epoch": 1, "loss": 0.9, "seconds": 1.0}, {"epoch": 2, "loss": 0.6, "seconds": 1.0}]


@pytest.fixture
def db(tmp_path):
    """Comparison "b": relu and elu(alpha=0.5) finished on seeds 0 and 1 (relu seed 1 with
    weights), relu seed 2 failed; comparison "a" beside it, with one run."""
    path = tmp_path / "results.db"
    with Store(path) as store:
        other = store.create_comparison("a", "digits_mlp")
        store.finish_run(store.start_run(other, "relu", {}, 0), test_loss=0.1, test_accuracy=0.5)
        mine = store.create_comparison("b", "digits_mlp")
        for seed in (0, 1):
            for activation, params, accuracy in (("relu", {}, 0.8), ("elu", {"alpha": 0.5}, 0.9)):
                run_id = store.start_run(mine, activation, params, seed)
                store.finish_run(
                    run_id,
                    test_loss=0.3,
                    test_accuracy=accuracy + seed / 100,
                    epochs=EPOCHS,
                    predictions=arrays_to_npz(y_true=[0, 1, 2, 3], y_pred=[0, 1, seed, 3]),
                    weights=b"model" if (activation, seed) == ("relu", 1) else None,
                )
        store.mark_run(store.start_run(mine, "relu", {}, 2), "failed", error="boom")
    return path


def test_the_reader_reads_its_comparison_alone(db) -> None:
    stored = StoredComparison(db, "b")
    runs, epochs = stored.runs_and_epochs()
    assert len(runs) == 5 and set(runs["comparison"]) == {"b"}
    assert runs.equals(stored.runs()) and epochs.equals(stored.epochs())
    assert len(epochs) == 4 * len(EPOCHS)
    by_key = runs.set_index(["label", "seed"])["run_id"]
    assert stored.predictions(by_key["elu(alpha=0.5)", 1])["y_pred"].tolist() == [0, 1, 1, 3]
    assert stored.predictions(by_key["relu", 2]) is None  # the failed run stored none
    assert stored.blob(by_key["relu", 1], "weights") == b"model"
    assert stored.blob(by_key["relu", 0], "weights") is None


def test_the_result_keeps_only_the_asked_labels_and_seeds(db) -> None:
    result = ComparisonResult(db=db, name="b", labels=["relu", "elu(alpha=0.5)"], seeds=[0, 1],
                              baseline="relu")  # fmt: skip
    runs = result.runs()
    assert sorted(zip(runs["label"], runs["seed"], strict=True)) == [
        ("elu(alpha=0.5)", 0), ("elu(alpha=0.5)", 1), ("relu", 0), ("relu", 1),
    ]  # fmt: skip
    assert len(result.history()) == 4 * len(EPOCHS)
    table = result.table()
    assert list(table.index) == ["relu", "elu(alpha=0.5)"]
    assert table.loc["elu(alpha=0.5)", "diff_to_baseline"] == pytest.approx(0.1)
    first = int(runs.loc[(runs["label"] == "relu") & (runs["seed"] == 1), "run_id"].iloc[0])
    assert result.mistakes_in_first(first, 4) == 1
    assert result.mistakes_in_first(first, 2) == 0


def test_a_run_without_predictions_is_an_error_of_the_result(db) -> None:
    failed = StoredComparison(db, "b").runs().query("status == 'failed'")["run_id"].iloc[0]
    result = ComparisonResult(db=db, name="b", labels=["relu"], seeds=[2], baseline="relu")
    with pytest.raises(ValueError, match=f"run {failed} has no stored predictions"):
        result.predictions(int(failed))
    assert np.isnan(result.runs()["test_accuracy"].iloc[0])
