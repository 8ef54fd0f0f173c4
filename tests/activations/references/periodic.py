from mpmath import mp

from tests.activations.references.base import Ref


def _sinc(x):
    # The unnormalised sinc of the papers: sin(x)/x, 1 at 0.
    return mp.sin(x) / x if x != 0 else mp.one


REFERENCES = {
    "snake": Ref(lambda x, alpha: x + mp.sin(alpha * x) ** 2 / alpha, params=({"alpha": 0.3},)),
    "gcu": Ref(lambda x: x * mp.cos(x)),
    "sine": Ref(lambda x, w0: mp.sin(w0 * x), params=({"w0": 30.0},)),
    "sinc": Ref(_sinc),
    # Noel et al. (2021), written as in the paper with sinc(z) = sin(z)/z.
    "shifted_sinc_unit": Ref(lambda x: mp.pi * _sinc(x - mp.pi)),
    "decaying_sine_unit": Ref(lambda x: mp.pi / 2 * (_sinc(x - mp.pi) - _sinc(x + mp.pi))),
}
