"""``--executor ray`` on a real Ray cluster on this machine (``ray start --head``, as a team's
cluster would be started): the same runs and statistics as the local executor, a killed Ray
worker's run recorded failed without losing the comparison, and Ray's absence told in one
line naming the extra."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import optuna
import pandas as pd
import pytest
from typer.testing import CliRunner

from actlab.cli import app
from actlab.experiments import Store, compare
from actlab.experiments.executors import make_executor
from actlab.tune import TuneError, tune
from tests.experiments.executors.commands import BLOCKED, finish, runs, start, waiting_pid
from tests.experiments.executors.test_processes import (
    EPOCH_RESULTS,
    RESULTS,
    SMALL,
    STATISTICS,
    stored,
)
from tests.tune.test_executors import trials_of

#: A cluster on this machine for the tests: no token to hand around.
RAY_ENV = {"RAY_AUTH_MODE": "disabled"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def ray_address():
    """A two-CPU Ray head node (``ray start --head --block``), stopped with SIGTERM after the
    module. Its ports are free ones, so that two such clusters can run side by side."""
    pytest.importorskip("ray")
    port = _free_port()
    folder = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # Ray's socket paths must be short
    ports = ("dashboard-agent-listen-port", "dashboard-agent-grpc-port", "metrics-export-port",
             "ray-client-server-port", "runtime-env-agent-port")  # fmt: skip
    command = [
        sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--block",
        f"--port={port}", "--num-cpus=2", "--include-dashboard=false",
        "--disable-usage-stats", f"--temp-dir={folder}",
        *(f"--{name}={_free_port()}" for name in ports),
    ]  # fmt: skip
    head = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env={**os.environ, **RAY_ENV})  # fmt: skip
    address = f"127.0.0.1:{port}"
    try:
        _wait_until_up(address, head)
        yield address
    finally:
        head.send_signal(signal.SIGTERM)  # the head drains and stops its processes
        try:
            head.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()


def _wait_until_up(address: str, head: subprocess.Popen) -> None:
    probe = (
        "import ray, sys; ray.init(address=sys.argv[1], log_to_driver=False); "
        "assert ray.cluster_resources().get('CPU') == 2"
    )
    deadline = time.monotonic() + 180
    while True:
        done = subprocess.run([sys.executable, "-c", probe, address], capture_output=True,
                              env={**os.environ, **RAY_ENV}, timeout=120)  # fmt: skip
        if done.returncode == 0:
            return
        assert head.poll() is None, "ray start --head exited"
        assert time.monotonic() < deadline, done.stderr.decode()[-2000:]
        time.sleep(1)


@pytest.mark.slow
def test_ray_gives_the_runs_and_statistics_of_the_local_executor(
    ray_address, tmp_path, monkeypatch
):
    for name, value in RAY_ENV.items():
        monkeypatch.setenv(name, value)
    local = compare(["relu", "tanhexp"], db=tmp_path / "local.db", **SMALL)
    on_ray = compare(["relu", "tanhexp"], db=tmp_path / "ray.db", executor="ray",
                     address=ray_address, **SMALL)  # fmt: skip
    runs_local, epochs_local = stored(tmp_path / "local.db")
    runs_ray, epochs_ray = stored(tmp_path / "ray.db")
    pd.testing.assert_frame_equal(runs_local[RESULTS], runs_ray[RESULTS])
    pd.testing.assert_frame_equal(epochs_local[EPOCH_RESULTS], epochs_ray[EPOCH_RESULTS])
    pd.testing.assert_frame_equal(local.table()[STATISTICS], on_ray.table()[STATISTICS])
    assert {config["executor"]["kind"] for config in runs_ray["config"]} == {"ray"}
    assert {config["executor"]["threads"] for config in runs_ray["config"]} == {1}


@pytest.mark.slow
def test_a_killed_ray_worker_fails_its_run_and_the_comparison_goes_on(ray_address, tmp_path):
    db = tmp_path / "killed.db"
    command = [*BLOCKED, "--seeds", "1", "--executor", "ray", "--address", ray_address]
    process = start(db, command, hooks=tmp_path, env=RAY_ENV)  # ACTLAB_TEST_* go to the tasks
    worker = waiting_pid(tmp_path, process)
    assert worker != process.pid
    os.kill(worker, signal.SIGKILL)
    code, _, err = finish(process)
    assert code == 0, err
    assert runs(db) == [("blocking_relu", 0, "failed", 1), ("relu", 0, "finished", 1)]
    with Store(db, readonly=True) as store:
        error = store.runs().set_index("activation").loc["blocking_relu", "error"]
    assert error.startswith("WorkerDied: the Ray worker training blocking_relu seed 0 was lost")
    code, _, err = finish(start(db, command, env=RAY_ENV))
    assert code == 0, err
    assert runs(db) == [("blocking_relu", 0, "finished", 2), ("relu", 0, "finished", 1)]


@pytest.mark.slow
def test_tune_on_ray_finds_the_trials_of_the_local_executor(ray_address, tmp_path, monkeypatch):
    for name, value in RAY_ENV.items():
        monkeypatch.setenv(name, value)
    fast = {"task": "digits_mlp", "epochs": 2, "sampler": "random", "sampler_seed": 0,
            "quiet": True, "confirm": False}  # fmt: skip
    local = tune(["relu", "leaky_relu"], trials=3, db=tmp_path / "local.db", **fast)
    on_ray = tune(["relu", "leaky_relu"], trials=3, db=tmp_path / "ray.db", executor="ray",
                  address=ray_address, **fast)  # fmt: skip
    assert trials_of(on_ray) == trials_of(local)
    trained = [t for t in on_ray.study().trials if "same_as" not in t.user_attrs]
    for trial in trained:  # epochs come back with each run, to the pruner too
        assert len(trial.intermediate_values) == 2
    with Store(tmp_path / "ray.db", readonly=True) as store:
        runs = store.runs()
    assert {config["executor"]["kind"] for config in runs["config"]} == {"ray"}
    assert len(runs) == len(trained) >= 1


def test_without_ray_the_error_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    with pytest.raises(ValueError, match=r"pip install 'actlab\[ray\]'"):
        make_executor("ray")
    result = CliRunner().invoke(
        app, ["compare", "relu", "--task", "digits_mlp", "--executor", "ray", "--db",
              str(tmp_path / "x.db")],
    )  # fmt: skip
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        "error: the Ray executor needs Ray, which is not installed: pip install "
        "'actlab[ray]' (or pip install 'ray[default]')"
    ]
    assert not Path(tmp_path / "x.db").exists()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_on_ray_the_pruner_stops_a_run_in_flight(ray_address, tmp_path, monkeypatch):
    """Each epoch comes back as it ends, so a trial pruned after its first epoch stops long
    before its 40th (the task is cancelled), and its epochs are in the store."""
    for name, value in RAY_ENV.items():
        monkeypatch.setenv(name, value)
    db = tmp_path / "pruned.db"
    always = optuna.pruners.ThresholdPruner(lower=2.0)  # accuracy never reaches 2
    with pytest.raises(TuneError, match=r"completed \(trials: 1 pruned\)"):
        tune("leaky_relu", trials=1, db=db, executor="ray", address=ray_address, pruner=always,
             task="digits_mlp", epochs=40, sampler="random", quiet=True, confirm=False)  # fmt: skip
    with Store(db, readonly=True) as store:
        runs, epochs = store.runs(), store.epochs()
    assert list(runs["status"]) == ["interrupted"]
    assert list(runs["error"]) == ["pruned by Optuna after epoch 1"]
    assert 1 <= len(epochs) < 40
    assert list(epochs["epoch"]) == list(range(1, len(epochs) + 1))
