"""Learnable self-gated activations: Swish-beta, ACON-C and Dice (layer entries)."""

from __future__ import annotations

import keras
from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations.learnable_base import (
    LearnableActivation,
    OneWeightActivation,
    checked_seed,
)
from actlab.activations.registry import registrar

register = registrar("learnable", builtin=True)

ACON_REFERENCE = Reference(
    "Activate or Not: Learning Customized Activation", year=2021,
    authors="Ma, Zhang, Liu, Sun", arxiv="2009.04759",
)  # fmt: skip


@register(
    name="swish_beta",
    aliases=("learnable_swish",),
    formula=r"x\,\sigma(\beta_c x)",
    reference=Reference(
        "Searching for Activation Functions",
        year=2017,
        authors="Ramachandran, Zoph, Le",
        arxiv="1710.05941",
    ),
    params=(Param("beta_init", 1.0, doc="initial beta (1 gives SiLU)"),),
    properties=("smooth", "self_gated"),
    note="beta is learned per channel, as in the paper's Swish with trainable beta; Keras' "
    "silu/swish and torch.nn.SiLU fix beta = 1.",
)
class SwishBeta(OneWeightActivation):
    """Swish with a learnable beta: `f(x) = x * sigmoid(beta x)`, beta per channel from 1.

    Ramachandran, Zoph & Le 2017, "Searching for Activation Functions" (arXiv 1710.05941).
    beta = 0 gives x/2 and beta -> inf tends to ReLU.
    """

    catalog_name = "swish_beta"
    weight_name = "beta"

    def __init__(self, beta_init=1.0, shared_axes=None, **kwargs):
        super().__init__(beta_init, shared_axes=shared_axes, **kwargs)

    def activate(self, x, training=None):
        return x * ops.sigmoid(self.value(self.beta, x) * x)


def acon(x, p1, p2, beta):
    """`(p1 - p2) x sigmoid(beta (p1 - p2) x) + p2 x`, the ACON-C formula (sigmoid is stable)."""
    d = (p1 - p2) * x
    return d * ops.sigmoid(beta * d) + p2 * x


@register(
    name="acon_c",
    aliases=("acon",),
    formula=r"(p_1 - p_2)\,x\,\sigma\big(\beta (p_1 - p_2) x\big) + p_2 x",
    reference=ACON_REFERENCE,
    params=(Param("beta_init", 1.0, doc="initial switching factor beta"),),
    properties=("smooth", "self_gated"),
    note="p1, p2 and beta are learned per channel; p1 and p2 start from a standard normal "
    "draw and beta at 1, as in the authors' code (pass seed= for a reproducible draw).",
)
class AconC(LearnableActivation):
    """ACON-C: `f(x) = (p1 - p2) x sigmoid(beta (p1 - p2) x) + p2 x`, all three per channel.

    Ma et al. 2021, "Activate or Not: Learning Customized Activation" (arXiv 2009.04759).
    p1 = 1, p2 = 0 gives Swish-beta; beta -> 0 gives the linear (p1 + p2) x / 2.
    """

    catalog_name = "acon_c"

    def __init__(self, beta_init=1.0, seed=None, shared_axes=None, **kwargs):
        super().__init__(shared_axes=shared_axes, **kwargs)
        self.beta_init = self.checked("beta_init", beta_init)
        self.seed = checked_seed(seed, self.catalog_name)

    def build(self, input_shape):
        shape = self.weight_shape(input_shape)
        self.p1, self.p2 = acon_switches(self, shape, self.seed)
        self.beta = self.add_float32_weight(
            "beta", shape, keras.initializers.Constant(self.beta_init)
        )

    def activate(self, x, training=None):
        p1, p2, beta = (self.value(w, x) for w in (self.p1, self.p2, self.beta))
        return acon(x, p1, p2, beta)

    def get_config(self):
        return {**super().get_config(), "beta_init": self.beta_init, "seed": self.seed}


def acon_switches(layer: LearnableActivation, shape, seed):
    """The weights p1, p2 of ACON, standard normal as in the authors' code."""
    seed_p2 = None if seed is None else seed + 1
    normal = keras.initializers.RandomNormal  # its default stddev is 0.05: pass 1 explicitly
    p1 = layer.add_float32_weight("p1", shape, normal(0.0, 1.0, seed=seed))
    p2 = layer.add_float32_weight("p2", shape, normal(0.0, 1.0, seed=seed_p2))
    return p1, p2


@register(
    name="dice",
    formula=r"p(s)\,s + \big(1 - p(s)\big)\,\alpha_c\,s,\quad "
    r"p(s) = \sigma\!\left(\frac{s - \mathrm{E}[s]}{\sqrt{\mathrm{Var}[s] + \epsilon}}\right)",
    reference=Reference(
        "Deep Interest Network for Click-Through Rate Prediction",
        year=2018,
        authors="Zhou, Zhu, Song, Fan, Zhu, Ma, Yan, Jin, Li, Gai",
        arxiv="1706.06978",
    ),
    params=(
        Param("alpha_init", 0.0, doc="initial slope alpha of the 'off' side"),
        Param("epsilon", 1e-8, low=0, low_open=True, doc="added to Var[s] (the paper's 1e-8)"),
        Param(
            "momentum",
            0.99,
            low=0,
            high=1,
            high_open=True,
            doc="momentum of the moving mean and variance used at inference",
        ),
    ),
    properties=("smooth", "self_gated"),
    note="E[s] and Var[s] are the mini-batch statistics per channel in training and their "
    "moving averages at inference, as the paper says (the authors' TensorFlow code uses "
    "batch statistics at inference too).",
)
class Dice(LearnableActivation):
    """Dice: `f(s) = p(s) s + (1 - p(s)) alpha s`, p the sigmoid of the batch-normalised s.

    Zhou et al. 2018, "Deep Interest Network for Click-Through Rate Prediction" (arXiv
    1706.06978). alpha is learned per channel from 0; the normalisation has no scale or offset.
    """

    catalog_name = "dice"

    def __init__(self, alpha_init=0.0, epsilon=1e-8, momentum=0.99, shared_axes=None, **kwargs):
        super().__init__(shared_axes=shared_axes, **kwargs)
        self.alpha_init = self.checked("alpha_init", alpha_init)
        self.epsilon = self.checked("epsilon", epsilon)
        self.momentum = self.checked("momentum", momentum)
        self.normalize = keras.layers.BatchNormalization(
            axis=-1,
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=False,
            scale=False,
            dtype="float32",
            name="normalize",
        )

    def build(self, input_shape):
        shape = self.weight_shape(input_shape)
        self.alpha = self.add_float32_weight(
            "alpha", shape, keras.initializers.Constant(self.alpha_init)
        )
        self.normalize.build(input_shape)

    def activate(self, x, training=None):
        p = ops.cast(ops.sigmoid(self.normalize(x, training=training)), x.dtype)
        alpha = self.value(self.alpha, x)
        return p * x + (1.0 - p) * alpha * x

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_init": self.alpha_init,
            "epsilon": self.epsilon,
            "momentum": self.momentum,
        }
