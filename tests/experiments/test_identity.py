"""One environment per comparison: a rerun on another backend or dtype policy is refused in
one line naming both, never mixed into one table; under another name it is a comparison of
its own."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import keras
import pytest

from actlab.experiments import Store, StoreError, compare, environment

FAST = {"task": "digits_mlp", "seeds": 1, "epochs": 1, "quiet": True, "keep_models": False}
NAME = "digits_mlp[epochs=1]"


@pytest.fixture
def mixed_precision():
    """Keras' global dtype policy set to mixed_bfloat16 for the test, then restored."""
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    yield
    keras.config.set_dtype_policy(before)


def test_a_suggested_name_says_the_environment():
    assert environment.name_suffix({"backend": "jax", "dtype_policy": "float32"}) == "{jax}"
    mixed = {"backend": "torch", "dtype_policy": "mixed_float16"}
    assert environment.name_suffix(mixed) == "{torch,mixed_float16}"


def test_the_environment_is_stored_with_the_comparison(tmp_path):
    result = compare(["relu"], db=tmp_path / "env.db", **FAST)
    with Store(tmp_path / "env.db", readonly=True) as store:
        config = store.comparisons().set_index("name").loc[result.name, "config"]
    assert config["environment"] == environment.identity()


def test_another_dtype_policy_under_the_same_name_is_refused(tmp_path, mixed_precision):
    db = tmp_path / "env.db"
    keras.config.set_dtype_policy("float32")
    compare(["relu"], db=db, name="mine", **FAST)
    keras.config.set_dtype_policy("mixed_bfloat16")
    refusal = (
        r"was run on \S+ \(float32\), not on \S+ \(mixed_bfloat16\).*'mine\{\S+,mixed_bfloat16\}'"
    )
    with pytest.raises(StoreError, match=refusal):
        compare(["relu"], db=db, name="mine", **FAST)
    with Store(db, readonly=True) as store:
        assert len(store.runs("mine")) == 1


def test_an_older_comparison_is_told_by_its_runs(tmp_path, mixed_precision):
    """A comparison stored without its environment (an older actlab) is identified by the
    environment its runs recorded."""
    db = tmp_path / "old.db"
    keras.config.set_dtype_policy("float32")
    compare(["relu"], db=db, name="old", **FAST)
    with sqlite3.connect(db) as conn:
        (text,) = conn.execute("SELECT config FROM comparisons WHERE name = 'old'").fetchone()
        config = json.loads(text)
        del config["environment"]
        conn.execute("UPDATE comparisons SET config = ? WHERE name = 'old'", (json.dumps(config),))
    keras.config.set_dtype_policy("mixed_bfloat16")
    with pytest.raises(StoreError, match=r"\(float32\), not on .* \(mixed_bfloat16\)"):
        compare(["relu"], db=db, name="old", **FAST)
    keras.config.set_dtype_policy("float32")
    compare(["relu"], db=db, name="old", **FAST)  # the same environment: reopened
    with Store(db, readonly=True) as store:
        assert store.comparisons().set_index("name").loc["old", "config"]["environment"]


SCRIPT = """
import sys
import actlab
result = actlab.compare(["relu"], task="digits_mlp", seeds=1, epochs=1, db=sys.argv[1],
                        quiet=True, keep_models=False)
print(result.name)
"""


def _in_backend(backend: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KERAS_BACKEND": backend}
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip


@pytest.mark.slow
@pytest.mark.all_backends
def test_a_rerun_on_another_backend_is_refused_and_runs_under_another_name(tmp_path):
    pytest.importorskip("jax")
    db = str(tmp_path / "two.db")
    on_tf = _in_backend("tensorflow", "-c", SCRIPT, db)
    assert on_tf.returncode == 0, on_tf.stderr
    assert on_tf.stdout.split() == [NAME]
    command = ["-m", "actlab.cli", "compare", "relu", "--task", "digits_mlp", "--seeds", "1",
               "--epochs", "1", "--quiet", "--db", db]  # fmt: skip
    refused = _in_backend("jax", *command)
    assert refused.returncode == 2
    lines = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert "was run on tensorflow (float32), not on jax (float32)" in lines[0]
    assert "KERAS_BACKEND=tensorflow" in lines[0] and NAME + "{jax}" in lines[0]
    on_jax = _in_backend("jax", *command, "--name", NAME + "{jax}")
    assert on_jax.returncode == 0, on_jax.stderr
    with Store(db, readonly=True) as store:
        assert sorted(store.comparisons()["name"]) == [NAME, NAME + "{jax}"]
        for name, backend in ((NAME, "tensorflow"), (NAME + "{jax}", "jax")):
            assert {c["backend"] for c in store.runs(name)["config"]} == {backend}
            assert len(store.runs(name)) == 1
