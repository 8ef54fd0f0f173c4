"""Opening a results file: what is refused (and left byte-identical), created or read."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from actlab.experiments.store import (
    SCHEMA_VERSION,
    NewerSchemaError,
    NotActlabDatabaseError,
    NotSQLiteError,
    ReadOnlyStoreError,
    Store,
    StoreError,
    StoreNotFoundError,
)
from tests.experiments.store.stores import (
    LOAD_STORE,
    make_store_with_one_run,
    sha256,
)


def make_foreign_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    conn.commit()
    conn.close()


def make_newer_store(path: Path) -> None:
    make_store_with_one_run(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()


def make_text_file(path: Path) -> None:
    path.write_text("activation,accuracy\nrelu,0.9\n" * 20)


@pytest.mark.parametrize("readonly", [False, True])
@pytest.mark.parametrize(
    ("make", "error", "hint"),
    [
        (make_foreign_database, NotActlabDatabaseError, "not an actlab results store"),
        (make_newer_store, NewerSchemaError, "Upgrade actlab"),
        (make_text_file, NotSQLiteError, "not a SQLite database"),
    ],
)
def test_refused_files_are_left_untouched(db: Path, make, error, hint, readonly: bool) -> None:
    make(db)
    before = sha256(db)
    with pytest.raises(error, match=hint) as excinfo:
        Store(db, readonly=readonly)
    assert str(db) in str(excinfo.value)
    assert sha256(db) == before


def test_foreign_wal_left_by_a_crash_is_not_folded_into_the_file(db: Path) -> None:
    """Opening read-write would checkpoint the foreign WAL into the file when closing."""
    crashed_writer = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA journal_mode = WAL')\n"
        "conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "conn.execute('CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)')\n"
        "conn.execute('INSERT INTO invoices (amount) VALUES (12.5)')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", crashed_writer, str(db)], check=True, timeout=60)
    assert Path(f"{db}-wal").stat().st_size > 0
    before = sha256(db)
    for readonly in (False, True):
        with pytest.raises(NotActlabDatabaseError, match="invoices"):
            Store(db, readonly=readonly)
    assert sha256(db) == before


def test_reading_a_missing_file_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreNotFoundError, match="does not exist"):
        Store(missing, readonly=True)
    assert not missing.exists()


def test_writing_creates_the_file_and_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "results.db"
    with Store(path) as store:
        store.create_comparison("cmp", "xor")
    assert path.exists()


def test_an_empty_file_becomes_a_store_but_is_not_read_as_one(db: Path) -> None:
    db.touch()
    with pytest.raises(NotActlabDatabaseError, match="empty"):
        Store(db, readonly=True)
    with Store(db) as store:
        store.create_comparison("cmp", "xor")


def test_a_directory_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


@pytest.mark.parametrize("target", ["file", "directory"])
def test_read_only_file_or_directory(db: Path, target: str) -> None:
    make_store_with_one_run(db)
    before = sha256(db)
    locked = db if target == "file" else db.parent
    mode = locked.stat().st_mode
    locked.chmod(0o444 if target == "file" else 0o555)
    try:
        with pytest.raises(ReadOnlyStoreError, match="can still be read") as excinfo:
            Store(db)
        assert str(db) in str(excinfo.value)
        with Store(db, readonly=True) as store:
            assert store.runs()["status"].tolist() == ["finished"]
    finally:
        locked.chmod(mode)
    assert sha256(db) == before


UNPRIVILEGED_READER_SCRIPT = (
    LOAD_STORE
    + """
import os, pwd
db, warm_up = sys.argv[1], sys.argv[2]
with store_module.Store(warm_up) as store:  # imports what queries need while still allowed
    store.runs(), store.epochs()
if os.geteuid() == 0:  # root ignores file modes: drop to nobody
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
try:
    store_module.Store(db)
except store_module.ReadOnlyStoreError:
    print("writer refused")
with store_module.Store(db, readonly=True) as store:
    print("reader sees", len(store.runs()), "runs")
"""
)


def test_read_only_directory_for_an_unprivileged_user(tmp_path: Path) -> None:
    """A user who may not write: writing is refused, reading works although no -shm can be
    created next to the WAL-mode file."""
    if os.geteuid() == 0:
        pwd = pytest.importorskip("pwd")
        try:
            pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("running as root and there is no 'nobody' user to drop to")
    directory = Path(tempfile.mkdtemp(prefix="actlab-ro-"))  # outside root's private tmp_path
    db = directory / "results.db"
    try:
        make_store_with_one_run(db)
        assert not Path(f"{db}-wal").exists()  # a clean close leaves no WAL to recover
        before = sha256(db)
        db.chmod(0o444)
        directory.chmod(0o555)
        result = subprocess.run(
            [sys.executable, "-c", UNPRIVILEGED_READER_SCRIPT, str(db), str(tmp_path / "w.db")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split("\n")[:2] == ["writer refused", "reader sees 1 runs"]
        assert sha256(db) == before
        assert sorted(path.name for path in directory.iterdir()) == ["results.db"]
    finally:
        directory.chmod(0o755)
        db.chmod(0o644)
        for path in directory.iterdir():
            path.unlink()
        directory.rmdir()
