from mpmath import mp

from tests.activations.references.base import Ref


def _softplus(x):
    return mp.log(1 + mp.exp(x))


def _smelu(x, beta):
    if x <= -beta:
        return mp.mpf(0)
    if x >= beta:
        return x
    return (x + beta) ** 2 / (4 * beta)


def _smu_1(x, alpha, mu):
    return ((1 + alpha) * x + mp.sqrt((x - alpha * x) ** 2 + mp.mpf(mu) ** 2)) / 2


REFERENCES = {
    "softplus": Ref(_softplus),
    "softplus_beta": Ref(
        lambda x, beta: _softplus(beta * x) / beta, params=({"beta": 2.0}, {"beta": 0.5})
    ),
    "log_sigmoid": Ref(lambda x: mp.log(1 / (1 + mp.exp(-x)))),
    "shifted_softplus": Ref(lambda x: mp.log(mp.exp(x) / 2 + mp.mpf(1) / 2)),
    "squareplus": Ref(lambda x, b: (x + mp.sqrt(x**2 + b)) / 2, params=({"b": 1.0},)),
    "sparse_plus": Ref(lambda x: _smelu(x, 1)),
    "smelu": Ref(lambda x, beta: _smelu(x, mp.mpf(beta)), params=({"beta": 0.5}, {"beta": 2.5})),
    "smu_1": Ref(_smu_1, params=({"alpha": 0.01, "mu": 0.3},)),
}
