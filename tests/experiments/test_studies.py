"""The seed studies: definitions, dataset twins, and our numbers in the article's measure."""

from __future__ import annotations

import pandas as pd
import pytest

from actlab import activations, tasks
from actlab.experiments import studies
from actlab.experiments.tables import _ours_same_measure


def test_every_study_names_real_tasks_and_activations():
    for study in studies.STUDIES.values():
        tasks.get(study.task)
        for name in study.activations:
            activations.resolve(name)
        assert study.baseline in study.activations
        assert set(study.reported) <= set(study.activations)


def test_mnist_studies_switch_to_their_fashion_mnist_twin_and_others_refuse():
    assert studies.get("relu-mnist-mlp").task_for("fashion_mnist") == "fashion_mnist_mlp"
    assert studies.get("frelu-mnist").task_for(None) == "mnist_frelu_cnn"
    with pytest.raises(ValueError, match="only switch MNIST studies"):
        studies.get("tanhexp-cifar10").task_for("fashion_mnist")
    with pytest.raises(ValueError, match="unknown study"):
        studies.get("nope")


class _StoredResult:
    """Two finished runs of softplus_linear with known per-epoch validation accuracy."""

    def history(self):
        rows = [(1, e, 0.1 * e) for e in range(1, 8)] + [(2, e, 0.05 * e) for e in range(1, 8)]
        return pd.DataFrame(rows, columns=["run_id", "epoch", "val_accuracy"])


def test_plateau_is_the_mean_of_the_last_five_epochs_over_seeds():
    runs = pd.DataFrame({"run_id": [1, 2], "label": ["softplus_linear"] * 2,
                         "status": ["finished"] * 2, "test_accuracy": [0.5, 0.6]})  # fmt: skip
    text = _ours_same_measure(studies.get("relu-variants-cifar10"), _StoredResult(), runs,
                              "softplus_linear")  # fmt: skip
    # run 1: mean(0.3..0.7) = 0.5; run 2: mean(0.15..0.35) = 0.25 -> 0.375 ± 0.1768
    assert text == "0.3750 ± 0.1768"
