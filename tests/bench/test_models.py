"""`actlab bench models` and `bench.run_models` with a couple of steps, every backend."""

from __future__ import annotations

import json

import pytest

from actlab import activations, bench, tasks
from actlab.bench import models
from tests.bench.conftest import assert_one_line_error, invoke, positive_finite


@pytest.fixture(scope="module")
def result():
    # prelu: a learnable entry, which the task's builder takes as a layer.
    return bench.run_models(["tanhexp", "prelu"], task="digits_mlp", steps=2, repeats=2)


def test_rows_ratios_and_limit(result):
    assert [row["activation"] for row in result.rows] == ["relu", "tanhexp", "prelu"]
    relu = result.rows[0]
    assert relu["ratio"] == 1.0
    for row in result.rows:
        assert {c.key for c in result.columns} <= set(row)
        assert positive_finite(row["ratio"]) and positive_finite(row["step_ms"])
        assert row["limit"] > 1.0 and positive_finite(row["limit"])
        assert row["activation_layers"] == 1  # digits_mlp: one hidden Dense(16)
        assert row["activation_values"] == tasks.get("digits_mlp").batch_size * 16


def test_header_says_the_data_is_synthetic(result, tmp_path):
    json_path, md_path = result.write(tmp_path)
    task, backend = result.header["settings"]["task"], result.header["backend"]
    assert json_path.name == f"models-{task}-{backend}.json"
    settings = json.loads(json_path.read_text())["header"]["settings"]
    assert settings["task"] == "digits_mlp" and settings["steps"] == 2
    assert "synthetic" in settings["data"]
    markdown = md_path.read_text()
    assert "| activation | step ms | × relu | limit × relu |" in markdown
    assert "synthetic" in markdown and "batch_size 64" in markdown


def test_activation_layers_are_found_in_a_cnn_with_a_learnable_entry():
    model = tasks.get("cifar10_small_cnn").build_model("frelu")
    found = models.activation_layers(model)
    frelu = activations.spec("frelu").layer_class
    assert len(found) == 2 and all(isinstance(layer, frelu) for layer in found)


def test_cli_times_the_default_task_and_writes_files(tmp_path):
    out = str(tmp_path)
    result = invoke("models", "frelu", "--steps", "1", "--repeats", "1", "--out", out)
    assert result.exit_code == 0, result.output
    assert "cifar10_small_cnn" in result.output and "frelu" in result.output
    assert "synthetic" in result.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".md"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--task", "cifar10_tiny"], "unknown task"),
        (["tanhexpp", "--task", "digits_mlp"], "unknown activation 'tanhexpp'"),
        (["--steps", "0"], "steps must be an integer >= 1, got 0"),
        (["--repeats", "0"], "repeats must be an integer >= 1, got 0"),
    ],
)
def test_bad_input_is_one_clear_line(args, message, tmp_path):
    assert_one_line_error(invoke("models", *args, "--out", str(tmp_path)), message)
