"""Small promises at the edges: bad input refused at once and clearly, nothing left behind,
error lines not wrapped, and hints that name only what exists."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from actlab.cli import app
from actlab.experiments import Candidate, Store, compare
from actlab.experiments.store import (
    ComparisonMismatchError,
    ReadOnlyStoreError,
    StoreError,
    StoreLockedError,
    opening,
)

FAST = {"task": "digits_mlp", "epochs": 1, "quiet": True}


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), terminal_width=300)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"seeds": "3"}, TypeError, "seeds must be a count"),
        ({"seeds": 2.5}, TypeError, "seeds must be a count"),
        ({"seeds": [-1]}, ValueError, "whole numbers from 0 to 4294967295"),
        ({"seeds": [0, 1.5]}, ValueError, "whole numbers"),
        ({"activations": ["elu:alpha=1,alpha=2"]}, ValueError, "gives parameter 'alpha' twice"),
        ({"activations": ["elu", "elu:alpha=1"]}, ValueError,
         r"elu and elu\(alpha=1.0\) are the same activation"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_before_the_store_is_touched(tmp_path, kwargs, error, message):
    db = tmp_path / "never.db"
    arguments = {"activations": ["relu"], "seeds": 1, **FAST, **kwargs}
    with pytest.raises(error, match=message):
        compare(arguments.pop("activations"), db=db, **arguments)
    assert not db.exists()


def test_the_same_activation_twice_under_one_label_trains_once(tmp_path):
    result = compare(["elu:alpha=0.5", "elu:alpha=0.50", "relu"], seeds=1, db=tmp_path / "d.db",
                     **FAST)  # fmt: skip
    assert result.labels == ["elu(alpha=0.5)", "relu"]
    assert len(result.runs()) == 2
    assert Candidate.parse("elu:alpha=0.5") == Candidate.parse("elu:alpha=0.50")


def test_a_command_that_fails_leaves_no_empty_comparison(tmp_path):
    db = tmp_path / "kept.db"
    compare(["relu"], seeds=1, db=db, name="earlier", **FAST)
    result = invoke("compare", "relu", "--task", "digits_mlp", "--set", "dataset=nope",
                    "--db", str(db), "--quiet")  # fmt: skip
    assert result.exit_code == 2 and "nope" in result.output
    comparisons = Store(db, readonly=True).comparisons()
    assert list(comparisons["name"]) == ["earlier"]  # the user's own comparison is kept


def test_a_device_file_is_not_called_a_directory():
    result = invoke("runs", "--db", "/dev/null")
    assert result.exit_code == 2
    assert "/dev/null is not a regular file" in result.output and "directory" not in result.output


def test_error_lines_are_not_wrapped_when_stderr_is_a_file(tmp_path):
    missing = tmp_path / ("a-long-folder-name-" * 4) / "results-with-a-long-name.db"
    done = subprocess.run([sys.executable, "-m", "actlab.cli", "runs", "--db", str(missing)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and str(missing) in errors[0] and len(errors[0]) > 120


def _store_with_a_run(db) -> None:
    with Store(db) as store:
        comparison = store.create_comparison("cmp", "xor", {"epochs": 3})
        store.finish_run(store.start_run(comparison, "relu", {}, 0), test_loss=0.3,
                         test_accuracy=0.9)  # fmt: skip


def test_hints_name_only_what_exists(tmp_path):
    db = tmp_path / "hints.db"
    _store_with_a_run(db)
    with Store(db) as store, pytest.raises(ComparisonMismatchError) as mismatch:
        store.create_comparison("cmp", "xor", {"epochs": 4})
    assert "another comparison name" in str(mismatch.value)
    assert "replace_config" not in str(mismatch.value)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreLockedError) as locked:
            Store(db, timeout=0.1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "timeout" not in str(locked.value) and "try again" in str(locked.value)


def test_a_store_on_a_read_only_mount_is_not_told_to_chmod(tmp_path, monkeypatch):
    db = tmp_path / "mounted.db"
    _store_with_a_run(db)
    real_statvfs = os.statvfs

    class ReadOnlyMount:  # what statvfs says of a file on a read-only mount
        def __init__(self, path):
            self.f_flag = real_statvfs(path).f_flag | os.ST_RDONLY

    monkeypatch.setattr(opening.os, "statvfs", ReadOnlyMount)
    with pytest.raises(ReadOnlyStoreError) as excinfo:
        Store(db)
    message = str(excinfo.value)
    assert "read-only file system" in message and "copy it" in message
    assert "chmod" not in message and "readonly=True" not in message


def test_a_full_disk_says_to_free_space(tmp_path):
    db = tmp_path / "full.db"
    _store_with_a_run(db)
    with Store(db) as store:
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full"
        comparison = store.comparison_id("cmp")
        with pytest.raises(StoreError) as excinfo:
            store.start_run(comparison, "gelu", {}, 0, {"padding": "x" * 100_000})
        assert len(store.runs()) == 1  # nothing was written
    message = str(excinfo.value)
    assert "disk is full" in message and "Free space" in message and "copy" not in message
