"""Learnable rectifiers: PReLU, flexible ReLU, S-shaped ReLU, APL and PELU (layer entries)."""

from __future__ import annotations

import keras
from keras import ops

from actlab.activation_spec import Param, Reference
from actlab.activations.learnable_base import (
    AtLeast,
    LearnableActivation,
    OneWeightActivation,
    checked_seed,
)
from actlab.activations.registry import registrar

register = registrar("learnable", builtin=True)

_Constant = keras.initializers.Constant


@register(
    name="prelu",
    aliases=("parametric_relu",),
    formula=r"\max(0, x) + \alpha_c \min(0, x)",
    reference=Reference(
        "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet "
        "Classification",
        year=2015,
        authors="He, Zhang, Ren, Sun",
        arxiv="1502.01852",
    ),
    params=(Param("alpha_init", 0.25, doc="initial slope for x < 0 (the paper's 0.25)"),),
    properties=("piecewise_linear",),
    note="One slope per channel by default, as in the paper (shared_axes='layer' gives its "
    "channel-shared variant). keras.layers.PReLU defaults to one slope per unit, initialised "
    "to 0; torch.nn.PReLU to one slope for the whole layer, initialised to 0.25.",
)
class PReLU(OneWeightActivation):
    """Parametric ReLU: `f(x) = max(0, x) + alpha * min(0, x)`, alpha learned per channel.

    He et al. 2015, "Delving Deep into Rectifiers" (arXiv 1502.01852); alpha starts at 0.25.
    Unlike `keras.layers.PReLU` (one alpha per unit, zeros) the default here is the paper's
    channel-wise alpha; ``shared_axes=[]`` gives Keras' per-unit layout.
    """

    catalog_name = "prelu"
    weight_name = "alpha"

    def __init__(self, alpha_init=0.25, shared_axes=None, **kwargs):
        super().__init__(alpha_init, shared_axes=shared_axes, **kwargs)

    def activate(self, x, training=None):
        # One select, one product: half the passes of relu(x) - alpha relu(-x), and at x = 0
        # the input gradient is alpha, as in torch.nn.PReLU.
        return ops.where(x > 0, x, self.value(self.alpha, x) * x)


@register(
    name="flexible_relu",
    formula=r"\max(0, x) + b_c",
    reference=Reference(
        "FReLU: Flexible Rectified Linear Units for Improving Convolutional Neural Networks",
        year=2017,
        authors="Qiu, Xu, Cai",
        arxiv="1706.08098",
    ),
    params=(Param("bias_init", 0.0, doc="initial value of the learnable output shift b"),),
    properties=("bounded_below", "monotonic", "piecewise_linear"),
    note="Not to be confused with the funnel activation `frelu` (Ma et al. 2020). The shift b "
    "moves the output, not the kink: f(x) = b for x <= 0, x + b above (the paper's relu(x + b) "
    "+ c with the inner bias absorbed by the preceding layer).",
)
class FlexibleReLU(OneWeightActivation):
    """Flexible ReLU: `f(x) = max(0, x) + b`, b learned per channel (starts at 0).

    Qiu, Xu & Cai 2017, "FReLU: Flexible Rectified Linear Units for Improving Convolutional
    Neural Networks" (arXiv 1706.08098). The rectified point stays at x = 0; the output below it
    is b, which the paper finds converges to negative values.
    """

    catalog_name = "flexible_relu"
    weight_name = "bias"

    def __init__(self, bias_init=0.0, shared_axes=None, **kwargs):
        super().__init__(bias_init, shared_axes=shared_axes, **kwargs)

    def activate(self, x, training=None):
        return ops.relu(x) + self.value(self.bias, x)


