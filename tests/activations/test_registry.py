"""The public API of the catalog: lookup, parameters, errors and user registration."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

from actlab import activations
from actlab.activations import Param, UnknownActivationError


@pytest.fixture
def scratch_names():
    """Remove the entries a test registers, so tests stay independent."""
    from actlab.activations import keras_strings, registry

    before = set(registry._SPECS), set(registry._ALIASES), set(keras_strings._TABLE)
    yield
    for key in set(registry._SPECS) - before[0]:
        del registry._SPECS[key]
    for key in set(registry._ALIASES) - before[1]:
        del registry._ALIASES[key]
    for key in set(keras_strings._TABLE) - before[2]:
        del keras_strings._TABLE[key]


def test_names_are_sorted_lowercase_snake_case():
    names = activations.names()
    assert names == sorted(names)
    assert all(n.isidentifier() and n == n.lower() for n in names)


def test_aliases_resolve_to_their_entry():
    assert activations.resolve("identity") == "linear"
    assert activations.spec("identity").name == "linear"
    assert activations.resolve("SoftPlus-Linear") == "softplus_linear"


@pytest.mark.parametrize(
    ("torch_name", "entry"), [("hardsigmoid", "hard_sigmoid_v3"), ("hardswish", "hard_silu")]
)
def test_pytorch_spellings_name_the_functions_pytorch_computes(torch_name, entry):
    import torch

    assert activations.resolve(torch_name) == entry
    x = np.linspace(-5, 5, 41, dtype=np.float32)
    expected = getattr(torch.nn.functional, torch_name)(torch.from_numpy(x)).numpy()
    got = ops.convert_to_numpy(activations.portable(torch_name)(ops.convert_to_tensor(x)))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_unknown_name_names_the_closest_entries():
    with pytest.raises(UnknownActivationError, match="softplus_linear") as info:
        activations.get("softplus_lienar")
    assert isinstance(info.value, ValueError)


def test_non_string_name_is_a_type_error():
    with pytest.raises(TypeError, match="string"):
        activations.get(3)


def test_bad_parameter_name_lists_the_real_ones():
    with pytest.raises(TypeError, match="unknown parameter 'slope'"):
        activations.get("relu", slope=2.0)


def test_parameter_range_is_enforced_with_the_range_in_the_message():
    p = Param("alpha", 1.0, low=0.0, low_open=True)
    with pytest.raises(ValueError, match=r"'alpha'=-1.0 is outside its allowed range \(0, inf\)"):
        p.validate(-1.0, "elu")
    with pytest.raises(TypeError, match="must be a real number"):
        p.validate("big", "elu")
    with pytest.raises(TypeError):
        p.validate(True, "elu")
    assert p.validate(2, "elu") == 2.0


def test_spec_carries_the_metadata():
    entry = activations.spec("hard_sigmoid")
    assert entry.kind == "function"
    assert entry.formula
    assert entry.reference.arxiv == "1605.02688"  # Theano, whose hard_sigmoid has slope 0.2
    assert "bounded" in entry.properties
    assert entry.changes_shape is False
    assert "1/6" in entry.note  # says where Keras' string differs


def test_get_without_params_returns_the_catalog_function():
    f = activations.get("softsign")
    y = ops.convert_to_numpy(f(ops.convert_to_tensor(np.array([3.0], "float32"))))
    np.testing.assert_allclose(y, [0.75])


def test_layer_of_a_function_entry_applies_it():
    lay = activations.layer("reflection_linear")
    assert isinstance(lay, keras.layers.Layer)
    y = ops.convert_to_numpy(lay(np.array([[-2.0, 3.0]], "float32")))
    np.testing.assert_allclose(y, [[2.0, 3.0]])


def test_register_a_user_function_makes_it_usable_everywhere(scratch_names):
    @activations.register(
        name="my_cube_root",
        formula=r"\operatorname{sign}(x)|x|^{1/3} \cdot k",
        reference="my blog post, 2026",
    )
    def my_cube_root(x, k=2.0):
        """Scaled cube root."""
        return k * ops.sign(x) * ops.power(ops.abs(x), 1.0 / 3.0)

    x = np.array([[-8.0, 27.0]], "float32")
    assert "my_cube_root" in activations.names()
    assert activations.spec("my_cube_root").params == (Param("k", 2.0),)
    np.testing.assert_allclose(
        ops.convert_to_numpy(activations.get("my_cube_root")(x)), [[-4.0, 6.0]], rtol=1e-6
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(activations.get("my_cube_root", k=1)(x)), [[-2.0, 3.0]], rtol=1e-6
    )
    dense = keras.layers.Dense(2, activation="my_cube_root")
    assert dense.activation is activations.get("my_cube_root")
    assert activations.spec("my_cube_root").reference.title == "my blog post, 2026"
    assert not activations.spec("my_cube_root").builtin


def test_reregistering_needs_override(scratch_names):
    def mine(x):
        return x

    with pytest.raises(ValueError, match="override=True"):
        activations.register(name="relu")(mine)
    with pytest.raises(ValueError, match="already taken by 'linear'"):
        activations.register(name="fresh_name", aliases=("identity",))(mine)
    activations.register(name="my_relu", formula="x")(mine)
    activations.register(name="my_relu", formula="x again", override=True)(mine)
    assert activations.spec("my_relu").formula == "x again"


def test_register_rejects_unknown_properties_and_bad_names(scratch_names):
    def mine(x):
        return x

    with pytest.raises(ValueError, match="unknown properties"):
        activations.register(name="my_prop", properties=("shiny",))(mine)
    with pytest.raises(ValueError, match="snake_case"):
        activations.register(name="1bad")(mine)


def test_register_a_layer_class_makes_a_layer_only_entry(scratch_names):
    @activations.register(name="my_scaled", formula=r"s x")
    class MyScaled(keras.layers.Layer):
        """x times a learnable scale."""

        def build(self, input_shape):
            self.s = self.add_weight(shape=(), initializer="ones", name="s")

        def call(self, x):
            return self.s * x

    entry = activations.spec("my_scaled")
    assert entry.kind == "layer" and "learnable" in entry.properties
    assert isinstance(activations.layer("my_scaled"), MyScaled)
    with pytest.raises(ValueError, match=r"activations.layer\('my_scaled'\)"):
        activations.get("my_scaled")


def test_get_with_params_is_a_bound_activation_with_its_config():
    from actlab.activations import registry

    @activations.register(name="scaled_for_test", formula="k x")
    def scaled(x, k=1.0):
        """k times x."""
        return k * x

    try:
        f = activations.get("scaled_for_test", k=3)
        assert repr(f) == "scaled_for_test(k=3)"
        assert f.get_config() == {"activation": "scaled_for_test", "k": 3.0}
        y = ops.convert_to_numpy(f(np.array([2.0], "float32")))
        np.testing.assert_allclose(y, [6.0])
    finally:
        registry._SPECS.pop("scaled_for_test")


def test_unregister_removes_a_user_entry_everywhere(scratch_names):
    @activations.register(name="my_temporary", aliases=("my_temp",), formula="x")
    def my_temporary(x):
        """Identity, briefly."""
        return x

    assert keras.activations.get("my_temp") is activations.get("my_temporary")
    activations.unregister("my_temp")
    assert "my_temporary" not in activations.names()
    with pytest.raises(UnknownActivationError):
        activations.get("my_temp")
    with pytest.raises(ValueError, match="Could not interpret"):
        keras.activations.get("my_temporary")
    with pytest.raises(ValueError, match="only user entries"):
        activations.unregister("relu")


def test_layer_takes_the_keras_layer_name_as_a_keyword():
    lay = activations.layer("elu", alpha=0.5, name="first_elu")
    assert lay.name == "first_elu" and lay.params == {"alpha": 0.5}
