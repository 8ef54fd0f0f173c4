from __future__ import annotations

import pytest

from actlab.data import sources

from .fakes import FakeIdx, FileServer


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No env overrides, a fresh cache under tmp_path, and the real system folders."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(sources.ENV_DATA_DIR, raising=False)
    monkeypatch.delenv(sources.ENV_MIRROR, raising=False)
    return tmp_path


@pytest.fixture
def sandbox(isolated, monkeypatch):
    """`isolated`, and the system dataset roots replaced by an empty folder under tmp_path."""
    monkeypatch.setattr(sources, "SYSTEM_ROOTS", (isolated / "system",))
    return isolated


@pytest.fixture
def fake_mnist(monkeypatch) -> FakeIdx:
    """Tiny idx files, pinned as the official MNIST ones for the test's duration."""
    fake = FakeIdx.make()
    fake.pin(monkeypatch, "mnist")
    return fake


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    srv = FileServer(root)
    yield srv
    srv.close()
