"""The published files of each downloadable dataset: where they live and their pinned SHA-256.

``SHA256[dataset][file]`` is the hash of the file exactly as published at ``MIRRORS[dataset]``.
``RAW_SHA256[dataset][file]`` (where known) is the hash of the decompressed payload of a ``.gz``
file, so that re-compressed copies (Debian's) and already-extracted files can be verified too.

Provenance:
- MNIST and Fashion-MNIST ``.gz`` hashes: TensorFlow Datasets ``url_checksums/mnist.txt`` and
  ``url_checksums/fashion_mnist.txt`` (same URLs as below).
- CIFAR tarball hashes: Keras ``keras/src/datasets/cifar10.py`` / ``cifar100.py`` (same URLs).
- Fashion-MNIST payload hashes: computed from Debian's ``dataset-fashion-mnist`` files, whose
  gzip streams are byte-identical to the published ones (only the gzip header's name and mtime
  differ; restoring them reproduces the published SHA-256 above).
"""

from __future__ import annotations

MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
"""The four idx files of an MNIST-style dataset, in the order x_train, y_train, x_test, y_test."""

MIRRORS: dict[str, str] = {
    "mnist": "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "fashion_mnist": "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "cifar10": "https://www.cs.toronto.edu/~kriz/",
    "cifar100": "https://www.cs.toronto.edu/~kriz/",
}

SHA256: dict[str, dict[str, str]] = {
    "mnist": {
        "train-images-idx3-ubyte.gz": (
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
        ),
        "train-labels-idx1-ubyte.gz": (
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
        ),
    },
    "fashion_mnist": {
        "train-images-idx3-ubyte.gz": (
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"
        ),
        "train-labels-idx1-ubyte.gz": (
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"
        ),
    },
    "cifar10": {
        "cifar-10-python.tar.gz": (
            "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
        ),
    },
    "cifar100": {
        "cifar-100-python.tar.gz": (
            "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
        ),
    },
}

RAW_SHA256: dict[str, dict[str, str]] = {
    "fashion_mnist": {
        "train-images-idx3-ubyte.gz": (
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
        ),
        "train-labels-idx1-ubyte.gz": (
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
        ),
        "t10k-images-idx3-ubyte.gz": (
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
        ),
        "t10k-labels-idx1-ubyte.gz": (
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
        ),
    },
}

SYSTEM_FOLDERS: dict[str, str] = {
    "mnist": "mnist",
    "fashion_mnist": "fashion-mnist",
    "cifar10": "cifar-10",
    "cifar100": "cifar-100",
}
"""Folder name of each dataset under a system dataset root (Debian: /usr/share/datasets)."""


def files(dataset: str) -> tuple[str, ...]:
    """Published file names of `dataset`, in a fixed order."""
    return tuple(SHA256[dataset])


def sha256(dataset: str, name: str) -> str:
    """Pinned SHA-256 of the published file `name`."""
    return SHA256[dataset][name]


def raw_sha256(dataset: str, name: str) -> str | None:
    """Pinned SHA-256 of the decompressed payload of `name`, or None where not known."""
    return RAW_SHA256.get(dataset, {}).get(name)
