"""Datasets that need no download: the 8×8 digits shipped with actlab, and seeded synthetic
images."""

from __future__ import annotations

from importlib import resources

import numpy as np

from actlab.checks import is_integer, is_real
from actlab.data.dataset import Dataset
from actlab.data.errors import DatasetArgumentError

DIGITS_TEST_FRACTION = 0.2
#: scikit-learn's `load_digits` (UCI optdigits), shipped with actlab: `images` (1797, 8, 8)
#: uint8 in 0..16 and `target` (1797,), in scikit-learn's order.
DIGITS_FILE = "digits.npz"


def digits() -> Dataset:
    """scikit-learn's 8×8 digits scaled to 0..255; the last 20% (360 images) are the test set."""
    source = resources.files("actlab.data") / DIGITS_FILE
    with source.open("rb") as file, np.load(file) as arrays:
        images, target = arrays["images"], arrays["target"]
    x = np.rint(images * (255.0 / 16.0)).astype(np.uint8)[..., np.newaxis]
    y = target.astype(np.int64)
    n_test = int(np.ceil(len(y) * DIGITS_TEST_FRACTION))
    return Dataset(
        name="digits",
        x_train=x[:-n_test],
        y_train=y[:-n_test],
        x_test=x[-n_test:],
        y_test=y[-n_test:],
        class_names=tuple(str(c) for c in range(10)),
        source=str(source),
    )


def synthetic(
    shape: tuple[int, ...] = (8, 8, 1),
    classes: int = 3,
    n_train: int = 600,
    n_test: int = 200,
    seed: int = 0,
    noise: float = 0.25,
) -> Dataset:
    """Seeded images: one random prototype per class plus Gaussian noise (std `noise`, in 0..1
    units), scaled to uint8. Labels are balanced and shuffled. The train set does not depend on
    `n_test`, nor the test set on `n_train`."""
    shape = _image_shape(shape)
    _check_int("classes", classes, 2)
    _check_int("n_train", n_train, 1)
    _check_int("n_test", n_test, 1)
    _check_int("seed", seed, 0)
    _check_noise(noise)
    rng = np.random.default_rng
    prototypes = rng([seed, 0]).uniform(0.0, 1.0, size=(classes, *shape))
    x_train, y_train = _synthetic_split(prototypes, n_train, noise, rng([seed, 1]))
    x_test, y_test = _synthetic_split(prototypes, n_test, noise, rng([seed, 2]))
    return Dataset(
        name="synthetic",
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        class_names=tuple(f"class_{i}" for i in range(classes)),
        source=(
            f"synthetic(shape={shape}, classes={classes}, n_train={n_train}, n_test={n_test}, "
            f"seed={seed}, noise={noise})"
        ),
    )


def _synthetic_split(
    prototypes: np.ndarray, n: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    labels = rng.permutation(np.arange(n, dtype=np.int64) % len(prototypes))
    values = prototypes[labels] + rng.normal(0.0, noise, size=(n, *prototypes.shape[1:]))
    images = np.rint(np.clip(values, 0.0, 1.0) * 255.0).astype(np.uint8)
    return images, labels


def _image_shape(shape: object) -> tuple[int, int, int]:
    """(H, W, C) from an (H, W) or (H, W, C) sequence of positive ints."""
    dims = tuple(shape) if isinstance(shape, (tuple, list)) else ()
    if len(dims) not in (2, 3) or not all(is_integer(d) and d >= 1 for d in dims):
        raise DatasetArgumentError(
            f"synthetic: shape must be (height, width) or (height, width, channels) of positive "
            f"ints, got {shape!r}"
        )
    height, width, *channels = (int(d) for d in dims)
    return (height, width, channels[0] if channels else 1)


def _check_int(name: str, value: object, minimum: int) -> None:
    if not is_integer(value) or value < minimum:
        raise DatasetArgumentError(f"synthetic: {name} must be an int >= {minimum}, got {value!r}")


def _check_noise(noise: object) -> None:
    if not is_real(noise) or not 0 <= noise < 1e6:  # type: ignore[operator]
        raise DatasetArgumentError(f"synthetic: noise must be a finite number >= 0, got {noise!r}")
