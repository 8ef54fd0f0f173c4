"""Models for comparing activations: the articles' networks and a CIFAR ResNet-20.

``build(model_name, activation, input_shape, num_classes, **options)`` or one function per
model (``mlp``, ``frelu_cnn``, ``small_cnn``, ``cifar_cnn``, ``resnet20``). The activation
(a catalog name, a spec dict, a function or a Layer class) is put at every hidden
nonlinearity as its own, fresh layer. Models are uncompiled functional ``keras.Model``s
named ``<model>_<activation>``.

Your own: ``register("my_model", fn_or_keras_model)``; ``with_activation(model, "mish")``
rebuilds any Sequential or functional Keras model with another hidden activation.
"""

from actlab.models.activation_slots import (
    ActivationArg,
    ActivationSlot,
    FunctionActivation,
    IncompatibleActivationError,
    slot,
)
from actlab.models.article_models import cifar_cnn, frelu_cnn, mlp, small_cnn
from actlab.models.own import KerasModelBuilder, ModelMismatchError, fingerprint
from actlab.models.registry import (
    UnknownModelError,
    build,
    builder,
    check_options,
    describe,
    is_own,
    names,
    options,
    register,
    unregister,
)
from actlab.models.resnet import ZeroPadShortcut, resnet20
from actlab.models.swap import ActivationSwapError, hidden_activations, with_activation

__all__ = [
    "ActivationArg",
    "ActivationSlot",
    "ActivationSwapError",
    "FunctionActivation",
    "IncompatibleActivationError",
    "KerasModelBuilder",
    "ModelMismatchError",
    "UnknownModelError",
    "ZeroPadShortcut",
    "build",
    "builder",
    "check_options",
    "cifar_cnn",
    "describe",
    "fingerprint",
    "frelu_cnn",
    "hidden_activations",
    "is_own",
    "mlp",
    "names",
    "options",
    "register",
    "resnet20",
    "slot",
    "small_cnn",
    "unregister",
    "with_activation",
]
