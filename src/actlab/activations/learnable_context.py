"""Learnable activations that look beyond the unit: funnel ReLU and meta-ACON (layer entries).

Both read other units of the same sample: FReLU a 3x3 neighbourhood through a depthwise
convolution, meta-ACON the spatial mean of every channel through two 1x1 convolutions.
"""

from __future__ import annotations

import keras
from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations import fused
from actlab.activations.learnable_base import LearnableActivation, checked_seed
from actlab.activations.learnable_gated import ACON_REFERENCE, acon, acon_switches
from actlab.activations.registry import registrar

register = registrar("learnable", builtin=True)


@register(
    name="frelu",
    aliases=("funnel_relu", "funnel_activation"),
    formula=r"\max\big(x,\ \mathrm{BN}(\mathrm{DWConv}_{k \times k}(x))\big)",
    reference=Reference(
        "Funnel Activation for Visual Recognition",
        year=2020,
        authors="Ma, Zhang, Sun",
        arxiv="2007.11824",
    ),
    params=(
        Param("kernel_size", 3, low=1, integer=True, doc="side k of the depthwise window"),
        Param(
            "momentum",
            0.99,
            low=0,
            high=1,
            high_open=True,
            doc="momentum of the batch normalisation's moving statistics",
        ),
        Param("epsilon", 1e-3, low=0, low_open=True, doc="epsilon of the batch normalisation"),
    ),
    properties=("per_sample",),
    note="For 4-D channels-last feature maps (N, H, W, C) only. The spatial condition is a "
    "depthwise k x k convolution ('same' padding, with bias) followed by batch normalisation, "
    "as in the authors' code and article 000; the normalisation defaults are Keras' (PyTorch's "
    "BatchNorm2d uses momentum 0.9 in Keras terms and epsilon 1e-5). Not the flexible ReLU of "
    "Qiu et al. (`flexible_relu`).",
)
class FunnelReLU(LearnableActivation):
    """Funnel activation: `f(x) = max(x, T(x))`, T = BN(depthwise k x k conv of x).

    Ma, Zhang & Sun 2020, "Funnel Activation for Visual Recognition" (arXiv 2007.11824). Each
    pixel is compared with a learned function of its k x k neighbourhood in the same channel.
    """

    catalog_name = "frelu"
    default_sharing = None

    def __init__(self, kernel_size=3, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.kernel_size = self.checked("kernel_size", kernel_size)
        self.momentum = self.checked("momentum", momentum)
        self.epsilon = self.checked("epsilon", epsilon)
        self.spatial = keras.layers.DepthwiseConv2D(
            self.kernel_size, padding="same", dtype=self.dtype_policy, name="spatial"
        )
        self.normalize = keras.layers.BatchNormalization(
            momentum=self.momentum, epsilon=self.epsilon, dtype=self.dtype_policy, name="normalize"
        )

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "frelu: the funnel activation takes 4-D channels-last feature maps "
                f"(batch, height, width, channels) with a known channel count; got input shape "
                f"{tuple(input_shape)}. For dense features use prelu or flexible_relu."
            )
        self.input_spec = keras.layers.InputSpec(ndim=4, axes={3: int(input_shape[-1])})
        self.spatial.build(input_shape)
        self.normalize.build(input_shape)

    def activate(self, x, training=None):
        condition = fused.batch_normalize(self.normalize, self.spatial(x), training=training)
        return ops.maximum(x, ops.cast(condition, x.dtype))

    def get_config(self):
        return {
            **super().get_config(),
            "kernel_size": self.kernel_size,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
        }


@register(
    name="meta_acon",
    aliases=("meta_acon_c",),
    formula=r"(p_1 - p_2)\,x\,\sigma\big(\beta (p_1 - p_2) x\big) + p_2 x,\quad "
    r"\beta = \sigma\big(W_2 W_1 \operatorname{mean}_{h,w} x\big)",
    reference=ACON_REFERENCE,
    params=(
        Param(
            "reduction",
            16,
            low=1,
            integer=True,
            doc="reduction ratio r of the hidden width max(r, C // r)",
        ),
    ),
    properties=("smooth", "self_gated", "per_sample"),
    note="For channels-last feature maps of rank >= 3 (the paper's (N, H, W, C); all spatial "
    "axes are averaged). beta is computed per sample and channel by two 1x1 convolutions "
    "(dense layers on the spatial mean) with hidden width max(r, C // r), as in the authors' "
    "code; that code also inserts batch normalisation after each, which the paper's formula "
    "does not have and actlab leaves out. p1 and p2 start from a standard normal draw.",
)
class MetaAconC(LearnableActivation):
    """Meta-ACON: ACON-C whose switching factor beta is generated from the input, per sample.

    `beta = sigmoid(W2 W1 mean_{h,w}(x))` per channel, then
    `f(x) = (p1 - p2) x sigmoid(beta (p1 - p2) x) + p2 x`. Ma et al. 2021, "Activate or Not:
    Learning Customized Activation" (arXiv 2009.04759).
    """

    catalog_name = "meta_acon"

    def __init__(self, reduction=16, seed=None, shared_axes=None, **kwargs):
        super().__init__(shared_axes=shared_axes, **kwargs)
        self.reduction = self.checked("reduction", reduction)
        self.seed = checked_seed(seed, self.catalog_name)

    def build(self, input_shape):
        if len(input_shape) < 3 or input_shape[-1] is None:
            raise ValueError(
                "meta_acon: needs channels-last feature maps of rank >= 3, e.g. (batch, "
                f"height, width, channels), with a known channel count; got input shape "
                f"{tuple(input_shape)}. For dense features use acon_c."
            )
        channels = int(input_shape[-1])
        shape = self.weight_shape(input_shape)
        self.p1, self.p2 = acon_switches(self, shape, self.seed)
        hidden = max(self.reduction, channels // self.reduction)
        self.squeeze = keras.layers.Dense(hidden, dtype="float32", name="squeeze")
        self.expand = keras.layers.Dense(channels, dtype="float32", name="expand")
        self.squeeze.build((None, channels))
        self.expand.build((None, hidden))

    def activate(self, x, training=None):
        rank = len(x.shape)
        context = ops.mean(x, axis=tuple(range(1, rank - 1)))  # (batch, channels)
        beta = ops.sigmoid(self.expand(self.squeeze(context)))
        beta = ops.reshape(ops.cast(beta, x.dtype), (-1, *([1] * (rank - 2)), x.shape[-1]))
        p1, p2 = self.value(self.p1, x), self.value(self.p2, x)
        return acon(x, p1, p2, beta)

    def get_config(self):
        return {**super().get_config(), "reduction": self.reduction, "seed": self.seed}
