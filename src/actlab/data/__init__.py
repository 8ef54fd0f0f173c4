"""Datasets by name, identical every time: ``load("fashion_mnist")`` → `Dataset`.

Images are uint8 NHWC, labels int64. File datasets (mnist, fashion_mnist, cifar10, cifar100)
are found locally or downloaded and SHA-256-checked; digits and synthetic need no files.
Your own data: ``register("my_data", loader)``, then ``load_split("my_data")`` (see `own`).
"""

from __future__ import annotations

from actlab.data.dataset import Dataset
from actlab.data.errors import (
    ChecksumError,
    DataNotFoundError,
    DatasetArgumentError,
    DatasetError,
    DownloadError,
    FormatError,
    UnknownDatasetError,
)
from actlab.data.own import Split, to_split
from actlab.data.registry import (
    describe,
    is_own,
    load,
    load_split,
    names,
    register,
    resolve,
    unregister,
)
from actlab.data.sources import cache_dir, search_dirs

__all__ = [
    "ChecksumError",
    "DataNotFoundError",
    "Dataset",
    "DatasetArgumentError",
    "DatasetError",
    "DownloadError",
    "FormatError",
    "Split",
    "UnknownDatasetError",
    "cache_dir",
    "describe",
    "is_own",
    "load",
    "load_split",
    "names",
    "register",
    "resolve",
    "search_dirs",
    "to_split",
    "unregister",
]
