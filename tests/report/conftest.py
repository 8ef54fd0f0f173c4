"""Report fixtures: a really trained tiny comparison (once per run) and hand-written stores."""

from __future__ import annotations

import matplotlib
import pytest

from tests.report import stores

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def trained_db(tmp_path_factory):
    """relu vs tanhexp, 2 seeds x 2 epochs on digits, trained for real."""

    def build(folder):
        stores.train_tiny_comparison(folder / "actlab.db")

    return stores.shared_build(tmp_path_factory, "trained-store", build) / "actlab.db"


@pytest.fixture(scope="session")
def trained_report(tmp_path_factory, trained_db):
    """The HTML report of `trained_db`, written once per run."""
    from actlab import report

    def build(folder):
        report.write_report(folder / "report.html", trained_db)

    return stores.shared_build(tmp_path_factory, "trained-report", build) / "report.html"


@pytest.fixture(scope="session")
def hostile_activation():
    """The name of the activation with hostile texts (registered only while reporting)."""
    return stores.HOSTILE_ACTIVATION


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory, hostile_activation):
    """A comparison named like a script tag: finished, failed and diverged runs, no models."""

    def build(folder):
        stores.write_comparison(folder / "actlab.db", stores.HOSTILE, [
            stores.run("relu", 0, accuracy=0.90), stores.run("relu", 1, accuracy=0.91),
            stores.run(hostile_activation, 0, accuracy=0.93, wrong=3),
            stores.run(hostile_activation, 1, status="failed",
                       error="Traceback ...\nValueError: <b>bad</b> & " + stores.HOSTILE),
            stores.run("tanhexp", 0, accuracy=0.92), stores.run("tanhexp", 1, status="diverged"),
        ])  # fmt: skip

    return stores.shared_build(tmp_path_factory, "hostile-store", build) / "actlab.db"


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory, hostile_db):
    """The HTML report of `hostile_db`, written once per run."""
    from actlab import report

    def build(folder):
        with stores.hostile_activation_registered():
            report.write_report(folder / "report.html", hostile_db)

    return stores.shared_build(tmp_path_factory, "hostile-report", build) / "report.html"


@pytest.fixture(scope="session")
def cli_app():
    """actlab's Typer app (with the `plot` and `report` commands)."""
    from actlab import cli

    return cli.app
