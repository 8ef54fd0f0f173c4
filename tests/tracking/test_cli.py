"""--mlflow and --tensorboard on the command line: compare, export, and one-line errors."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from actlab.cli import app

from .conftest import read_scalars

mlflow = pytest.importorskip("mlflow")

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), terminal_width=200)


def _run_names(uri: str, comparison: str) -> list[str]:
    client = mlflow.MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name(comparison)
    return sorted(r.info.run_name for r in client.search_runs([experiment.experiment_id]))


@pytest.mark.slow
def test_compare_sends_its_runs_to_mlflow_and_tensorboard(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    result = invoke("compare", "relu", "--task", "digits_mlp", "--epochs", "1", "--seeds", "1",
                    "--db", str(tmp_path / "a.db"), "--quiet", "--mlflow", uri,
                    "--tensorboard", str(tmp_path / "tb"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _run_names(uri, "digits_mlp[epochs=1]") == ["relu seed 0"]
    scalars = read_scalars(tmp_path / "tb" / "digits_mlp[epochs=1]" / "relu" / "seed_0")
    assert [step for step, _ in scalars["loss"]] == [1]


@pytest.mark.slow
def test_export_sends_a_store_to_mlflow_once(tracked, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path / 'exported.db'}"
    db = str(tracked["folder"] / "a.db")
    first = invoke("export", "--db", db, "--mlflow", uri)
    assert first.exit_code == 0, first.output
    assert f"{uri}: sent 2 runs of {db}\n" in first.output
    again = invoke("export", "--db", db, "--mlflow", uri, "--tensorboard", str(tmp_path / "tb"))
    assert again.exit_code == 0, again.output
    assert f"{uri}: sent 0 runs of {db}, 2 were there already" in again.output
    assert f"{tmp_path / 'tb'}: sent 2 runs of {db}" in again.output
    assert _run_names(uri, tracked["result"].name) == ["elu(alpha=0.5) seed 0", "relu seed 0"]
    assert (tmp_path / "tb" / tracked["result"].name / "relu" / "seed_0").is_dir()


def test_without_mlflow_compare_stops_in_one_line_before_training(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)  # import mlflow raises ImportError
    db = tmp_path / "a.db"
    result = invoke("compare", "relu", "--task", "digits_mlp", "--db", str(db), "--mlflow", "x")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: Sending runs to MLflow needs the 'mlflow' package, which is not installed: "
        "pip install 'actlab[mlflow]'"
    ]
    assert not db.exists()


def test_a_file_as_the_tensorboard_folder_is_one_line(tmp_path):
    path = tmp_path / "events"
    path.write_text("mine")
    result = invoke("export", "--db", str(tmp_path / "a.db"), "--tensorboard", str(path))
    assert result.exit_code == 2
    assert "is a file; give a folder" in result.output
    assert "Traceback" not in result.output
    assert path.read_text() == "mine"


@pytest.mark.parametrize(
    ("given", "parsed"),
    [
        (["export", "--mlflow"], ["export", "--mlflow", "default"]),
        (["export", "--mlflow", "--db", "a.db"], ["export", "--mlflow", "default", "--db", "a.db"]),
        (["export", "--mlflow", "sqlite:///m.db"], ["export", "--mlflow", "sqlite:///m.db"]),
        (["export", "--db", "a.db"], ["export", "--db", "a.db"]),
        (["plot", "--", "--mlflow"], ["plot", "--", "--mlflow"]),
    ],
)
def test_mlflow_alone_means_mlflows_default_store(given, parsed):
    from actlab.cli.tracking import mlflow_alone_means_default

    assert mlflow_alone_means_default(given) == parsed


@pytest.mark.slow
def test_the_actlab_command_takes_mlflow_without_a_uri(tracked, tmp_path):
    import os
    import subprocess

    uri = f"sqlite:///{tmp_path / 'default.db'}"
    db = str(tracked["folder"] / "a.db")
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri}
    command = [sys.executable, "-m", "actlab", "export", "--mlflow", "--db", db]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "sent 2 runs" in done.stderr
    assert _run_names(uri, tracked["result"].name) == ["elu(alpha=0.5) seed 0", "relu seed 0"]
