from mpmath import mp

from tests.activations.references.base import Ref


def _sqnl(x):
    # Wuraola & Patel (2018), the four pieces as printed in the paper.
    if x > 2:
        return mp.one
    if x >= 0:
        return x - x**2 / 4
    if x >= -2:
        return x + x**2 / 4
    return -mp.one


def _soft_clipping(x, alpha):
    # Klimek & Perelstein (2018): (1/alpha) ln((1 + e^(alpha x)) / (1 + e^(alpha (x - 1)))).
    return mp.log((1 + mp.exp(alpha * x)) / (1 + mp.exp(alpha * (x - 1)))) / alpha


def _smooth_step(x, gamma):
    # Hazimeh et al. (2020), eq. for the smooth-step S(t).
    if x <= -gamma / 2:
        return mp.zero
    if x >= gamma / 2:
        return mp.one
    return -2 / mp.mpf(gamma) ** 3 * x**3 + 3 / (2 * mp.mpf(gamma)) * x + mp.mpf(1) / 2


def _penalized_tanh(x):
    return mp.tanh(x) if x > 0 else mp.tanh(x) / 4


REFERENCES = {
    "arctan": Ref(mp.atan),
    "isru": Ref(lambda x, alpha: x / mp.sqrt(1 + alpha * x**2), params=({"alpha": 0.25},)),
    "gaussian": Ref(lambda x: mp.exp(-(x**2))),
    "lecun_tanh": Ref(lambda x: mp.mpf("1.7159") * mp.tanh(2 * x / 3)),
    "penalized_tanh": Ref(_penalized_tanh, kinks=(0,)),
    "hard_sigmoid_v3": Ref(lambda x: min(max(x + 3, 0), 6) / 6, kinks=(-3, 3)),
    "sparse_sigmoid": Ref(lambda x: min(max((x + 1) / 2, 0), 1), kinks=(-1, 1)),
    "bipolar_sigmoid": Ref(lambda x: 2 / (1 + mp.exp(-x)) - 1),
    "erf": Ref(mp.erf),
    "probit": Ref(mp.ncdf),
    "sqnl": Ref(_sqnl),
    "cloglog": Ref(lambda x: 1 - mp.exp(-mp.exp(x))),
    "loglog": Ref(lambda x: mp.exp(-mp.exp(-x))),
    "soft_clipping": Ref(_soft_clipping, params=({"alpha": 5.0}, {"alpha": 0.01})),
    "elliott": Ref(lambda x: x / (2 * (1 + abs(x))) + mp.mpf(1) / 2),
    "smooth_step": Ref(_smooth_step, params=({"gamma": 4.0},)),
}
