"""Models for comparing activations: the seed articles' networks and a CIFAR ResNet-20.

``build(model_name, activation, input_shape, num_classes, **options)`` or one function per
model (``mlp``, ``frelu_cnn``, ``small_cnn``, ``cifar_cnn``, ``resnet20``). The activation
(a catalog name, a spec dict, a function or a Layer class) is put at every hidden
nonlinearity as its own, fresh layer. Models are uncompiled functional ``keras.Model``s
named ``<model>_<activation>``.
"""

from actlab.models.registry import (
    UnknownModelError,
    build,
    builder,
    check_options,
    describe,
    names,
    options,
)
from actlab.models.resnet import ZeroPadShortcut, resnet20
from actlab.models.seed_models import cifar_cnn, frelu_cnn, mlp, small_cnn
from actlab.models.slots import (
    ActivationArg,
    ActivationSlot,
    FunctionActivation,
    IncompatibleActivationError,
    slot,
)

__all__ = [
    "ActivationArg",
    "ActivationSlot",
    "FunctionActivation",
    "IncompatibleActivationError",
    "UnknownModelError",
    "ZeroPadShortcut",
    "build",
    "builder",
    "check_options",
    "cifar_cnn",
    "describe",
    "frelu_cnn",
    "mlp",
    "names",
    "options",
    "resnet20",
    "slot",
    "small_cnn",
]
