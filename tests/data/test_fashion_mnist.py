"""The real Fashion-MNIST, from Debian's dataset-fashion-mnist package (installed by .ci/run)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from actlab import data
from actlab.data import published, sources

SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")


def test_loads_real_fashion_mnist_from_the_debian_package(isolated):
    assert all((SYSTEM_DIR / name).is_file() for name in published.MNIST_FILES), (
        f"Fashion-MNIST files are missing from {SYSTEM_DIR}: install them with "
        "`apt-get install -y dataset-fashion-mnist` (as root)"
    )
    ds = data.load("fashion_mnist", download=False)

    assert ds.source == str(SYSTEM_DIR)
    assert ds.x_train.shape == (60000, 28, 28, 1) and ds.x_test.shape == (10000, 28, 28, 1)
    assert ds.x_train.dtype == np.uint8 and ds.y_train.dtype == np.int64
    assert ds.y_train.shape == (60000,) and ds.y_test.shape == (10000,)
    assert ds.class_names[0] == "T-shirt/top" and ds.class_names[9] == "Ankle boot"
    assert ds.num_classes == 10 and ds.input_shape == (28, 28, 1)
    # Fashion-MNIST is exactly balanced, and its first training image is an ankle boot.
    assert np.bincount(ds.y_train).tolist() == [6000] * 10
    assert np.bincount(ds.y_test).tolist() == [1000] * 10
    assert ds.y_train[0] == 9
    assert ds.x_train.max() == 255 and ds.x_train.min() == 0


def test_debian_files_are_repacked_but_their_payload_matches_the_pinned_hash(isolated):
    name = "t10k-labels-idx1-ubyte.gz"
    path = SYSTEM_DIR / name
    assert path.is_file(), f"{path} missing: apt-get install -y dataset-fashion-mnist"
    # Debian's gzip header differs from the published file's, so only the payload hash matches.
    assert sources.sha256_file(path) != published.sha256("fashion_mnist", name)
    assert sources.sha256_gunzipped(path) == published.raw_sha256("fashion_mnist", name)
    assert sources.mismatch(path, "fashion_mnist", name) is None
