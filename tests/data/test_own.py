"""Your own data: every accepted form gives the same four arrays, the registry takes a loader,
and data that cannot work are refused in one line naming the fix."""

from __future__ import annotations

import numpy as np
import pytest

from actlab import data
from actlab.data import DatasetArgumentError, UnknownDatasetError
from actlab.data.own import fingerprint, to_split

RNG = np.random.default_rng(7)
X = RNG.normal(size=(30, 5)).astype("float32")
Y = RNG.integers(0, 3, size=30).astype("int64")
NESTED = ((X[:20], Y[:20]), (X[20:], Y[20:]))


def assert_same_split(split, x_train, y_train, x_test, y_test):
    for got, want in zip(split, (x_train, y_train, x_test, y_test), strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.fixture
def registered():
    names: list[str] = []

    def register(name, loader, **kwargs):
        names.append(data.register(name, loader, **kwargs))
        return name

    yield register
    for name in names:
        data.unregister(name)


def test_numpy_arrays_nested_or_flat_give_the_same_split():
    assert_same_split(to_split(NESTED), X[:20], Y[:20], X[20:], Y[20:])
    assert_same_split(to_split((X[:20], Y[:20], X[20:], Y[20:])), X[:20], Y[:20], X[20:], Y[20:])


def test_column_labels_become_one_dimensional():
    split = to_split(((X[:20], Y[:20, None]), (X[20:], Y[20:, None])))
    assert split.y_train.shape == (20,) and split.y_test.shape == (10,)


def test_shape_and_classes_come_from_the_arrays():
    split = to_split(NESTED)
    assert split.input_shape == (5,)
    assert split.num_classes == int(Y.max()) + 1


@pytest.mark.parametrize("batch", [None, 1, 7, 64])
def test_a_tf_data_dataset_gives_the_arrays_in_order(batch):
    tf = pytest.importorskip("tensorflow")

    def dataset(x, y):
        made = tf.data.Dataset.from_tensor_slices((x, y))
        return made if batch is None else made.batch(batch)

    split = to_split((dataset(X[:20], Y[:20]), dataset(X[20:], Y[20:])))
    assert_same_split(split, X[:20], Y[:20], X[20:], Y[20:])


def test_a_torch_dataloader_gives_the_arrays_in_order():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader, TensorDataset

    def loader(x, y):
        return DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=8)

    split = to_split((loader(X[:20], Y[:20]), loader(X[20:], Y[20:])))
    assert_same_split(split, X[:20], Y[:20], X[20:], Y[20:])


def test_a_shuffling_dataloader_is_refused():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader, TensorDataset

    shuffled = DataLoader(TensorDataset(torch.tensor(X), torch.tensor(Y)), shuffle=True)
    with pytest.raises(DatasetArgumentError, match=r"shuffle=True.*shuffle=False"):
        to_split((shuffled, NESTED[1]))


def test_the_fingerprint_tells_one_changed_value():
    again = tuple((x.copy(), y.copy()) for x, y in NESTED)
    assert fingerprint(to_split(again)) == fingerprint(to_split(NESTED))
    changed = X.copy()
    changed[3, 2] += 1e-3
    other = ((changed[:20], Y[:20]), (changed[20:], Y[20:]))
    assert fingerprint(to_split(other)) != fingerprint(to_split(NESTED))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (((X[:20], np.eye(3)[Y[:20]]), NESTED[1]), r"one-hot .* y_train.argmax\(axis=1\)"),
        (((X[:20], Y[:19]), NESTED[1]), r"shape \(20,\) to match x_train's 20 examples"),
        ((NESTED[0], (X[20:, :4], Y[20:])), r"train examples have shape \(5,\) but test"),
        (((X[:20], Y[:20] + 0.5), NESTED[1]), r"class indices 0, 1, 2, .* dtype float64"),
        (((X[:20], Y[:20] - 5), NESTED[1]), r"class indices .* minimum -"),
        (((X[:0], Y[:0]), NESTED[1]), r"at least one example"),
        ((X, Y, X), r"expected \(\(x_train, y_train\), \(x_test, y_test\)\).*length 3"),
        ("x", r"expected .* got str"),
        (((["a", "b"], [0, 1]), NESTED[1]), r"must be numeric"),
    ],
)
def test_data_that_cannot_work_are_refused_in_one_line(bad, message):
    with pytest.raises(DatasetArgumentError, match=message) as caught:
        to_split(bad)
    assert "\n" not in str(caught.value)


def test_a_registered_loader_is_loaded_by_name_with_its_options(registered):
    def my_data(train: int = 20):
        """Thirty random rows."""
        return (X[:train], Y[:train]), (X[train:], Y[train:])

    registered("my_rows", my_data)
    assert "my_rows" in data.names()
    assert data.describe()["my_rows"] == "Thirty random rows."
    assert data.is_own("my_rows") and not data.is_own("digits")
    assert_same_split(data.load_split("my_rows", train=25), X[:25], Y[:25], X[25:], Y[25:])
    with pytest.raises(DatasetArgumentError, match=r"unknown keyword argument 'trian'.*'train'"):
        data.load_split("my_rows", trian=3)


def test_a_registered_name_is_gone_after_unregister():
    data.register("short_lived", lambda: NESTED)
    data.unregister("short_lived")
    with pytest.raises(UnknownDatasetError, match=r"Your own: actlab\.data\.register"):
        data.load_split("short_lived")


def test_builtin_and_taken_names_are_refused(registered):
    with pytest.raises(DatasetArgumentError, match="'digits' exists; choose another name"):
        data.register("digits", lambda: NESTED)
    registered("twice", lambda: NESTED)
    with pytest.raises(DatasetArgumentError, match="pass override=True"):
        data.register("twice", lambda: NESTED)
    data.register("twice", lambda: ((X[:5], Y[:5]), (X[5:], Y[5:])), override=True)
    assert len(data.load_split("twice").y_train) == 5
    with pytest.raises(DatasetArgumentError, match="built in and cannot be removed"):
        data.unregister("mnist")
    with pytest.raises(DatasetArgumentError, match="must be a function"):
        data.register("not_callable", NESTED)


def test_load_gives_a_dataset_record_only_for_uint8_images(registered):
    images = RNG.integers(0, 256, size=(12, 4, 4, 1), dtype=np.uint8)
    labels = np.arange(12) % 2
    registered("tiny_images", lambda: ((images[:8], labels[:8]), (images[8:], labels[8:])))
    record = data.load("tiny_images")
    assert record.input_shape == (4, 4, 1) and record.class_names == ("0", "1")
    np.testing.assert_array_equal(record.x_test, images[8:])
    registered("rows", lambda: NESTED)
    with pytest.raises(DatasetArgumentError, match=r"not uint8 images.*load_split\('rows'\)"):
        data.load("rows")


def test_a_builtin_dataset_loads_as_a_split_too():
    split = data.load_split("digits")
    record = data.load("digits")
    assert_same_split(split, record.x_train, record.y_train, record.x_test, record.y_test)
