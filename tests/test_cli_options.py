"""The command line's own options: --version, choices listed in --help, flags shown as flags."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import actlab
from actlab.cli import app, bench, catalog, experiments, report, tune

runner = CliRunner()
COMMANDS = [[], ["list"], ["show"], ["docs"], ["compare"], ["tune"], ["runs"], ["export"],
            ["reproduce"], ["tasks"], ["plot"], ["report"], ["bench", "ops"],
            ["bench", "models"]]  # fmt: skip


def test_version_prints_the_package_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"actlab {actlab.__version__}\n"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "actlab")
def test_help_shows_flags_without_a_type(command):
    result = runner.invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output and "--help" in result.output


@pytest.mark.parametrize(
    ("command", "listed"),
    [
        (["compare"], ["table|json|csv", "paired_t|wilcoxon"]),
        (["export"], ["csv|json"]),
        (["list"], ["function|layer"]),
        (["report"], ["html|markdown", "std|ci95", "sum|best"]),
        (["tune"], ["val_accuracy|val_loss", "tpe|random", "median|none", "paired_t|wilcoxon"]),
        (["bench", "ops"], ["float32|float16|bfloat16"]),
    ],
)
def test_help_lists_the_choices(command, listed):
    output = runner.invoke(app, [*command, "--help"], terminal_width=200).output
    for choices in listed:
        assert choices in output, choices


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--format", "parquet"], "--format must be one of csv, json, got 'parquet'"),
        (["list", "--kind", "widget"], "--kind must be one of function, layer, got 'widget'"),
        (["report", "--band", "iqr"], "--band must be one of std, ci95, got 'iqr'"),
        (["tune", "relu", "--pruner", "hyperband"], "--pruner must be one of median, none"),
    ],
)
def test_a_value_outside_the_choices_is_one_line(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.output == f"error: {message}" + result.output.split(message, 1)[1]
    assert len(result.output.strip().splitlines()) == 1


def test_the_choices_are_the_librarys_own():
    from actlab.bench.ops import DTYPES
    from actlab.experiments.significance import TESTS
    from actlab.plots.curves import BANDS
    from actlab.report.build import FORMATS
    from actlab.report.figures import CONFUSION_MODES
    from actlab.tune.pruning import METRICS
    from actlab.tune.study import PRUNERS, SAMPLERS

    assert tuple(TESTS) == experiments.TESTS
    assert (tuple(METRICS), SAMPLERS, PRUNERS) == (tune.METRICS, tune.SAMPLERS, tune.PRUNERS)
    assert (FORMATS, tuple(BANDS)) == (report.FORMATS, report.BANDS)
    assert CONFUSION_MODES == report.CONFUSION_MODES
    assert DTYPES == bench.DTYPES
    assert {entry.kind for entry in actlab.activations.specs()} == set(catalog.KINDS)


def test_the_cli_default_store_is_the_stores_own():
    from actlab.cli.common import DEFAULT_DB
    from actlab.experiments.store import DEFAULT_DB as STORE_DEFAULT_DB

    assert DEFAULT_DB == STORE_DEFAULT_DB