@register(
    name="srelu",
    aliases=("s_shaped_relu",),
    formula=r"\begin{cases} t^r + a^r (x - t^r) & x \ge t^r \\ x & t^l < x < t^r \\ "
    r"t^l + a^l (x - t^l) & x \le t^l \end{cases}",
    reference=Reference(
        "Deep Learning with S-shaped Rectified Linear Activation Units",
        year=2015,
        authors="Jin, Xu, Feng, Wei, Xiong, Yan",
        arxiv="1512.07030",
    ),
    params=(
        Param("t_left_init", 0.0, doc="initial left threshold t^l"),
        Param("a_left_init", 0.01, doc="initial slope below t^l"),
        Param("t_right_init", 1.0, doc="initial right threshold t^r"),
        Param("a_right_init", 1.0, doc="initial slope above t^r"),
    ),
    properties=("piecewise_linear",),
    note="The paper starts every SReLU as a leaky ReLU (t^l = 0, a^r = 1, so t^r has no "
    "effect), keeps it frozen for the first epochs and then sets t^r from the data; actlab "
    "starts from that leaky ReLU with a^l = 0.01 and t^r = 1 and leaves freezing to the "
    "training loop (layer.trainable = False).",
)
class SReLU(LearnableActivation):
    """S-shaped ReLU: three lines with learnable thresholds `t^l, t^r` and slopes `a^l, a^r`.

    `f(x) = t^r + a^r (x - t^r)` for `x >= t^r`, `x` between the thresholds, and
    `t^l + a^l (x - t^l)` for `x <= t^l`; four weights per channel. Jin et al. 2015, "Deep
    Learning with S-shaped Rectified Linear Activation Units" (arXiv 1512.07030).
    """

    catalog_name = "srelu"
    _WEIGHTS = ("t_left", "a_left", "t_right", "a_right")

    def __init__(
        self,
        t_left_init=0.0,
        a_left_init=0.01,
        t_right_init=1.0,
        a_right_init=1.0,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(shared_axes=shared_axes, **kwargs)
        self.t_left_init = self.checked("t_left_init", t_left_init)
        self.a_left_init = self.checked("a_left_init", a_left_init)
        self.t_right_init = self.checked("t_right_init", t_right_init)
        self.a_right_init = self.checked("a_right_init", a_right_init)

    def build(self, input_shape):
        shape = self.weight_shape(input_shape)
        for name in self._WEIGHTS:
            init = _Constant(getattr(self, f"{name}_init"))
            setattr(self, name, self.add_float32_weight(name, shape, init))

    def activate(self, x, training=None):
        t_l, a_l, t_r, a_r = (self.value(getattr(self, n), x) for n in self._WEIGHTS)
        right = t_r + a_r * (x - t_r)
        left = t_l + a_l * (x - t_l)
        return ops.where(x >= t_r, right, ops.where(x <= t_l, left, x))

    def get_config(self):
        inits = {f"{n}_init": getattr(self, f"{n}_init") for n in self._WEIGHTS}
        return {**super().get_config(), **inits}


@register(
    name="aplu",
    aliases=("apl", "adaptive_piecewise_linear"),
    formula=r"\max(0, x) + \sum_{s=1}^{S} a_s \max(0, -x + b_s)",
    reference=Reference(
        "Learning Activation Functions to Improve Deep Neural Networks",
        year=2014,
        authors="Agostinelli, Hoffman, Sadowski, Baldi",
        arxiv="1412.6830",
    ),
    params=(Param("hinges", 2, low=1, integer=True, doc="number S of hinge terms"),),
    properties=("piecewise_linear",),
    note="a_s starts uniform in [-0.2, 0.2] and b_s normal with standard deviation 0.5, as in "
    "the authors' Caffe code; the paper also puts an L2 penalty of 0.001 on a_s (pass it with "
    "the model's regularisation if wanted). One set per channel by default.",
)
class APLU(LearnableActivation):
    """Adaptive piecewise linear unit: `f(x) = max(0, x) + sum_s a_s max(0, -x + b_s)`.

    `S` learnable hinges (slopes a_s, positions b_s) per channel. Agostinelli et al. 2014,
    "Learning Activation Functions to Improve Deep Neural Networks" (arXiv 1412.6830).
    """

    catalog_name = "aplu"

    def __init__(self, hinges=2, seed=None, shared_axes=None, **kwargs):
        super().__init__(shared_axes=shared_axes, **kwargs)
        self.hinges = self.checked("hinges", hinges)
        self.seed = checked_seed(seed, self.catalog_name)

    def build(self, input_shape):
        shape = (*self.weight_shape(input_shape), self.hinges)
        seed_b = None if self.seed is None else self.seed + 1
        self.a = self.add_float32_weight(
            "a", shape, keras.initializers.RandomUniform(-0.2, 0.2, seed=self.seed)
        )
        self.b = self.add_float32_weight(
            "b", shape, keras.initializers.RandomNormal(0.0, 0.5, seed=seed_b)
        )

    def activate(self, x, training=None):
        a, b = self.value(self.a, x), self.value(self.b, x)
        hinge_terms = a * ops.relu(b - ops.expand_dims(x, -1))
        return ops.relu(x) + ops.sum(hinge_terms, axis=-1)

    def get_config(self):
        return {**super().get_config(), "hinges": self.hinges, "seed": self.seed}


@register(
    name="pelu",
    aliases=("parametric_elu",),
    formula=r"\begin{cases} \frac{a}{b} x & x \ge 0 \\ a\,(e^{x/b} - 1) & x < 0 \end{cases}",
    reference=Reference(
        "Parametric Exponential Linear Unit for Deep Convolutional Neural Networks",
        year=2017,
        authors="Trottier, Giguère, Chaib-draa",
        arxiv="1605.09332",
    ),
    params=(
        Param("a_init", 1.0, low=0, low_open=True, doc="initial a > 0 (saturation -a)"),
        Param("b_init", 1.0, low=0, low_open=True, doc="initial b > 0 (decay scale)"),
        Param(
            "min_value",
            0.1,
            low=0,
            low_open=True,
            doc="a and b are clipped to at least this after each update",
        ),
    ),
    properties=("bounded_below", "monotonic", "smooth"),
    note="One (a, b) pair per layer, as in the paper (shared_axes='channel' gives one per "
    "channel). a and b start at 1 (ELU) and are kept >= 0.1 by a constraint, as in the "
    "authors' code; that code also caps a below 2, which the paper does not state.",
)
class PELU(LearnableActivation):
    """Parametric ELU: `f(x) = (a/b) x` for `x >= 0`, `a (exp(x/b) - 1)` below, a, b > 0.

    Trottier, Giguère & Chaib-draa 2017, "Parametric Exponential Linear Unit for Deep
    Convolutional Neural Networks" (arXiv 1605.09332). The slopes meet at 0 (both a/b), so PELU
    is C1 for every a, b.
    """

    catalog_name = "pelu"
    default_sharing = "layer"

    def __init__(self, a_init=1.0, b_init=1.0, min_value=0.1, shared_axes=None, **kwargs):
        super().__init__(shared_axes=shared_axes, **kwargs)
        self.min_value = self.checked("min_value", min_value)
        self.a_init = self.checked("a_init", a_init)
        self.b_init = self.checked("b_init", b_init)
        for name, value in (("a_init", self.a_init), ("b_init", self.b_init)):
            if value < self.min_value:
                raise ValueError(
                    f"pelu: parameter {name!r}={value} is below min_value={self.min_value}"
                )

    def build(self, input_shape):
        shape = self.weight_shape(input_shape)
        floor = AtLeast(self.min_value)
        self.a = self.add_float32_weight("a", shape, _Constant(self.a_init), constraint=floor)
        self.b = self.add_float32_weight("b", shape, _Constant(self.b_init), constraint=floor)

    def activate(self, x, training=None):
        a, b = self.value(self.a, x), self.value(self.b, x)
        negative = a * ops.expm1(ops.minimum(x, 0.0) / b)  # exp of x <= 0 only: no overflow
        return ops.where(x >= 0, (a / b) * x, negative)

    def get_config(self):
        return {
            **super().get_config(),
            "a_init": self.a_init,
            "b_init": self.b_init,
            "min_value": self.min_value,
        }
