from mpmath import mp

from tests.activations.references.base import Ref


def _soft(x, lambd):
    if x > lambd:
        return x - lambd
    if x < -lambd:
        return x + lambd
    return mp.zero


REFERENCES = {
    "tanh_shrink": Ref(lambda x: x - mp.tanh(x)),
    "soft_shrink": Ref(_soft, kinks=(-0.5, 0.5), params=({"lambd": 0.75}, {"lambd": 0.0})),
    "hard_shrink": Ref(
        lambda x, lambd: x if abs(x) > lambd else mp.zero,
        kinks=(-0.5, 0.5),
        params=({"lambd": 0.75},),
    ),
}
