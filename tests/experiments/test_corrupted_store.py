"""A damaged results store is refused as corrupted, by the Store and every command, and is
never written to."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import actlab
from actlab.cli import app
from actlab.experiments.store import CorruptStoreError, Store, StoreError


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A real store: relu, 2 seeds x 1 epoch on digits, models kept."""
    db = tmp_path_factory.mktemp("pristine") / "actlab.db"
    actlab.compare(["relu"], task="digits_mlp", seeds=2, epochs=1, db=db, quiet=True)
    return db


def _copy(pristine: Path, folder: Path) -> Path:
    db = folder / "actlab.db"
    shutil.copy(pristine, db)
    return db


def _zero(db: Path, start: int, length: int) -> None:
    with db.open("r+b") as handle:
        handle.seek(start)
        handle.write(b"\0" * length)


@pytest.fixture
def middle_zeroed(pristine, tmp_path) -> Path:
    db = _copy(pristine, tmp_path)
    size = db.stat().st_size
    _zero(db, size // 3, size // 3)
    return db


@pytest.fixture
def meta_page_zeroed(pristine, tmp_path) -> Path:
    db = _copy(pristine, tmp_path)
    with sqlite3.connect(db) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'meta'").fetchone()
    conn.close()
    _zero(db, (root[0] - 1) * page_size, page_size)
    return db


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("damage", ["middle_zeroed", "meta_page_zeroed"])
@pytest.mark.parametrize("readonly", [False, True])
def test_a_damaged_store_is_refused_as_corrupted(request, damage, readonly):
    db = request.getfixturevalue(damage)
    before = sha256(db)
    with pytest.raises(CorruptStoreError, match="is corrupted") as excinfo:
        Store(db, readonly=readonly)
    message = str(excinfo.value)
    assert str(db) in message and "Restore it from a copy" in message and "--db" in message
    assert "not an actlab" not in message
    assert sha256(db) == before


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "relu", "--task", "digits_mlp", "--seeds", "3", "--epochs", "1", "--quiet"],
        ["runs"],
        ["export"],
        ["report", "-o", "{folder}/report.html"],
    ],
)
def test_every_command_refuses_a_corrupted_store_in_one_line(middle_zeroed, command):
    before = sha256(middle_zeroed)
    args = [part.format(folder=middle_zeroed.parent) for part in command]
    result = CliRunner().invoke(app, [*args, "--db", str(middle_zeroed)], terminal_width=300)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert "is corrupted" in result.output and "Traceback" not in result.output
    assert sha256(middle_zeroed) == before
    assert not (middle_zeroed.parent / "report.html").exists()


def test_a_query_error_inside_pandas_is_a_store_error_without_sql(pristine, tmp_path):
    db = _copy(pristine, tmp_path)
    with Store(db, readonly=True) as store:
        with sqlite3.connect(db) as other:  # another program changes the file meanwhile
            other.execute("DROP TABLE epochs")
        other.close()
        with pytest.raises(StoreError, match="no such table: epochs") as excinfo:
            store.epochs()
    assert str(db) in str(excinfo.value) and "SELECT" not in str(excinfo.value)
