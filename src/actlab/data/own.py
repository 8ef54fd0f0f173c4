"""Your own data, as the four arrays a comparison trains on: `to_split`, `Split`, `fingerprint`.

Accepted forms (train first, then test):

* NumPy arrays (or anything ``np.asarray`` takes): ``((x_train, y_train), (x_test, y_test))``
  or ``(x_train, y_train, x_test, y_test)``;
* a pair ``(train, test)`` of ``tf.data.Dataset``s whose elements are ``(x, y)``, one example
  (``y`` a scalar class index) or one batch each;
* a pair ``(train, test)`` of ``torch.utils.data.DataLoader``s giving ``(x, y)`` batches, in
  a fixed order (``shuffle=False``: each run shuffles the training data under its own seed);
* an `actlab.data.Dataset`.

Datasets and loaders are read once into memory. Labels are class indices, ``(N,)`` or
``(N, 1)``. TensorFlow and PyTorch are imported only for their own objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from actlab.data.dataset import Dataset
from actlab.data.errors import DatasetArgumentError

_FORMS = (
    "((x_train, y_train), (x_test, y_test)) of NumPy arrays, a (train, test) pair of "
    "tf.data.Datasets or torch DataLoaders, or a registered dataset name"
)


class Split(NamedTuple):
    """The train and test arrays of one dataset, as given (inputs are not rescaled here)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def input_shape(self) -> tuple[int, ...]:
        """The shape of one input example."""
        return tuple(int(d) for d in self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        """Classes the labels name: the largest label plus one (at least 2)."""
        return max(2, int(max(self.y_train.max(), self.y_test.max())) + 1)


def to_split(data: Any, what: str = "data") -> Split:
    """`data` in any accepted form (module docstring) as a checked `Split`; else
    `DatasetArgumentError` naming what is wrong. `what` names it in messages."""
    if isinstance(data, Split):
        return _checked(data, what)
    if isinstance(data, Dataset):
        return Split(data.x_train, data.y_train, data.x_test, data.y_test)
    parts = _parts(data, what)
    if len(parts) == 4:
        return _checked(Split(*(_array(p, what) for p in parts)), what)
    train, test = _pair(parts[0], "train", what), _pair(parts[1], "test", what)
    return _checked(Split(*train, *test), what)


def fingerprint(split: Split) -> str:
    """SHA-256 (first 16 hex digits) of the four arrays' dtypes, shapes and bytes: the same
    data give the same fingerprint in any process."""
    digest = hashlib.sha256()
    for array in split:
        contiguous = np.ascontiguousarray(array)
        digest.update(f"{contiguous.dtype.str}{contiguous.shape}".encode())
        digest.update(contiguous.tobytes())
    return digest.hexdigest()[:16]


def describe(data: Any) -> str:
    """A short name for what `data` is: "numpy arrays", "tf.data", "torch DataLoader"."""
    parts = _parts(data, "data") if isinstance(data, tuple | list) else (data,)
    kinds = {_kind(part) for part in parts}
    return " and ".join(sorted(kinds))


def _kind(obj: Any) -> str:
    if _is_tf_dataset(obj):
        return "tf.data"
    if _is_torch_loader(obj):
        return "torch DataLoader"
    if isinstance(obj, Dataset):
        return "dataset"
    return "numpy arrays"


def _parts(data: Any, what: str) -> tuple[Any, ...]:
    if isinstance(data, tuple | list) and len(data) in (2, 4):
        return tuple(data)
    raise DatasetArgumentError(
        f"{what}: expected {_FORMS}, got {type(data).__name__}"
        + (f" of length {len(data)}" if isinstance(data, tuple | list) else "")
    )


def _pair(part: Any, split: str, what: str) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) arrays of one split given as a pair of arrays, a tf.data.Dataset or a loader."""
    if _is_tf_dataset(part):
        return _from_batches(part.as_numpy_iterator(), f"{what}'s {split} tf.data.Dataset")
    if _is_torch_loader(part):
        _check_fixed_order(part, split, what)
        return _from_batches(iter(part), f"{what}'s {split} DataLoader")
    if isinstance(part, tuple | list) and len(part) == 2:
        return _array(part[0], what), _array(part[1], what)
    raise DatasetArgumentError(
        f"{what}: the {split} part must be (x_{split}, y_{split}), a tf.data.Dataset or a "
        f"torch DataLoader, got {type(part).__name__}"
    )


def _from_batches(elements: Iterable[Any], source: str) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated (x, y) of batches, or stacked ones of single examples (y a scalar)."""
    xs, ys = [], []
    for element in elements:
        if not isinstance(element, tuple | list) or len(element) != 2:
            raise DatasetArgumentError(
                f"{source} must give (x, y) pairs, got {type(element).__name__}"
                + (f" of {len(element)} items" if isinstance(element, tuple | list) else "")
            )
        xs.append(_array(element[0], source))
        ys.append(_array(element[1], source))
    if not xs:
        raise DatasetArgumentError(f"{source} is empty")
    if ys[0].ndim == 0:
        return np.stack(xs), np.stack(ys)
    return np.concatenate(xs), np.concatenate(ys)


