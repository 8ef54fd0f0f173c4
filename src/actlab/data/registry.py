"""The dataset registry: names, lookup with suggestions, and `load`."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from actlab.checks import closest, did_you_mean
from actlab.data import formats, generated, own, sources
from actlab.data.dataset import Dataset
from actlab.data.errors import DatasetArgumentError, UnknownDatasetError

DIGIT_NAMES = tuple(str(i) for i in range(10))
FASHION_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


@dataclass(frozen=True)
class Entry:
    """How to build one dataset: from located files (`from_files`) or from keyword options."""

    name: str
    description: str
    from_files: Callable[[str, sources.Located], Dataset] | None = None
    generate: Callable[..., Dataset] | None = None
    loader: Callable[..., Any] | None = None  # a user's, registered with `register`

    @property
    def options(self) -> tuple[str, ...]:
        """Keyword options `load` passes on to `generate` (or to a user's `loader`)."""
        made_by = self.generate or self.loader
        return tuple(inspect.signature(made_by).parameters) if made_by else ()


def _idx_builder(class_names: tuple[str, ...]) -> Callable[[str, sources.Located], Dataset]:
    def build(name: str, located: sources.Located) -> Dataset:
        train_x, train_y, test_x, test_y = located.paths
        x_train, y_train = formats.read_idx_split(train_x, train_y, len(class_names))
        x_test, y_test = formats.read_idx_split(test_x, test_y, len(class_names))
        return Dataset(name, x_train, y_train, x_test, y_test, class_names, located.source)

    return build


def _cifar_builder(layout: formats.CifarLayout) -> Callable[[str, sources.Located], Dataset]:
    def build(name: str, located: sources.Located) -> Dataset:
        x_train, y_train, x_test, y_test, names_ = formats.read_cifar(located.paths[0], layout)
        return Dataset(name, x_train, y_train, x_test, y_test, names_, located.source)

    return build


_ENTRIES = {
    e.name: e
    for e in (
        Entry("mnist", "handwritten digits, 28×28 grey", _idx_builder(DIGIT_NAMES)),
        Entry("fashion_mnist", "Zalando articles, 28×28 grey", _idx_builder(FASHION_NAMES)),
        Entry("cifar10", "10 classes, 32×32 colour", _cifar_builder(formats.CIFAR10)),
        Entry("cifar100", "100 fine classes, 32×32 colour", _cifar_builder(formats.CIFAR100)),
        Entry("digits", "scikit-learn's 8×8 digits, offline", generate=generated.digits),
        Entry("synthetic", "seeded class patterns plus noise", generate=generated.synthetic),
    )
}


def names() -> list[str]:
    """Sorted names of every dataset."""
    return sorted(_ENTRIES)


def describe() -> dict[str, str]:
    """Name -> one-line description."""
    return {n: _ENTRIES[n].description for n in names()}


def resolve(name: str) -> str:
    """The registered name for `name` (case, "-" and "_" ignored), or `UnknownDatasetError`."""
    if not isinstance(name, str):
        raise DatasetArgumentError(f"a dataset name must be a str, got {name!r}")
    by_key = {_key(n): n for n in _ENTRIES}
    if _key(name) in by_key:
        return by_key[_key(name)]
    hint = did_you_mean(name.strip().lower(), names())
    raise UnknownDatasetError(
        f"unknown dataset {name!r}.{hint} Available: {', '.join(names())}. Your own: "
        "actlab.data.register(name, loader)."
    )


def load(
    name: str,
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
    *,
    mirror: str | None = None,
    **options: Any,
) -> Dataset:
    """Load dataset `name`, identical on every call.

    File datasets are looked for in `data_dir`, ``$ACTLAB_DATA_DIR``, system dataset folders and
    the user cache, then downloaded (if `download`) from `mirror` or the official source and
    checked against pinned SHA-256 hashes; downloads land in the user cache. `options` go to
    generated datasets (``synthetic``).
    """
    entry = _ENTRIES[resolve(name)]
    _check_options(entry, options)
    if entry.loader is not None:
        return _as_dataset(entry, load_split(entry.name, **options))
    if entry.generate is not None:
        return entry.generate(**options)
    assert entry.from_files is not None
    located = sources.locate(entry.name, data_dir, download=bool(download), mirror=mirror)
    return entry.from_files(entry.name, located)


def register(
    name: str, loader: Callable[..., Any], *, description: str = "", override: bool = False
) -> str:
    """Add your own dataset: `loader(**options)` returns its data in any form
    `actlab.data.own.to_split` takes (NumPy arrays, tf.data.Datasets, torch DataLoaders).

    Then ``Task(dataset=name, ...)``, ``compare(..., data=name)`` and `load_split` use it
    (`load` too, when its inputs are uint8 images). A registered name needs
    ``override=True`` to be replaced; a built-in dataset cannot be.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise DatasetArgumentError(f"a dataset name must be a snake_case identifier, got {name!r}")
    if not callable(loader):
        raise DatasetArgumentError(
            f"register({name!r}, loader): loader must be a function returning the data, got "
            f"{type(loader).__name__}"
        )
    taken = _ENTRIES.get(name)
    if taken is not None and (taken.loader is None or not override):
        fix = "choose another name" if taken.loader is None else "pass override=True"
        raise DatasetArgumentError(f"dataset {name!r} exists; {fix}")
    doc = (inspect.getdoc(loader) or "").split("\n")[0]
    _ENTRIES[name] = Entry(name, description or doc or "your own data", loader=loader)
    return name


def unregister(name: str) -> None:
    """Remove a dataset added with `register` (built-in ones stay)."""
    entry = _ENTRIES.get(name)
    if entry is not None and entry.loader is None:
        raise DatasetArgumentError(f"dataset {name!r} is built in and cannot be removed")
    _ENTRIES.pop(name, None)


def is_own(name: str) -> bool:
    """Whether `name` is a dataset added with `register`."""
    entry = _ENTRIES.get(resolve(name))
    return entry is not None and entry.loader is not None


def load_split(
    name: str,
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
    *,
    mirror: str | None = None,
    **options: Any,
) -> own.Split:
    """The four arrays of dataset `name`, built-in or your own (inputs as given: uint8
    images for the built-in ones)."""
    entry = _ENTRIES[resolve(name)]
    if entry.loader is None:
        return own.to_split(load(name, data_dir, download, mirror=mirror, **options))
    _check_options(entry, options)
    return own.to_split(entry.loader(**options), f"dataset {entry.name!r}")


def _as_dataset(entry: Entry, split: own.Split) -> Dataset:
    """A user's split as a `Dataset` record, which holds uint8 images only."""
    if not (split.x_train.dtype == split.x_test.dtype == np.uint8 and split.x_train.ndim == 4):
        raise DatasetArgumentError(
            f"dataset {entry.name!r} is not uint8 images (N, H, W, C) (its inputs are "
            f"{split.x_train.dtype} of shape {split.x_train.shape}); read it with "
            f"actlab.data.load_split({entry.name!r})"
        )
    labels = [y.astype(np.int64) for y in (split.y_train, split.y_test)]
    class_names = tuple(str(i) for i in range(split.num_classes))
    return Dataset(entry.name, split.x_train, labels[0], split.x_test, labels[1], class_names,
                   "registered with actlab.data.register")  # fmt: skip


def _check_options(entry: Entry, options: dict[str, Any]) -> None:
    unknown = [k for k in options if k not in entry.options]
    if not unknown:
        return
    accepted = ", ".join(entry.options) or "none"
    close = closest(unknown[0], entry.options, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    also = "" if entry.loader else " (every dataset also takes data_dir, download and mirror)"
    raise DatasetArgumentError(
        f"{entry.name}: unknown keyword argument {unknown[0]!r}{hint}. Options it takes: "
        f"{accepted}{also}."
    )


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
