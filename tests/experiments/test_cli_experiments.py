"""`actlab compare | runs | export | reproduce` as a user types them."""

from __future__ import annotations

import json
import shutil
import textwrap

import pandas as pd
import pytest
from typer.testing import CliRunner

from actlab.cli import app
from actlab.experiments import Store

runner = CliRunner()
FAST = ["--task", "digits_mlp", "--epochs", "2", "--quiet"]


def invoke(*args: str):
    return runner.invoke(app, list(args), terminal_width=200)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "cli.db"
    result = invoke("compare", "relu", "tanhexp", "--seeds", "2", "--db", str(db), *FAST)
    assert result.exit_code == 0, result.output
    return db, result.output


def test_compare_prints_the_statistics_table(store):
    _, output = store
    assert "relu" in output and "tanhexp" in output
    assert "baseline" in output
    assert "95% CI" in output and "p (Holm)" in output
    assert "ms/step [95% CI]" in output and "time × [95% CI]" in output
    assert "Δ acc [95% CI]" in output and "paired t (2)" in output


def test_compare_as_json_and_csv_reuses_the_finished_runs(store):
    db, _ = store
    as_json = invoke("compare", "relu", "tanhexp", "--seeds", "2", "--db", str(db), *FAST,
                     "--format", "json")  # fmt: skip
    rows = json.loads(as_json.stdout)
    assert [r["activation"] for r in rows] == ["relu", "tanhexp"]
    assert rows[0]["verdict"] == "baseline" and rows[0]["runs_finished"] == 2
    assert rows[0]["time_ratio"] == 1.0 and rows[1]["time_pairs"] == 2
    assert rows[1]["step_ms_ci95_low"] <= rows[1]["step_ms_mean"] <= rows[1]["step_ms_ci95_high"]
    as_csv = invoke("compare", "relu", "tanhexp", "--seeds", "2", "--db", str(db), *FAST,
                    "--format", "csv")  # fmt: skip
    assert as_csv.stdout.splitlines()[0].startswith("activation,runs_finished,")


