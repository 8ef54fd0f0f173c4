from mpmath import mp

from tests.activations.references.base import Ref

# Klambauer et al. (2017), eq. 14.
_SELU_ALPHA = mp.mpf("1.6732632423543772848170429916717")
_SELU_SCALE = mp.mpf("1.0507009873554804934193349852946")


def _sigmoid(x):
    return 1 / (1 + mp.exp(-x))


def _elu(x, alpha):
    return x if x > 0 else alpha * (mp.exp(x) - 1)


def _hard_sigmoid(x):
    # Basirat & Roth's hard sigmoid: max(0, min(1, (x + 1) / 2)).
    return max(0, min(1, (x + 1) / 2))


def _hard_elish(x):
    return (x if x >= 0 else mp.exp(x) - 1) * _hard_sigmoid(x)


REFERENCES = {
    "elu": Ref(lambda x, alpha: _elu(x, mp.mpf(alpha)), kinks=(0,), params=({"alpha": 0.5},)),
    "selu": Ref(lambda x: _SELU_SCALE * _elu(x, _SELU_ALPHA), kinks=(0,)),
    "celu": Ref(
        lambda x, alpha: max(0, x) + min(0, alpha * (mp.exp(x / alpha) - 1)),
        params=({"alpha": 0.5}, {"alpha": 2.0}),
    ),
    "isrlu": Ref(
        lambda x, alpha: x if x >= 0 else x / mp.sqrt(1 + alpha * x**2),
        params=({"alpha": 3.0},),
    ),
    "elish": Ref(lambda x: x * _sigmoid(x) if x >= 0 else (mp.exp(x) - 1) * _sigmoid(x)),
    "hard_elish": Ref(_hard_elish, kinks=(-1, 1)),
}
