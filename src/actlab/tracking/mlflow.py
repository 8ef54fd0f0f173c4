"""MLflow: each ended run of a comparison as an MLflow run, in an experiment named after it.

What is logged follows MLflow's own Keras autologging: the parameters once (the activation
and its parameters, the seed, the task recipe, the backend and versions), the metrics of each
epoch with the epoch as the step, the test metrics and the time per step at the end, and the
run's ``.keras`` model as the artifact ``model/model.keras``. A run is named as actlab names
it (``elu(alpha=0.5) seed 0``) and tagged with actlab's run id, its attempt and its store, so
sending a store twice sends each run once; a failed run trained again is a new attempt, sent
beside the failed one.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from actlab.tracking.extras import require
from actlab.tracking.records import RunRecord, epoch_points, last_epoch

#: MLflow's limits of one log_batch call, and of a parameter's value.
_MAX_PARAMS, _MAX_METRICS, _MAX_PARAM_CHARS = 100, 1000, 6000
#: An ended actlab run's status as an MLflow run status.
_STATUS = {"finished": "FINISHED", "diverged": "FAILED", "failed": "FAILED"}
#: The tags that identify an attempt at a run of a store in MLflow.
RUN_ID_TAG, ATTEMPT_TAG, DB_TAG = "actlab.run_id", "actlab.attempt", "actlab.db"
#: Config keys logged as parameters of their own name (the rest are flattened as they are).
_OWN_KEYS = ("activation", "params", "seed", "task", "overrides")


def _mlflow() -> Any:
    return require("mlflow", "mlflow", "Sending runs to MLflow")


class MlflowTracker:
    """Sends ended runs to the MLflow tracking store at `uri` (None: MLflow's default,
    ``MLFLOW_TRACKING_URI`` or ``./mlruns``)."""

    wants_model = True

    def __init__(self, uri: str | None = None):
        self.uri = uri
        self._client = _mlflow().MlflowClient(tracking_uri=uri)
        self._experiments: dict[str, str] = {}
        self._sent: dict[str, set[tuple[str, str, str]]] = {}

    @property
    def where(self) -> str:
        """The tracking store, as a user would name it."""
        return self.uri or "MLflow's default tracking store"

    @property
    def export_option(self) -> str:
        return f"--mlflow {self.uri}" if self.uri else "--mlflow"

    def send(self, run: RunRecord, model: bytes | None = None) -> str | None:
        """Log `run` (with `model`, a ``.keras`` file's bytes) unless it already is there;
        the MLflow run id, or None when it was sent before."""
        experiment_id = self.experiment_id(run.comparison)
        sent = self._sent_runs(experiment_id)
        key = (run.db, str(run.run_id), str(run.attempt))
        if key in sent:
            return None
        mlflow_run_id = self._log(experiment_id, run, model)
        sent.add(key)
        return mlflow_run_id

    def experiment_id(self, comparison: str) -> str:
        """The id of the experiment named `comparison`, created when missing."""
        if comparison not in self._experiments:
            found = self._client.get_experiment_by_name(comparison)
            self._experiments[comparison] = (
                found.experiment_id
                if found is not None
                else self._client.create_experiment(comparison, tags={"actlab.comparison": "1"})
            )
        return self._experiments[comparison]

    def _sent_runs(self, experiment_id: str) -> set[tuple[str, str, str]]:
        """(store, actlab run id, attempt) of the runs the experiment holds (deleted ones
        aside)."""
        if experiment_id not in self._sent:
            self._sent[experiment_id] = {
                (
                    run.data.tags[DB_TAG],
                    run.data.tags[RUN_ID_TAG],
                    run.data.tags.get(ATTEMPT_TAG, "1"),
                )
                for run in self._all_runs(experiment_id)
                if RUN_ID_TAG in run.data.tags and DB_TAG in run.data.tags
            }
        return self._sent[experiment_id]

    def _all_runs(self, experiment_id: str) -> Iterator[Any]:
        token = None
        while True:
            page = self._client.search_runs([experiment_id], max_results=1000, page_token=token)
            yield from page
            token = page.token
            if not token:
                return

    def _log(self, experiment_id: str, run: RunRecord, model: bytes | None) -> str:
        created = self._client.create_run(
            experiment_id, start_time=_ms(run.started), tags=run_tags(run), run_name=run.name
        )
        mlflow_run_id = created.info.run_id
        try:
            self._log_values(mlflow_run_id, run)
            if model is not None:
                self._log_model(mlflow_run_id, model)
            self._client.set_terminated(
                mlflow_run_id, status=_STATUS.get(run.status, "FAILED"), end_time=_ms(run.finished)
            )
        except BaseException:  # no half-sent run: the next send tries it again
            with suppress(Exception):
                self._client.delete_run(mlflow_run_id)
            raise
        return mlflow_run_id

    def _log_values(self, mlflow_run_id: str, run: RunRecord) -> None:
        entities = require("mlflow.entities", "mlflow", "Sending runs to MLflow")
        params = [entities.Param(k, v) for k, v in run_params(run).items()]
        metrics = [entities.Metric(k, v, ts, step) for k, v, ts, step in run_metrics(run)]
        for chunk in _chunks(params, _MAX_PARAMS):
            self._client.log_batch(mlflow_run_id, params=chunk)
        for chunk in _chunks(metrics, _MAX_METRICS):
            self._client.log_batch(mlflow_run_id, metrics=chunk)

    def _log_model(self, mlflow_run_id: str, model: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "model.keras"
            path.write_bytes(model)
            self._client.log_artifact(mlflow_run_id, str(path), artifact_path="model")


def run_tags(run: RunRecord) -> dict[str, str]:
    """actlab's identity of the run, and its outcome."""
    tags = {
        RUN_ID_TAG: str(run.run_id),
        ATTEMPT_TAG: str(run.attempt),
        DB_TAG: run.db,
        "actlab.comparison": run.comparison,
        "actlab.label": run.label,
        "actlab.status": run.status,
    }
    if run.error:
        tags["actlab.error"] = run.error[:_MAX_PARAM_CHARS]
    return tags


def run_params(run: RunRecord) -> dict[str, str]:
    """The run's parameters: activation, label, its parameters (``activation.alpha``), seed,
    the task recipe (``task.epochs``...) and the rest of its stored config (backend...)."""
    params: dict[str, Any] = {"activation": run.activation, "label": run.label, "seed": run.seed}
    params.update(_flatten(run.params, "activation."))
    params.update(_flatten(run.config.get("task", {}), "task."))
    params.update(_flatten({k: v for k, v in run.config.items() if k not in _OWN_KEYS}))
    return {key: _text(value) for key, value in params.items()}


def run_metrics(run: RunRecord) -> list[tuple[str, float, int, int]]:
    """(key, value, timestamp in ms, step): each epoch's metrics at step = the epoch, then
    the run's results (test metrics, step time) at the last epoch's step."""
    metrics = [
        (key, value, _ms(wall), step)
        for step, wall, values in epoch_points(run)
        for key, value in values.items()
    ]
    ended, step = _ms(run.finished), last_epoch(run)
    return metrics + [(key, value, ended, step) for key, value in run.results.items()]


def _flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Mapping) and value:
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text[:_MAX_PARAM_CHARS]


def _ms(seconds: float | None) -> int:
    return round((seconds if seconds is not None else time.time()) * 1000)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
