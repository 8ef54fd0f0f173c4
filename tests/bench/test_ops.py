"""`actlab bench ops` and `bench.run_ops` on tiny tensors, every backend."""

from __future__ import annotations

import json

import pytest

from actlab import activations, bench
from actlab.bench import ops
from tests.bench.conftest import assert_one_line_error, invoke, positive_finite

NAMES = ["tanhexp", "gelu", "hard_sigmoid"]


@pytest.fixture(scope="module")
def result():
    return bench.run_ops(NAMES, size=4096, repeats=2, sample_seconds=0.002)


def _timed(result) -> set[str]:
    return {key.split(":")[0] for key in result.measurements["median_seconds"]}


def test_every_candidate_is_timed_in_both_modes(result):
    keys = set(result.measurements["median_seconds"])
    expected = {"copy/copy", "relu/actlab", "gelu/native", "gelu/naive", "tanhexp/naive"}
    expected |= {f"{n}/actlab" for n in NAMES}
    if hasattr(activations, "portable"):
        expected |= {f"{n}/portable" for n in NAMES}
    assert expected <= _timed(result)
    assert {f"{c}:{mode}" for c in expected for mode in ops.MODES} <= keys
    assert "hard_sigmoid/native" not in _timed(result)  # no backend has article 003's slope 0.2


def test_rows_have_every_column_and_relu_is_one(result):
    assert [row["activation"] for row in result.rows] == ["copy", "relu", *NAMES]
    for row in result.rows:
        assert {c.key for c in result.columns} <= set(row)
    relu = result.rows[1]
    assert relu["actlab_forward"] == 1.0 and relu["actlab_backward"] == 1.0


def test_ratios_are_positive_and_finite(result):
    for row in result.rows:
        for implementation in ops.IMPLEMENTATIONS:
            for mode in ops.MODES:
                value = row[f"{implementation}_{mode}"]
                assert value is None or positive_finite(value), (row["activation"], value)
    assert positive_finite(result.rows[2]["naive_forward"])


def test_saved_memory_is_a_multiple_of_the_input(result):
    saved = result.measurements["saved_for_backward_multiple"]
    saved_columns = [c.key for c in result.columns if c.key.endswith("_saved")]
    assert saved_columns == ["actlab_saved", "portable_saved", "naive_saved"]
    assert saved["copy/copy"] == 0.0  # -x needs nothing for its backward
    assert saved["tanhexp/naive"] >= 1.0  # keeps at least its input


def test_json_and_markdown_hold_the_table_and_the_machine(result, tmp_path):
    json_path, md_path = result.write(tmp_path)
    assert json_path.name == f"ops-{result.header['backend']}.json"
    data = json.loads(json_path.read_text())
    head = data["header"]
    assert head["settings"] == {"dtype": "float32", "size": 4096, "repeats": 2}
    assert head["machine"]["processor"] and head["machine"]["cpus"] >= 1
    assert {"keras", "numpy", head["backend"]} <= set(head["versions"])
    assert head["device"] and head["date"]
    assert len(data["rows"]) == len(result.rows)
    markdown = md_path.read_text()
    assert "| activation | actlab fwd | actlab fwd+bwd |" in markdown
    assert "| relu | 1.00 | 1.00 |" in markdown
    assert f"keras {head['versions']['keras']}" in markdown and "size 4096" in markdown


def test_half_precision_runs(tmp_path):
    half = bench.run_ops(["silu"], size=1024, dtype="bfloat16", repeats=1, sample_seconds=0.001)
    assert half.header["settings"]["dtype"] == "bfloat16"
    assert positive_finite(half.rows[2]["actlab_backward"])


def test_cli_prints_the_table_and_writes_both_files(tmp_path):
    result = invoke("ops", "tanhexp", "--size", "4096", "--repeats", "2", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "tanhexp" in result.output and "actlab fwd+bwd" in result.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".md"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tanhexpp"], "unknown activation 'tanhexpp'"),
        (["frelu"], "'frelu' cannot be timed on one tensor"),
        (["--dtype", "float64"], "dtype must be one of float32, float16, bfloat16"),
        (["--size", "0"], "size must be an integer >= 1, got 0"),
        (["--repeats", "0"], "repeats must be an integer >= 1"),
        (["relu", "--all"], "not both"),
    ],
)
def test_bad_input_is_one_clear_line(args, message, tmp_path):
    assert_one_line_error(invoke("ops", *args, "--out", str(tmp_path)), message)
    assert not list(tmp_path.iterdir())


def test_a_size_that_is_no_integer_is_a_usage_error():
    result = invoke("ops", "--size", "many")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--size" in result.output
