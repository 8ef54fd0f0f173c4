"""The `Dataset` record: four arrays, class names and where they came from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A train/test split: uint8 NHWC images and int64 labels in ``[0, len(class_names))``."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "class_names", tuple(str(c) for c in self.class_names))
        _check_split("train", self.x_train, self.y_train, len(self.class_names))
        _check_split("test", self.x_test, self.y_test, len(self.class_names))
        if self.x_train.shape[1:] != self.x_test.shape[1:]:
            raise ValueError(
                f"train images are {self.x_train.shape[1:]} but test images {self.x_test.shape[1:]}"
            )

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """(height, width, channels) of one image."""
        return tuple(int(d) for d in self.x_train.shape[1:])  # type: ignore[return-value]

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, train={len(self.y_train)}, test={len(self.y_test)}, "
            f"input_shape={self.input_shape}, num_classes={self.num_classes}, "
            f"source={self.source!r})"
        )


def _check_split(split: str, x: np.ndarray, y: np.ndarray, num_classes: int) -> None:
    """Raise ValueError unless x is uint8 (N,H,W,C) and y int64 (N,) with labels in range."""
    if not isinstance(x, np.ndarray) or x.dtype != np.uint8 or x.ndim != 4:
        raise ValueError(f"x_{split} must be a uint8 array of shape (N, H, W, C)")
    if not isinstance(y, np.ndarray) or y.dtype != np.int64 or y.shape != (len(x),):
        raise ValueError(f"y_{split} must be an int64 array of shape ({len(x)},)")
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"y_{split} has labels outside [0, {num_classes})")
