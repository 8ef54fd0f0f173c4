from mpmath import mp

from tests.activations.references.base import Ref

REFERENCES = {
    "linear": Ref(lambda x: x),
    "sigmoid": Ref(lambda x: 1 / (1 + mp.exp(-x))),
    # Article 003: 0 below -2.5, 1 above 2.5, a straight line between.
    "hard_sigmoid": Ref(lambda x: min(max(x / 5 + mp.mpf(1) / 2, 0), 1), kinks=(-2.5, 2.5)),
    "tanh": Ref(mp.tanh),
    "softsign": Ref(lambda x: x / (1 + abs(x))),
}
