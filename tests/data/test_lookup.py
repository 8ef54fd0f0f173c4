"""Where files are looked for: data_dir → $ACTLAB_DATA_DIR → system folders → user cache."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from actlab import data
from actlab.data import published, sources

from .fakes import FakeIdx, sha256


def test_lookup_order(sandbox, fake_mnist, monkeypatch):
    given = fake_mnist.write(sandbox / "given")
    env = fake_mnist.write(sandbox / "env" / "mnist")
    system = fake_mnist.write(sandbox / "system" / "mnist")
    cache = fake_mnist.write(sources.cache_dir("mnist"))
    monkeypatch.setenv("ACTLAB_DATA_DIR", str(sandbox / "env"))

    assert data.load("mnist", data_dir=given, download=False).source == str(given)
    assert data.load("mnist", download=False).source == str(env)
    monkeypatch.delenv("ACTLAB_DATA_DIR")
    assert data.load("mnist", download=False).source == str(system)
    shutil.rmtree(system)
    assert data.load("mnist", download=False).source == str(cache)
    shutil.rmtree(cache)
    with pytest.raises(data.DataNotFoundError):
        data.load("mnist", download=False)


def test_cache_lives_under_xdg_cache_home(sandbox):
    assert sources.cache_dir("mnist") == sandbox / "cache" / "actlab" / "mnist"


def test_loaded_arrays_match_the_files(sandbox, fake_mnist):
    ds = data.load("mnist", data_dir=fake_mnist.write(sandbox / "d"), download=False)
    np.testing.assert_array_equal(ds.x_train[..., 0], fake_mnist.x_train)
    np.testing.assert_array_equal(ds.y_test, fake_mnist.y_test.astype(np.int64))
    assert ds.x_train.shape == (12, 6, 6, 1) and ds.class_names == tuple("0123456789")


def test_data_dir_may_hold_a_subfolder_per_dataset(sandbox, fake_mnist):
    fake_mnist.write(sandbox / "root" / "mnist")
    ds = data.load("mnist", data_dir=sandbox / "root", download=False)
    assert ds.source == str(sandbox / "root" / "mnist")


def test_incomplete_folder_is_skipped(sandbox, fake_mnist):
    partial = fake_mnist.write(sandbox / "partial")
    (partial / published.MNIST_FILES[0]).unlink()
    cache = fake_mnist.write(sources.cache_dir("mnist"))
    assert data.load("mnist", data_dir=partial, download=False).source == str(cache)


def test_corrupted_file_in_data_dir_is_an_error_naming_it(sandbox, fake_mnist):
    folder = fake_mnist.write(sandbox / "given")
    bad = folder / "t10k-labels-idx1-ubyte.gz"
    bad.write_bytes(bad.read_bytes()[:-3])
    with pytest.raises(data.ChecksumError, match=r"t10k-labels-idx1-ubyte\.gz") as info:
        data.load("mnist", data_dir=folder, download=True)
    assert info.value.path == bad and bad.exists()  # a user's file is never deleted


def test_missing_everywhere_names_files_and_folder(sandbox, fake_mnist):
    with pytest.raises(data.DataNotFoundError) as info:
        data.load("mnist", download=False)
    message = str(info.value)
    for name in published.MNIST_FILES:
        assert name in message
    assert str(sources.cache_dir("mnist")) in message and "download=True" in message
    assert info.value.missing == published.MNIST_FILES
    assert info.value.folder == sources.cache_dir("mnist")
    assert not sources.cache_dir("mnist").exists()  # nothing created when not downloading


def test_extracted_and_recompressed_files_verify_by_payload(sandbox, monkeypatch):
    """Like Debian's Fashion-MNIST: other gzip bytes, same payload; or already gunzipped."""
    fake = FakeIdx.make(seed=1)
    monkeypatch.setitem(published.SHA256, "fashion_mnist", {n: "0" * 64 for n in fake.gz})
    raw_pins = {n: sha256(raw) for n, raw in fake.raw.items()}
    monkeypatch.setitem(published.RAW_SHA256, "fashion_mnist", raw_pins)
    folder = sandbox / "mixed"
    folder.mkdir()
    for i, (name, raw) in enumerate(fake.raw.items()):
        if i % 2:
            (folder / name.removesuffix(".gz")).write_bytes(raw)
        else:
            (folder / name).write_bytes(gzip.compress(raw, compresslevel=1, mtime=12345))
    ds = data.load("fashion_mnist", data_dir=folder, download=False)
    np.testing.assert_array_equal(ds.x_train[..., 0], fake.x_train)
    np.testing.assert_array_equal(ds.y_train, fake.y_train)

    (folder / "t10k-labels-idx1-ubyte").write_bytes(fake.raw["train-labels-idx1-ubyte.gz"])
    with pytest.raises(data.ChecksumError, match="t10k-labels-idx1-ubyte"):
        data.load("fashion_mnist", data_dir=folder, download=False)


def test_extracted_files_are_ignored_without_a_payload_pin(sandbox, fake_mnist):
    folder = sandbox / "extracted"
    folder.mkdir()
    for name, raw in fake_mnist.raw.items():
        (folder / name.removesuffix(".gz")).write_bytes(raw)
    with pytest.raises(data.DataNotFoundError):
        data.load("mnist", data_dir=folder, download=False)
