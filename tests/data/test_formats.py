"""The idx and CIFAR parsers on good and bad input."""

from __future__ import annotations

import gzip
import os
import pickle

import numpy as np
import pytest

from actlab.data import FormatError, formats

from .fakes import cifar_pickle, cifar_rows, cifar_tarball, idx_bytes


def test_idx_round_trip():
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(formats.parse_idx(idx_bytes(array)), array)


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        (b"\x00\x00\x0d\x01" + b"\x00" * 8, "not an unsigned-byte idx"),
        (b"\x01\x00\x08\x01" + b"\x00" * 8, "not an unsigned-byte idx"),
        (b"\x00\x00\x08\x03\x00\x00", "header is truncated"),
        (idx_bytes(np.zeros((2, 3, 4), np.uint8))[:-1], "its header says"),
        (idx_bytes(np.zeros(5, np.uint8)) + b"x", "its header says"),
    ],
)
def test_idx_rejects_malformed_bytes(raw, match):
    with pytest.raises(FormatError, match=match):
        formats.parse_idx(raw, "f.idx")


def test_truncated_gzip_is_a_format_error(tmp_path):
    path = tmp_path / "x-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.zeros(1000, np.uint8)))[:-30])
    with pytest.raises(FormatError, match=str(path)):
        formats.read_idx_labels(path, 10)


def test_idx_labels_out_of_range(tmp_path):
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(idx_bytes(np.array([0, 10], np.uint8)))
    with pytest.raises(FormatError, match="labels outside"):
        formats.read_idx_labels(path, 10)


def test_idx_split_with_mismatched_counts(tmp_path):
    images, labels = tmp_path / "i", tmp_path / "l"
    images.write_bytes(idx_bytes(np.zeros((3, 2, 2), np.uint8)))
    labels.write_bytes(idx_bytes(np.zeros(2, np.uint8)))
    with pytest.raises(FormatError, match="3 images"):
        formats.read_idx_split(images, labels, 10)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_cifar_unpickler_refuses_code():
    with pytest.raises(FormatError, match="refusing"):
        formats.unpickle(pickle.dumps({b"data": _Evil()}, protocol=2), "evil")


def test_cifar_unpickler_loads_python2_pickles():
    rows = cifar_rows(2, 0)
    loaded = formats.unpickle(cifar_pickle({"data": rows, "labels": [1, 2], "name": "b1"}), "ok")
    np.testing.assert_array_equal(loaded["data"], rows)
    assert loaded["labels"] == [1, 2] and loaded["name"] == b"b1"


@pytest.mark.parametrize("protocol", [2, 4])
def test_cifar_unpickler_loads_python3_pickles(protocol):
    rows = cifar_rows(2, 0)
    loaded = formats.unpickle(pickle.dumps({b"data": rows}, protocol=protocol), "ok")
    np.testing.assert_array_equal(loaded["data"], rows)


def test_cifar_tarball_missing_member(tmp_path):
    path = tmp_path / "c.tar.gz"
    path.write_bytes(cifar_tarball({"cifar-10-batches-py/test_batch": cifar_pickle({})}))
    with pytest.raises(FormatError, match=r"missing members .*data_batch_1"):
        formats.read_cifar(path, formats.CIFAR10)


def test_cifar_not_a_tarball(tmp_path):
    path = tmp_path / "c.tar.gz"
    path.write_bytes(b"not a tarball at all")
    with pytest.raises(FormatError, match="not a readable CIFAR tarball"):
        formats.read_cifar(path, formats.CIFAR10)
