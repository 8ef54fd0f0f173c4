from mpmath import mp

from tests.activations.references.base import Ref


def _sigmoid(x):
    return 1 / (1 + mp.exp(-x))


def _softplus(x):
    return mp.log(1 + mp.exp(x))


def _gelu(x):
    return x * mp.ncdf(x)


def _gelu_tanh(x):
    return x / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x**3)))


def _smu(x, alpha, mu):
    return ((1 + alpha) * x + (1 - alpha) * x * mp.erf(mu * (1 - alpha) * x)) / 2


def _hard_silu(x):
    return x * min(max(x + 3, 0), 6) / 6


REFERENCES = {
    "silu": Ref(lambda x: x * _sigmoid(x)),
    "gelu": Ref(_gelu),
    "gelu_tanh": Ref(_gelu_tanh),
    "quick_gelu": Ref(lambda x: x * _sigmoid(mp.mpf("1.702") * x)),
    "mish": Ref(lambda x: x * mp.tanh(_softplus(x))),
    "tanhexp": Ref(lambda x: x * mp.tanh(mp.exp(x))),
    "smish": Ref(
        lambda x, alpha, beta: alpha * x * mp.tanh(mp.log(1 + _sigmoid(beta * x))),
        params=({"alpha": 2.0, "beta": 0.5},),
    ),
    "logish": Ref(
        lambda x, alpha, beta: alpha * x * mp.log(1 + _sigmoid(beta * x)),
        params=({"alpha": 1.0, "beta": 10.0},),
    ),
    "serf": Ref(lambda x: x * mp.erf(_softplus(x))),
    "hard_silu": Ref(_hard_silu, kinks=(-3, 3)),
    "aptx": Ref(
        lambda x, alpha, beta, gamma: (alpha + mp.tanh(beta * x)) * gamma * x,
        params=(
            {"alpha": 1.0, "beta": 0.5, "gamma": 0.5},
            {"alpha": 1.5, "beta": 2.0, "gamma": 1.0},
        ),
    ),
    "lisht": Ref(lambda x: x * mp.tanh(x)),
    "eswish": Ref(lambda x, beta: beta * x * _sigmoid(x), params=({"beta": 1.0},)),
    "silu_beta": Ref(
        lambda x, beta: x * _sigmoid(beta * x), params=({"beta": 0.0}, {"beta": 1.702})
    ),
    "dsilu": Ref(lambda x: _sigmoid(x) * (1 + x * (1 - _sigmoid(x)))),
    "golu": Ref(lambda x: x * mp.exp(-mp.exp(-x))),
    "smu": Ref(_smu, params=({"alpha": 0.0, "mu": 1 / 2**0.5}, {"alpha": 0.25, "mu": 1e6})),
    "gish": Ref(lambda x: x * mp.log(2 - mp.exp(-mp.exp(x)))),
    "phish": Ref(lambda x: x * mp.tanh(_gelu(x))),
    "pflu": Ref(lambda x: x * (1 + x / mp.sqrt(1 + x**2)) / 2),
    "flatten_t_swish": Ref(
        lambda x, t: (x * _sigmoid(x) if x >= 0 else 0) + t, kinks=(0,), params=({"t": 0.0},)
    ),
}
