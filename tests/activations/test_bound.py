"""`BoundActivation`: an activation with its given parameters, parsed, named, called, saved."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

from actlab import activations
from actlab.activations import BoundActivation


def test_parse_keeps_the_given_parameters_checked_and_canonical():
    bound = BoundActivation.parse("ELU:alpha=0.5")
    assert bound == BoundActivation("elu", {"alpha": 0.5})
    assert bound.label == "elu(alpha=0.5)"
    assert BoundActivation.parse("tanhexp") == BoundActivation("tanhexp")
    assert BoundActivation.parse(bound) is bound


def test_label_sorts_the_parameters_and_full_params_adds_the_defaults():
    bound = BoundActivation.bind("softplus_beta", beta=2)
    assert bound.params == {"beta": 2.0} and bound.label == "softplus_beta(beta=2.0)"
    assert BoundActivation("x", {"b": 1, "a": 2}).label == "x(a=2, b=1)"
    assert BoundActivation.bind("elu").full_params() == {"alpha": 1.0}


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("elu:alpha", ValueError, "name:param=value"),
        ("elu:alpha=-3", ValueError, "outside its allowed range"),
        ("elu:alpha=1,alpha=2", ValueError, "twice"),
        ("elu:slope=1", TypeError, "unknown parameter 'slope'"),
        ("nosuch:alpha=1", ValueError, "unknown activation 'nosuch'"),
    ],
)
def test_parse_refuses_what_the_catalog_would(text, error, match):
    with pytest.raises(error, match=match):
        BoundActivation.parse(text)


def test_the_plain_constructor_names_an_activation_this_process_does_not_know():
    bound = BoundActivation("not_registered_here", {"k": 2.0})
    assert bound.label == "not_registered_here(k=2.0)"
    with pytest.raises(activations.UnknownActivationError):
        bound.full_params()


def test_equal_bound_activations_hash_alike():
    parsed, built = BoundActivation.parse("elu:alpha=0.5"), BoundActivation("elu", {"alpha": 0.5})
    assert hash(parsed) == hash(built) and len({parsed, built}) == 1


def test_it_computes_with_its_parameters_and_the_defaults():
    x = np.array([-2.0, 0.0, 3.0], "float32")
    bound = BoundActivation.bind("elu", alpha=0.5)
    expected = ops.convert_to_numpy(activations.get("elu")(x, alpha=0.5))
    np.testing.assert_allclose(ops.convert_to_numpy(bound(x)), expected)


def test_a_layer_entry_is_not_callable_as_a_function():
    with pytest.raises(ValueError, match=r"activations\.layer\('prelu'\)"):
        BoundActivation.bind("prelu")(np.zeros((1, 2), "float32"))


def test_a_config_written_by_an_earlier_actlab_still_loads():
    config = {
        "module": "actlab.activations.registry",
        "class_name": "BoundActivation",
        "config": {"activation": "elu", "alpha": 0.5},
        "registered_name": "actlab>BoundActivation",
    }
    loaded = keras.saving.deserialize_keras_object(config)
    assert loaded.get_config() == {"activation": "elu", "alpha": 0.5}
    assert loaded == BoundActivation("elu", {"alpha": 0.5})
