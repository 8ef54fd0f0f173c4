"""MLflow: runs of a comparison read back with MLflow's own client from a SQLite store."""

from __future__ import annotations

import math
import re

import keras
import pytest

mlflow = pytest.importorskip("mlflow")

import actlab  # noqa: E402
from actlab import tracking  # noqa: E402
from actlab.tracking.mlflow import DB_TAG, RUN_ID_TAG  # noqa: E402

from .conftest import assert_series  # noqa: E402

pytestmark = pytest.mark.slow


def _runs(uri: str, comparison: str):
    client = mlflow.MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name(comparison)
    assert experiment is not None, f"no MLflow experiment named {comparison!r}"
    return client, client.search_runs([experiment.experiment_id])


def test_compare_logs_every_run_in_an_experiment_named_after_the_comparison(tracked):
    result = tracked["result"]
    _, runs = _runs(tracked["uri"], result.name)
    stored = result.runs().set_index("run_id")
    assert sorted(r.info.run_name for r in runs) == ["elu(alpha=0.5) seed 0", "relu seed 0"]
    for run in runs:
        actlab_id = int(run.data.tags[RUN_ID_TAG])
        row = stored.loc[actlab_id]
        assert run.info.status == "FINISHED"
        assert run.data.tags[DB_TAG] == str(tracked["folder"] / "a.db")
        assert run.data.params["activation"] == row["activation"]
        assert run.data.params["seed"] == "0"
        assert run.data.params["task.epochs"] == "1"
        assert run.data.params["task.dataset"] == "digits"
        assert run.data.params["backend"] == keras.backend.backend()
        assert math.isclose(run.data.metrics["test_accuracy"], row["test_accuracy"])
        assert math.isclose(run.data.metrics["step_ms"], row["step_seconds"] * 1000)
    elu = next(r for r in runs if r.data.params["activation"] == "elu")
    assert elu.data.params["activation.alpha"] == "0.5"


def test_epoch_metrics_are_logged_with_the_epoch_as_step(tracked):
    result = tracked["result"]
    client, runs = _runs(tracked["uri"], result.name)
    history = result.history().set_index("run_id")
    for run in runs:
        logged = client.get_metric_history(run.info.run_id, "val_accuracy")
        epoch = history.loc[[int(run.data.tags[RUN_ID_TAG])]]
        assert_series([(m.step, m.value) for m in logged], epoch["epoch"], epoch["val_accuracy"])


def test_the_keras_model_is_an_artifact_that_loads(tracked, tmp_path):
    client, runs = _runs(tracked["uri"], tracked["result"].name)
    run = runs[0]
    assert [a.path for a in client.list_artifacts(run.info.run_id, "model")] == [
        "model/model.keras"
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tracked["folder"])  # artifacts live under ./mlruns there
        local = client.download_artifacts(run.info.run_id, "model/model.keras", str(tmp_path))
    model = keras.models.load_model(local)
    assert model.count_params() == int(run.data.metrics["param_count"])


def test_export_sends_a_store_once(tracked, tmp_path):
    """A second MLflow store gets the same runs from `export`; exporting again adds none."""
    uri = f"sqlite:///{tmp_path / 'other.db'}"
    db = tracked["folder"] / "a.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        (first,) = tracking.export(db, mlflow=uri)
        (again,) = tracking.export(db, mlflow=uri)
    assert (first.where, first.sent, first.skipped) == (uri, 2, 0)
    assert (again.sent, again.skipped) == (0, 2)
    _, runs = _runs(uri, tracked["result"].name)
    assert sorted(r.info.run_name for r in runs) == ["elu(alpha=0.5) seed 0", "relu seed 0"]
    # the live compare's MLflow store already holds them: nothing is sent there either
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tracked["folder"])
        assert tracking.export(db, mlflow=tracked["uri"])[0].sent == 0


def test_a_tracking_server_down_warns_once_and_the_comparison_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    hint = f"actlab export --db {tmp_path / 'a.db'} --mlflow http://127.0.0.1:9"
    with pytest.warns(tracking.TrackingWarning, match=re.escape(hint)) as caught:
        result = actlab.compare(
            ["relu", "tanh"], task="digits_mlp", epochs=1, seeds=1, db=tmp_path / "a.db",
            quiet=True, mlflow="http://127.0.0.1:9",  # the discard port: nothing listens
        )  # fmt: skip
    assert len([w for w in caught if w.category is tracking.TrackingWarning]) == 1
    assert list(result.runs()["status"]) == ["finished", "finished"]


def test_without_mlflow_installed_the_error_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "mlflow", None)  # import mlflow now raises ImportError
    with pytest.raises(tracking.MissingExtraError, match=r"pip install 'actlab\[mlflow\]'"):
        tracking.open_trackers(mlflow="sqlite:///never.db")


def test_the_model_is_logged_even_when_the_store_keeps_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    result = actlab.compare(["relu"], task="digits_mlp", epochs=1, seeds=1, db=tmp_path / "a.db",
                            quiet=True, keep_models=False, mlflow=uri)  # fmt: skip
    assert not result.runs()["has_weights"].any()
    client, runs = _runs(uri, result.name)
    assert [a.path for a in client.list_artifacts(runs[0].info.run_id, "model")] == [
        "model/model.keras"
    ]


def test_a_failed_run_trained_again_is_a_second_mlflow_run(tmp_path, monkeypatch):
    from actlab import activations
    from actlab.activations import registry

    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    again = {"task": "digits_mlp", "epochs": 1, "seeds": 1, "db": tmp_path / "a.db",
             "quiet": True, "mlflow": uri}  # fmt: skip

    @activations.register(name="test_flaky", formula="x")
    def flaky(x):
        """Fails the first time."""
        raise RuntimeError("not today")

    try:
        actlab.compare(["test_flaky"], **again)
        activations.register(name="test_flaky", formula="x", override=True)(lambda x: x)
        result = actlab.compare(["test_flaky"], **again)
        tracking.export(tmp_path / "a.db", mlflow=uri)  # both attempts are there already
    finally:
        registry._SPECS.pop("test_flaky")
    _, runs = _runs(uri, result.name)
    attempts = sorted((r.data.tags["actlab.attempt"], r.info.status) for r in runs)
    assert attempts == [("1", "FAILED"), ("2", "FINISHED")]
    assert {r.data.tags[RUN_ID_TAG] for r in runs} == {str(result.runs()["run_id"].iloc[0])}
    failed = next(r for r in runs if r.info.status == "FAILED")
    assert "not today" in failed.data.tags["actlab.error"]
