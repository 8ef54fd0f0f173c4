"""Preprocessing shared by every task: uint8 images to float32 in [0, 1], labels to int64 (N,).

As in the articles: ``x / 255.0`` (article 000 casts to float16; float32 here, like articles
001/002/004).
"""

from __future__ import annotations

import numpy as np


def scale_images(images) -> np.ndarray:
    """uint8 images (N, H, W[, C]) -> float32 (N, H, W, C) in [0, 1]."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError(f"expected uint8 images (0..255), got dtype {images.dtype}")
    if images.ndim == 3:
        images = images[..., np.newaxis]
    return images.astype(np.float32) / np.float32(255.0)


def integer_labels(labels, num_classes: int) -> np.ndarray:
    """Class indices of any int shape ((N,) or (N, 1) as Keras' CIFAR gives) -> int64 (N,)."""
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"expected integer class labels, got dtype {labels.dtype}")
    labels = labels.reshape(-1).astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels must lie in [0, {num_classes - 1}], got {labels.min()}..{labels.max()}"
        )
    return labels


def model_inputs(inputs) -> np.ndarray:
    """uint8 images as `scale_images` makes them; any other numbers as float32, unchanged."""
    inputs = np.asarray(inputs)
    if inputs.dtype == np.uint8:
        return scale_images(inputs)
    return inputs.astype(np.float32)