def test_the_baseline_and_test_of_compare_reach_report_and_runs(store, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(store[0], db)  # its runs are finished: nothing is retrained
    result = invoke("compare", "relu", "tanhexp", "--seeds", "2", "--db", str(db), *FAST,
                    "--baseline", "tanhexp", "--test", "wilcoxon", "--format", "json")  # fmt: skip
    rows = json.loads(result.stdout)
    assert [r["activation"] for r in rows] == ["tanhexp", "relu"]
    assert rows[1]["test"] == "Wilcoxon signed-rank" and rows[1]["accuracy_pairs"] == 2
    out = tmp_path / "report.md"
    report = invoke("report", "--db", str(db), "--format", "markdown", "-o", str(out))
    assert report.exit_code == 0, report.output
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert "Baseline: tanhexp." in text and "Wilcoxon signed-rank test of the per-seed" in text
    listing = invoke("runs", "--db", str(db))
    assert "baseline tanhexp, Wilcoxon signed-rank test" in " ".join(listing.output.split())
    bad = invoke("compare", "relu", "--db", str(db), *FAST, "--test", "anova")
    assert (
        bad.exit_code == 2 and "--test must be one of paired_t, wilcoxon, got 'anova'" in bad.output
    )


def test_runs_lists_what_the_store_holds(store):
    db, _ = store
    result = invoke("runs", "--db", str(db))
    assert result.exit_code == 0
    assert "digits_mlp[epochs=2]" in result.output  # brackets are not eaten as markup
    assert result.output.count("finished") == 4
    devices = result.output.count("cpu: ") + result.output.count("gpu: ")
    assert "ms/step" in result.output and devices == 4


def test_export_writes_article_004_style_per_epoch_csv(store, tmp_path):
    db, _ = store
    out = tmp_path / "history.csv"
    result = invoke("export", "--db", str(db), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    for column in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert frame[column].notna().all()
    assert len(frame) == 2 * 2 * 2  # activations x seeds x epochs
    as_json = json.loads(invoke("export", "--db", str(db), "--format", "json").stdout)
    assert {"activation", "seed", "epoch", "loss"} <= set(as_json[0])


def test_import_a_users_activation_file_and_compare_it(tmp_path):
    module = tmp_path / "my_acts.py"
    module.write_text(textwrap.dedent('''
        from keras import ops
        from actlab import activations

        @activations.register(name="my_half_relu", formula=r"\\max(0, x) / 2")
        def my_half_relu(x):
            """Half a ReLU."""
            return 0.5 * ops.relu(x)
    '''))  # fmt: skip
    db = tmp_path / "mine.db"
    result = invoke("compare", "relu", "my_half_relu", "--import", str(module), "--seeds", "1",
                    "--db", str(db), *FAST)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "my_half_relu" in result.output
    assert "no test possible (1 seed)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "relu", "tanhexpp"], "unknown activation 'tanhexpp'"),
        (["compare", "relu", "--task", "mnist_mpl"], "mnist_mlp"),
        (["compare", "relu", "--set", "batch_size=-4"], "batch_size"),
        (["compare", "relu", "--set", "colour=red"], "colour"),
        (["compare", "relu", "--import", "no_such_file.py"], "no such file"),
        (["compare", "relu", "--format", "xml"], "--format"),
        (["runs", "--db", "/nonexistent/actlab.db"], "does not exist"),
        (["export", "--format", "parquet"], "--format"),
        (["reproduce", "no-such-study"], "unknown study"),
    ],
)
def test_bad_input_is_a_one_line_error_with_non_zero_exit(args, message, tmp_path):
    result = runner.invoke(app, [*args, "--db", str(tmp_path / "x.db")] if args[0] == "compare"
                           else args, terminal_width=200)  # fmt: skip
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_reproduce_on_the_twin_dataset_is_its_own_comparison_without_the_articles_numbers(
    tmp_path,
):
    db = tmp_path / "r.db"
    earlier = invoke("compare", "relu", "sigmoid", "tanh", "--task", "fashion_mnist_mlp",
                     "--baseline", "tanh", "--seeds", "1", "--epochs", "1", "--db", str(db),
                     "--quiet")  # fmt: skip
    assert earlier.exit_code == 0, earlier.output
    result = invoke("reproduce", "relu-mnist-mlp", "--dataset", "fashion_mnist", "--seeds", "1",
                    "--epochs", "1", "--db", str(db), "--quiet")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    # The article counted mistakes on MNIST (ReLU 4, sigmoid 8): not beside Fashion-MNIST.
    assert "The article measured on mnist, not fashion_mnist: its numbers are not shown" in text
    assert "article: mistakes_in_first_96" not in text and "ours: mistakes_in_first_96" in text
    lines = [line for line in result.output.splitlines() if line.startswith("│ relu")]
    assert lines and "│ 4 " not in lines[0].replace("  ", " ")
    assert "Compared: relu, sigmoid against baseline sigmoid, seeds 0" in text
    # Its own comparison: the earlier compare keeps its runs, list and baseline.
    comparisons = Store(db, readonly=True).comparisons().set_index("name")
    assert comparisons.loc["fashion_mnist_mlp[epochs=1]", "config"]["baseline"] == "tanh"
    mine = "relu-mnist-mlp@fashion_mnist_mlp[epochs=1]"
    assert comparisons.loc[mine, "config"]["baseline"] == "sigmoid" and f"'{mine}'" in text
    runs = Store(db, readonly=True).runs(mine)
    assert sorted(runs["label"]) == ["relu", "sigmoid"] and set(runs["status"]) == {"finished"}


def test_every_experiment_command_has_help():
    for command in ("compare", "runs", "export", "reproduce", "tasks"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Usage" in result.output
