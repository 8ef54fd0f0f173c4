"""What a runner gets from a task: data, a compiled model, fit arguments and callbacks."""

from __future__ import annotations

import importlib.util
import math

import keras
import numpy as np
import pytest
from keras import ops

from actlab import tasks


def synthetic_digits(n: int = 64, seed: int = 0):
    """Arrays shaped like digits_mlp's: float32 (n, 8, 8, 1) in [0, 1], int64 labels."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, size=(n, 8, 8, 1)).astype("float32")
    return x, rng.integers(0, 10, size=n)


def learning_rate(model: keras.Model) -> float:
    return float(ops.convert_to_numpy(model.optimizer.learning_rate))


def test_build_model_is_compiled_with_the_recipe():
    task = tasks.get("digits_mlp", learning_rate=0.005)
    model = task.build_model("tanh")
    assert model.name == "mlp_tanh"
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert learning_rate(model) == pytest.approx(0.005)
    assert model.loss == "sparse_categorical_crossentropy"
    assert model.count_params() == (64 * 16 + 16) + (16 * 10 + 10)


def test_resnet_recipe_builds_sgd_momentum_decay_and_augmentation():
    task = tasks.get("cifar10_resnet20")
    model = task.build_model("relu")
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert model.optimizer.momentum == pytest.approx(0.9)
    assert learning_rate(model) == pytest.approx(0.1)
    resnet = model.get_layer("resnet20_relu")
    convs = [layer for layer in resnet.layers if isinstance(layer, keras.layers.Conv2D)]
    assert len(convs) == 19 and all(c.kernel_regularizer.l2 == pytest.approx(5e-5) for c in convs)
    assert model.get_layer("augment") is not None


def test_weight_decay_reaches_the_kernels():
    model = tasks.get("digits_mlp", weight_decay=1e-4).build_model("relu")
    kernels = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert kernels and all(layer.kernel_regularizer is not None for layer in kernels)
    assert all(layer.kernel_regularizer.l2 == pytest.approx(5e-5) for layer in kernels)


def test_build_model_passes_activation_params_and_model_options():
    model = tasks.get("digits_mlp").build_model("relu", units=8, depth=2)
    assert [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)] == [
        8, 8, 10,
    ]  # fmt: skip


def test_fit_kwargs_validate_on_the_test_set_like_article_002():
    task = tasks.get("mnist_mlp")
    x, y = synthetic_digits()
    kwargs = task.fit_kwargs(test_data=(x, y))
    assert (kwargs["batch_size"], kwargs["epochs"]) == (1000, 10)
    assert kwargs["validation_data"][0] is x and "validation_split" not in kwargs
    assert kwargs["callbacks"] == []
    with pytest.raises(ValueError, match="test_data"):
        task.fit_kwargs()


def test_fit_kwargs_of_article_000_split_and_stop_early():
    kwargs = tasks.get("mnist_frelu_cnn").fit_kwargs()
    assert kwargs["validation_split"] == 0.1 and "validation_data" not in kwargs
    (stopper,) = kwargs["callbacks"]
    assert isinstance(stopper, keras.callbacks.EarlyStopping)
    assert (stopper.monitor, stopper.patience) == ("val_loss", 20)


def test_callbacks_are_fresh_each_time():
    task = tasks.get("mnist_frelu_cnn")
    assert task.callbacks()[0] is not task.callbacks()[0]


def test_step_schedule_of_the_resnet_recipe():
    task = tasks.get("cifar10_resnet20", epochs=60)
    assert task.lr_drop_epochs() == (30, 45)
    rates = [task.learning_rate_at(epoch) for epoch in (0, 29, 30, 44, 45, 59)]
    assert rates == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.001, 0.001])
    assert tasks.get("cifar10_resnet20", epochs=8).lr_drop_epochs() == (4, 6)


def test_training_by_the_recipe_runs_and_drops_the_learning_rate():
    task = tasks.get("digits_mlp", epochs=2, optimizer="sgd", learning_rate=0.1, lr_drops=(0.5,))
    x, y = synthetic_digits()
    model = task.build_model("relu")
    history = model.fit(x, y, verbose=0, **task.fit_kwargs(test_data=synthetic_digits(32, 1)))
    assert len(history.history["loss"]) == 2
    assert all(math.isfinite(v) for v in history.history["val_loss"])
    assert learning_rate(model) == pytest.approx(0.01)


def test_augmentation_trains_and_is_inert_at_inference():
    task = tasks.get("digits_mlp", augment=True)
    model = task.build_model("relu")
    assert model.name == "mlp_relu" and model.get_layer("augment") is not None
    x, y = synthetic_digits(8)
    assert math.isfinite(float(np.asarray(model.train_on_batch(x, y)[0])))
    inner = model.get_layer("mlp_relu")
    np.testing.assert_allclose(
        ops.convert_to_numpy(model(x, training=False)), ops.convert_to_numpy(inner(x)), rtol=1e-6
    )


def test_scale_images_and_labels():
    images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    scaled = tasks.scale_images(images)
    assert scaled.dtype == np.float32 and scaled.shape == (1, 2, 2, 1)
    np.testing.assert_allclose(scaled[0, :, :, 0], [[0, 1], [0.2, 0.4]])
    with pytest.raises(TypeError, match="uint8"):
        tasks.scale_images(images.astype(np.float32))
    labels = tasks.integer_labels(np.array([[3], [1]], dtype=np.uint8), num_classes=10)
    assert labels.dtype == np.int64 and labels.tolist() == [3, 1]
    with pytest.raises(ValueError, match=r"\[0, 9\]"):
        tasks.integer_labels(np.array([10]), num_classes=10)


@pytest.mark.skipif(importlib.util.find_spec("actlab.data") is None, reason="no actlab.data yet")
def test_load_data_of_digits_is_preprocessed():
    x_train, y_train, x_test, y_test = tasks.get("digits_mlp").load_data()
    assert x_train.shape[1:] == x_test.shape[1:] == (8, 8, 1)
    assert len(x_train) + len(x_test) == 1797
    assert x_train.dtype == np.float32 and x_train.min() >= 0 and x_train.max() <= 1
    assert x_train.max() > 0.9  # scaled from 0..255, not 0..16
    assert y_train.dtype == np.int64 and y_train.shape == (len(x_train),)
    assert set(np.unique(y_test)) <= set(range(10))


@pytest.mark.skipif(importlib.util.find_spec("actlab.data") is None, reason="no actlab.data yet")
def test_load_data_rejects_a_dataset_of_another_shape():
    task = tasks.get("digits_mlp", dataset="synthetic", dataset_options={"shape": (6, 6, 1)})
    with pytest.raises(ValueError, match="input_shape"):
        task.load_data()
