"""Names, lookup, keyword checks, the error hierarchy and the Dataset record."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from actlab import data


def test_names_are_sorted_and_complete():
    assert data.names() == ["cifar10", "cifar100", "digits", "fashion_mnist", "mnist", "synthetic"]
    assert set(data.describe()) == set(data.names())


@pytest.mark.parametrize(
    ("typed", "name"),
    [("Fashion-MNIST", "fashion_mnist"), ("CIFAR-10", "cifar10"), ("mnist", "mnist")],
)
def test_resolve_ignores_case_and_separators(typed, name):
    assert data.resolve(typed) == name


def test_unknown_name_suggests_the_closest():
    with pytest.raises(data.UnknownDatasetError) as info:
        data.load("fashon_mnist")
    assert isinstance(info.value, ValueError) and isinstance(info.value, data.DatasetError)
    assert "'fashion_mnist'" in str(info.value)
    assert "Available: cifar10, cifar100" in str(info.value)


def test_unknown_name_without_close_match_lists_all():
    with pytest.raises(data.UnknownDatasetError, match="Available: cifar10") as info:
        data.load("imagenet")
    assert "Did you mean" not in str(info.value)


def test_non_string_name():
    with pytest.raises(data.DatasetArgumentError):
        data.load(3)


def test_unknown_keyword_is_named_with_a_suggestion():
    expected = r"'clases'.*did you mean 'classes'"
    with pytest.raises(data.DatasetArgumentError, match=expected) as info:
        data.load("synthetic", clases=3)
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)


def test_file_datasets_take_no_extra_keywords(sandbox):
    with pytest.raises(data.DatasetArgumentError, match="mnist: unknown keyword argument 'seed'"):
        data.load("mnist", seed=1, download=False)


def test_error_hierarchy():
    assert issubclass(data.DataNotFoundError, FileNotFoundError)
    assert issubclass(data.DownloadError, data.DataNotFoundError)
    assert issubclass(data.DownloadError, ConnectionError)
    assert issubclass(data.ChecksumError, ValueError)
    assert issubclass(data.FormatError, ValueError)
    for error in (data.DataNotFoundError, data.ChecksumError, data.FormatError):
        assert issubclass(error, data.DatasetError)


def _arrays(n=3):
    return np.zeros((n, 2, 2, 1), np.uint8), np.zeros(n, np.int64)


def test_dataset_is_frozen_and_validates():
    x, y = _arrays()
    ds = data.Dataset("t", x, y, x, y, ["a", "b"], "here")
    assert ds.class_names == ("a", "b") and "train=3" in repr(ds)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "u"  # type: ignore[misc]
    with pytest.raises(ValueError, match="y_train"):
        data.Dataset("t", x, y[:2], x, y, ["a"], "here")
    with pytest.raises(ValueError, match="uint8"):
        data.Dataset("t", x.astype(np.float32), y, x, y, ["a"], "here")
    with pytest.raises(ValueError, match="labels outside"):
        data.Dataset("t", x, y + 1, x, y, ["a"], "here")
