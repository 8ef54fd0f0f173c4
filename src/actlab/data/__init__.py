"""Datasets by name, identical every time: ``load("fashion_mnist")`` → `Dataset`.

Images are uint8 NHWC, labels int64. File datasets (mnist, fashion_mnist, cifar10, cifar100)
are found locally or downloaded and SHA-256-checked; digits and synthetic need no files.
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
from actlab.data.registry import describe, load, names, resolve
from actlab.data.sources import cache_dir, search_dirs

__all__ = [
    "ChecksumError",
    "DataNotFoundError",
    "Dataset",
    "DatasetArgumentError",
    "DatasetError",
    "DownloadError",
    "FormatError",
    "UnknownDatasetError",
    "cache_dir",
    "describe",
    "load",
    "names",
    "resolve",
    "search_dirs",
]
