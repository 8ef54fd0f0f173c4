"""The articles' studies: definitions, dataset twins, and our numbers in the article's measure."""

from __future__ import annotations

import pandas as pd
import pytest
from rich.console import Console

from actlab import activations, tasks
from actlab.experiments import compare, studies
from actlab.experiments.tables import _ours_same_measure, study_table


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


def test_the_articles_numbers_show_only_on_the_articles_dataset(tmp_path):
    result = compare(["relu", "tanh"], task="digits_mlp", seeds=1, epochs=1,
                     db=tmp_path / "s.db", name="digits study", quiet=True)  # fmt: skip
    study = studies.Study("digits-study", "999 (test)", "digits_mlp", ("relu", "tanh"), "relu",
                          reported={"relu": 0.12345}, note="The article's own note.")  # fmt: skip

    def shown(dataset):
        console = Console(width=300, record=True)
        console.print(study_table(study, result, dataset=dataset))
        return " ".join(console.export_text().split())

    for dataset in (None, "digits"):
        assert "0.12345" in shown(dataset) and "The article's own note." in shown(dataset)
    other = shown("fashion_mnist")
    assert "0.12345" not in other and "The article's own note." not in other
    assert "The article measured on digits, not fashion_mnist" in other
    assert "Compared: relu, tanh against baseline relu, seeds 0, in comparison 'digits study'" in (
        other
    )


def test_reproduce_names_a_comparison_of_its_own():
    study = studies.get("relu-mnist-mlp")
    assert study.comparison_name("mnist_mlp") == "relu-mnist-mlp@mnist_mlp"
    assert (
        study.comparison_name("fashion_mnist_mlp", 2)
        == "relu-mnist-mlp@fashion_mnist_mlp[epochs=2]"
    )
    assert study.article_dataset() == "mnist"
