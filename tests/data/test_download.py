"""Downloads, against an http.server on 127.0.0.1 serving fabricated files."""

from __future__ import annotations

import os
import socket

import numpy as np
import pytest

from actlab import data
from actlab.data import formats, published, sources

from .fakes import FakeIdx, cifar_pickle, cifar_rows, cifar_tarball, sha256

FIRST = published.MNIST_FILES[0]


def _serve(server, fake: FakeIdx, folder: str = "mnist") -> str:
    fake.write(server.root / folder)
    return server.url + folder + "/"


def _cache_files(dataset: str = "mnist") -> list[str]:
    folder = sources.cache_dir(dataset)
    return sorted(os.listdir(folder)) if folder.exists() else []


def test_download_lands_in_cache_atomically(sandbox, fake_mnist, server, monkeypatch, capfd):
    base = _serve(server, fake_mnist)
    replaced = []
    real_replace = os.replace

    def spy(src, dst):
        replaced.append((os.fspath(src), os.fspath(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    ds = data.load("mnist", mirror=base)

    assert ds.source == base
    np.testing.assert_array_equal(ds.x_test[..., 0], fake_mnist.x_test)
    cache = sources.cache_dir("mnist")
    assert _cache_files() == sorted(published.MNIST_FILES)
    assert [os.path.basename(dst) for _, dst in replaced] == list(published.MNIST_FILES)
    for src, dst in replaced:  # a temporary file in the cache folder, moved into place
        assert os.path.dirname(src) == str(cache) == os.path.dirname(dst)
        assert os.path.basename(src).startswith(".") and src.endswith(".part")
    assert capfd.readouterr().err == ""  # no progress bar when stderr is not a terminal

    server.close()  # now it is all local
    again = data.load("mnist", download=False)
    assert again.source == str(cache)
    np.testing.assert_array_equal(again.x_train, ds.x_train)


def test_mirror_from_environment(sandbox, fake_mnist, server, monkeypatch):
    _serve(server, fake_mnist)
    monkeypatch.setenv("ACTLAB_DATA_MIRROR", server.url)
    assert data.load("mnist").source == server.url + "mnist/"


def test_mirror_table_is_used_by_default(sandbox, fake_mnist, server, monkeypatch):
    monkeypatch.setitem(published.MIRRORS, "mnist", _serve(server, fake_mnist))
    data.load("mnist")
    assert len(server.requests) == 4


def test_corrupted_download_is_retried_once_then_rejected(sandbox, fake_mnist, server):
    base = _serve(server, fake_mnist)
    served = server.root / "mnist" / FIRST
    served.write_bytes(served.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(data.ChecksumError, match=FIRST) as info:
        data.load("mnist", mirror=base)
    assert info.value.expected == sha256(fake_mnist.gz[FIRST])
    assert server.requests == [f"/mnist/{FIRST}"] * 2
    assert _cache_files() == []  # nothing half-written


def test_truncated_download_is_rejected(sandbox, fake_mnist, server):
    base = _serve(server, fake_mnist)
    served = server.root / "mnist" / "t10k-images-idx3-ubyte.gz"
    served.write_bytes(served.read_bytes()[:20])
    with pytest.raises(data.ChecksumError, match=r"t10k-images-idx3-ubyte\.gz"):
        data.load("mnist", mirror=base)
    # Files before it were verified and kept; the bad one left nothing behind.
    assert _cache_files() == sorted(["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"])


def test_connection_cut_mid_file_leaves_nothing(sandbox, fake_mnist, server):
    base = _serve(server, fake_mnist)
    server.cut(FIRST)
    with pytest.raises(data.DownloadError, match=FIRST):
        data.load("mnist", mirror=base)
    assert _cache_files() == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_gone_is_a_clear_offline_error(sandbox, fake_mnist):
    with pytest.raises(data.DownloadError) as info:
        data.load("mnist", mirror=f"http://127.0.0.1:{_closed_port()}/mnist/")
    error, message = info.value, str(info.value)
    assert isinstance(error, FileNotFoundError) and isinstance(error, ConnectionError)
    for name in published.MNIST_FILES:
        assert name in message
    assert str(sources.cache_dir("mnist")) in message
    assert error.missing == published.MNIST_FILES and error.folder == sources.cache_dir("mnist")
    assert _cache_files() == []


def test_offline_error_lists_only_the_files_still_missing(sandbox, fake_mnist, server):
    base = _serve(server, fake_mnist)
    (server.root / "mnist" / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(data.DownloadError) as info:
        data.load("mnist", mirror=base)
    assert info.value.missing == published.MNIST_FILES[2:]
    assert "Missing files: t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz." in str(info.value)
    assert _cache_files() == sorted(published.MNIST_FILES[:2])


def test_http_404_is_a_download_error(sandbox, fake_mnist, server):
    with pytest.raises(data.DownloadError, match="404"):
        data.load("mnist", mirror=server.url + "nothing-here/")


def test_corrupted_cache_file_without_download_says_what_to_do(sandbox, fake_mnist):
    cache = fake_mnist.write(sources.cache_dir("mnist"))
    (cache / FIRST).write_bytes(b"garbage")
    with pytest.raises(data.ChecksumError) as info:
        data.load("mnist", download=False)
    assert str(cache / FIRST) in str(info.value) and "download=True" in str(info.value)
    assert "Delete it" in str(info.value)


def test_corrupted_cache_file_is_downloaded_again(sandbox, fake_mnist, server):
    base = _serve(server, fake_mnist)
    cache = fake_mnist.write(sources.cache_dir("mnist"))
    (cache / FIRST).write_bytes(fake_mnist.gz[FIRST][:-5])
    ds = data.load("mnist", mirror=base)
    assert server.requests == [f"/mnist/{FIRST}"]
    assert (cache / FIRST).read_bytes() == fake_mnist.gz[FIRST]
    assert ds.source == str(cache)


def test_only_missing_files_are_downloaded(sandbox, fake_mnist, server):
    base = _serve(server, fake_mnist)
    cache = fake_mnist.write(sources.cache_dir("mnist"))
    (cache / published.MNIST_FILES[1]).unlink()
    (cache / published.MNIST_FILES[3]).unlink()
    data.load("mnist", mirror=base)
    assert server.requests == [f"/mnist/{published.MNIST_FILES[i]}" for i in (1, 3)]


def test_progress_bar_on_a_terminal_passes_bytes_through(monkeypatch, capsys):
    monkeypatch.setattr(sources.sys.stderr, "isatty", lambda: True, raising=False)
    chunks = [b"ab", b"cde", b"f"]
    assert list(sources._progress(iter(chunks), 6, "demo.gz")) == chunks
    captured = capsys.readouterr()
    assert "downloading demo.gz" in captured.err and captured.out == ""


CIFAR10_NAMES = ["airplane", "automobile", "bird", "cat", "deer"] + ["dog", "frog", "horse"] * 1
CIFAR10_NAMES += ["ship", "truck"]


def _cifar10_tarball() -> tuple[bytes, dict]:
    layout = formats.CIFAR10
    batches = {name: cifar_rows(3, i) for i, name in enumerate((*layout.train, *layout.test))}
    members = {
        f"{layout.folder}/{name}": cifar_pickle({"data": rows, "labels": [0, 9, i % 10]})
        for i, (name, rows) in enumerate(batches.items())
    }
    meta = {"label_names": [n.encode() for n in CIFAR10_NAMES], "num_vis": 3072}
    members[f"{layout.folder}/{layout.meta}"] = cifar_pickle(meta)
    members[f"{layout.folder}/readme.html"] = b"<html></html>"
    return cifar_tarball(members), batches


def test_cifar10_download_and_parse(sandbox, server, monkeypatch):
    tarball, batches = _cifar10_tarball()
    (server.root / "cifar-10-python.tar.gz").write_bytes(tarball)
    monkeypatch.setitem(published.SHA256, "cifar10", {"cifar-10-python.tar.gz": sha256(tarball)})
    ds = data.load("CIFAR-10", mirror=server.url)

    assert ds.source == server.url + "cifar-10-python.tar.gz"
    assert ds.x_train.shape == (15, 32, 32, 3) and ds.x_test.shape == (3, 32, 32, 3)
    assert ds.class_names == tuple(CIFAR10_NAMES)
    assert ds.y_train[:3].tolist() == [0, 9, 0] and ds.y_test.tolist() == [0, 9, 5]
    rows = batches["data_batch_2"]  # rows are channel-major: R plane, G plane, B plane
    red, green, blue = rows[1, 5 * 32 + 7], rows[1, 1024 + 5 * 32 + 7], rows[1, 2048 + 5 * 32 + 7]
    assert ds.x_train[3 + 1, 5, 7].tolist() == [red, green, blue]
    assert _cache_files("cifar10") == ["cifar-10-python.tar.gz"]
    again = data.load("cifar10", download=False)
    assert again.source == str(sources.cache_dir("cifar10") / "cifar-10-python.tar.gz")


def test_cifar100_uses_fine_labels_and_names(sandbox, server, monkeypatch):
    layout = formats.CIFAR100
    fine = [f"fine_{i}" for i in range(100)]
    members = {
        f"{layout.folder}/train": cifar_pickle(
            {"data": cifar_rows(4, 0), "fine_labels": [99, 1, 2, 3], "coarse_labels": [0] * 4}
        ),
        f"{layout.folder}/test": cifar_pickle(
            {"data": cifar_rows(2, 1), "fine_labels": [5, 6], "coarse_labels": [1, 1]}
        ),
        f"{layout.folder}/meta": cifar_pickle(
            {"fine_label_names": fine, "coarse_label_names": ["c"] * 20}
        ),
    }
    tarball = cifar_tarball(members)
    (server.root / "cifar-100-python.tar.gz").write_bytes(tarball)
    monkeypatch.setitem(published.SHA256, "cifar100", {"cifar-100-python.tar.gz": sha256(tarball)})
    ds = data.load("cifar100", mirror=server.url)
    assert ds.y_train.tolist() == [99, 1, 2, 3] and ds.y_test.tolist() == [5, 6]
    assert ds.class_names == tuple(fine) and ds.num_classes == 100
