"""digits (scikit-learn's 8×8 digits, shipped with actlab) and synthetic (seeded, learnable)."""

from __future__ import annotations

import numpy as np
import pytest

from actlab import data


def test_digits_shapes_scaling_and_fixed_split():
    from sklearn.datasets import load_digits

    ds = data.load("digits")
    assert ds.x_train.shape == (1437, 8, 8, 1) and ds.x_test.shape == (360, 8, 8, 1)
    assert ds.x_train.dtype == np.uint8 and ds.y_test.dtype == np.int64
    assert ds.x_train.max() == 255 and ds.x_train.min() == 0
    assert ds.class_names == tuple("0123456789")
    assert set(np.unique(ds.y_train)) == set(range(10))
    # The test set is the last 360 images, scaled from 0..16 to 0..255.
    sk = load_digits()
    np.testing.assert_array_equal(ds.y_test, sk.target[-360:])
    np.testing.assert_array_equal(ds.x_test[-1, :, :, 0], np.rint(sk.images[-1] * 255 / 16))
    assert ds.source.endswith("digits.npz")


def test_the_shipped_digits_are_scikit_learns():
    from importlib import resources

    from sklearn.datasets import load_digits

    sk = load_digits()
    with (resources.files("actlab.data") / "digits.npz").open("rb") as file, np.load(file) as ours:
        assert sorted(ours.files) == ["images", "target"]
        assert ours["images"].dtype == np.uint8 and ours["images"].shape == (1797, 8, 8)
        np.testing.assert_array_equal(ours["images"], sk.images)
        np.testing.assert_array_equal(ours["target"], sk.target)
    assert list(sk.target_names) == list(range(10))


def test_digits_is_identical_every_time():
    a, b = data.load("digits"), data.load("digits")
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)


def test_synthetic_shapes_and_classes():
    ds = data.load("synthetic", shape=(5, 7, 3), classes=4, n_train=40, n_test=12, seed=3)
    assert ds.x_train.shape == (40, 5, 7, 3) and ds.x_test.shape == (12, 5, 7, 3)
    assert ds.x_train.dtype == np.uint8 and ds.y_train.dtype == np.int64
    assert ds.class_names == ("class_0", "class_1", "class_2", "class_3")
    assert np.bincount(ds.y_train).tolist() == [10, 10, 10, 10]
    assert set(ds.y_test.tolist()) == {0, 1, 2, 3}


def test_synthetic_two_dim_shape_gets_one_channel():
    assert data.load("synthetic", shape=(4, 4)).input_shape == (4, 4, 1)


def test_synthetic_is_deterministic_and_seeded():
    a = data.load("synthetic", seed=7)
    b = data.load("synthetic", seed=7)
    c = data.load("synthetic", seed=8)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


def test_synthetic_train_set_does_not_depend_on_test_size():
    a = data.load("synthetic", n_test=10)
    b = data.load("synthetic", n_test=50)
    np.testing.assert_array_equal(a.x_train, b.x_train)


def _nearest_centroid_accuracy(ds: data.Dataset) -> float:
    x_train = ds.x_train.reshape(len(ds.x_train), -1).astype(float)
    x_test = ds.x_test.reshape(len(ds.x_test), -1).astype(float)
    centroids = np.stack([x_train[ds.y_train == c].mean(0) for c in range(ds.num_classes)])
    distances = ((x_test[:, None, :] - centroids[None]) ** 2).sum(-1)
    return float((distances.argmin(1) == ds.y_test).mean())


def test_synthetic_is_learnable_but_noisy():
    ds = data.load("synthetic", shape=(8, 8, 1), classes=5, n_train=500, n_test=200)
    assert _nearest_centroid_accuracy(ds) > 0.9
    hard = data.load("synthetic", shape=(2, 2, 1), classes=5, noise=2.0, n_train=500, n_test=500)
    assert _nearest_centroid_accuracy(hard) < 0.9  # the noise is real


@pytest.mark.parametrize(
    "options",
    [
        {"classes": 1},
        {"classes": 2.5},
        {"n_train": 0},
        {"n_test": True},
        {"seed": -1},
        {"noise": -0.1},
        {"shape": (8,)},
        {"shape": (8, 0, 1)},
        {"shape": "8x8"},
    ],
)
def test_synthetic_rejects_bad_values(options):
    with pytest.raises(data.DatasetArgumentError, match="synthetic"):
        data.load("synthetic", **options)
