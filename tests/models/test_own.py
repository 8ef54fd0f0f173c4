"""Your own model in the registry: a builder function or a Keras model, built like actlab's,
checked against the data it must fit, and fingerprinted by its architecture."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from actlab import models
from actlab.activations import BoundActivation
from actlab.models import ModelMismatchError, UnknownModelError


@pytest.fixture
def registered():
    names: list[str] = []

    def register(name, model, **kwargs):
        names.append(models.register(name, model, **kwargs))
        return name

    yield register
    for name in names:
        models.unregister(name)


def two_layer(activation, input_shape, num_classes, units: int = 4):
    """A small MLP of the user's own: `activation` straight into Dense."""
    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Dense(units, activation=activation),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )


def keras_model(units: int = 4, classes: int = 3) -> keras.Model:
    return two_layer("relu", (6,), classes, units)


def test_a_registered_builder_is_built_like_actlabs_own(registered):
    registered("two_layer", two_layer)
    assert "two_layer" in models.names() and models.is_own("two_layer")
    assert models.options("two_layer") == {"units": 4}
    model = models.build("two_layer", "tanh", (6,), 3, units=7)
    assert model.layers[0].units == 7 and model.output_shape == (None, 3)


def test_parameters_reach_a_builder_without_activation_params_as_one_callable(registered):
    seen = []

    def recording(activation, input_shape, num_classes):
        seen.append(activation)
        return two_layer(activation, input_shape, num_classes)

    registered("recording", recording)
    model = models.build("recording", "elu", (6,), 3, activation_params={"alpha": 0.5})
    assert seen == [BoundActivation("elu", {"alpha": 0.5})]
    x = np.linspace(-3, 3, 6, dtype="float32")[None]
    w, b = model.layers[0].get_weights()
    z = x @ w + b
    hidden = keras.ops.convert_to_numpy(model.layers[0](x))
    np.testing.assert_allclose(hidden, np.where(z > 0, z, 0.5 * np.expm1(z)), rtol=1e-5)


def test_a_registered_keras_model_is_swapped_at_each_build(registered):
    registered("my_net", keras_model())
    built = models.build("my_net", "mish", (6,), 3)
    assert any(layer.name.endswith("_mish") for layer in built.layers)


@pytest.mark.parametrize(
    ("model", "shape", "classes", "message"),
    [
        (keras_model(), (5,), 3, r"takes inputs of shape \(6,\) but the data's are \(5,\)"),
        (keras_model(classes=2), (6,), 3, r"2 output units but the labels have 3 classes"),
        (
            keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3)]),
            (6,), 3, r"does not end in a softmax.*activation='softmax'",
        ),
    ],
)  # fmt: skip
def test_a_model_that_cannot_fit_the_data_is_refused_in_one_line(
    registered, model, shape, classes, message
):
    registered("misfit", model)
    with pytest.raises(ModelMismatchError, match=message) as caught:
        models.build("misfit", "relu", shape, classes)
    assert "\n" not in str(caught.value)


def test_a_builder_that_returns_no_model_is_refused(registered):
    registered("nothing", lambda activation, input_shape, num_classes: None)
    with pytest.raises(ModelMismatchError, match=r"returned NoneType, not a keras\.Model"):
        models.build("nothing", "relu", (6,), 3)


def test_a_task_weight_decay_needs_a_builder_that_takes_it(registered):
    registered("two_layer", two_layer)
    models.build("two_layer", "relu", (6,), 3, weight_decay=0.0)  # the task's default
    with pytest.raises(ModelMismatchError, match="takes no weight_decay argument"):
        models.build("two_layer", "relu", (6,), 3, weight_decay=1e-4)


def test_builtin_and_taken_names_are_refused(registered):
    with pytest.raises(ValueError, match="'mlp' exists; choose another name"):
        models.register("mlp", two_layer)
    registered("mine", two_layer)
    with pytest.raises(ValueError, match="pass override=True"):
        models.register("mine", two_layer)
    with pytest.raises(ValueError, match="built in and cannot be removed"):
        models.unregister("resnet20")
    with pytest.raises(TypeError, match="builder function"):
        models.register("not_a_model", 42)  # type: ignore[arg-type]
    models.unregister("mine")
    with pytest.raises(UnknownModelError, match=r"Your own: actlab\.models\.register"):
        models.builder("mine")


def test_the_fingerprint_ignores_layer_numbering_but_not_the_architecture():
    first, again = keras_model(), keras_model()  # Keras numbers their layers apart
    assert first.layers[0].name != again.layers[0].name
    assert models.fingerprint(first) == models.fingerprint(again)
    assert models.fingerprint(keras_model(units=5)) != models.fingerprint(first)
    assert models.fingerprint(two_layer("tanh", (6,), 3)) != models.fingerprint(first)


def test_a_task_names_a_registered_model_and_says_how_to_register_one(registered):
    from actlab.tasks import Task, TaskConfigError

    def task(model: str) -> Task:
        return Task(name="t", dataset="d", model=model, input_shape=(6,), num_classes=3)

    with pytest.raises(TaskConfigError, match=r"unknown model 'my_model'.*models\.register"):
        task("my_model")
    registered("my_model", two_layer)
    assert task("my_model").build_model("relu").output_shape == (None, 3)