def _check_fixed_order(loader: Any, split: str, what: str) -> None:
    from torch.utils.data import RandomSampler

    if isinstance(loader.sampler, RandomSampler):
        raise DatasetArgumentError(
            f"{what}: the {split} DataLoader shuffles (shuffle=True), so its data differ on "
            "each pass; give it shuffle=False (each run shuffles under its own seed)"
        )


def _array(value: Any, what: str) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise DatasetArgumentError(f"{what}: arrays must be numeric, got dtype {array.dtype}")
    return array


def _checked(split: Split, what: str) -> Split:
    for name in ("train", "test"):
        x, y = getattr(split, f"x_{name}"), getattr(split, f"y_{name}")
        if x.ndim < 2 or len(x) == 0:
            raise DatasetArgumentError(
                f"{what}: x_{name} must hold at least one example, shape (N, ...), got "
                f"shape {x.shape}"
            )
        _check_labels(y, len(x), name, what)
    if split.x_train.shape[1:] != split.x_test.shape[1:]:
        raise DatasetArgumentError(
            f"{what}: train examples have shape {split.x_train.shape[1:]} but test examples "
            f"{split.x_test.shape[1:]}; give both splits the same shape"
        )
    return Split(split.x_train, split.y_train.reshape(-1), split.x_test, split.y_test.reshape(-1))


def _check_labels(y: np.ndarray, count: int, split: str, what: str) -> None:
    if y.ndim == 2 and y.shape[1] > 1:
        raise DatasetArgumentError(
            f"{what}: y_{split} has shape {y.shape}, one-hot or multi-label; give class "
            f"indices of shape ({count},), e.g. y_{split}.argmax(axis=1)"
        )
    if y.shape not in ((count,), (count, 1)):
        raise DatasetArgumentError(
            f"{what}: y_{split} must be class indices of shape ({count},) to match "
            f"x_{split}'s {count} examples, got shape {y.shape}"
        )
    if not np.issubdtype(y.dtype, np.integer) or (y.size and y.min() < 0):
        raise DatasetArgumentError(
            f"{what}: y_{split} must hold class indices 0, 1, 2, ... (integers), got dtype "
            f"{y.dtype}" + (f" with minimum {y.min()}" if y.size else "")
        )


def _is_tf_dataset(obj: Any) -> bool:
    return _from_package(obj, "tensorflow") and hasattr(obj, "as_numpy_iterator")


def _is_torch_loader(obj: Any) -> bool:
    return _from_package(obj, "torch.utils.data") and hasattr(obj, "sampler")


def _from_package(obj: Any, package: str) -> bool:
    """Whether `obj`'s class, or a class it derives from, is defined in `package`."""
    return any(cls.__module__.startswith(package) for cls in type(obj).__mro__)
