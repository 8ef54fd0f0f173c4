import numpy as np
from mpmath import mp

from tests.activations.references.base import Ref


def _log_softmax(x: np.ndarray) -> np.ndarray:
    rows = x.reshape(-1, x.shape[-1])
    out = [[float(v - mp.log(mp.fsum(mp.exp(mp.mpf(float(u))) for u in row))) for v in row]
           for row in rows]  # fmt: skip
    return np.array(out).reshape(x.shape)


REFERENCES = {
    "softmax": Ref(lambda x: np.exp(_log_softmax(x)), elementwise=False),
    "log_softmax": Ref(_log_softmax, elementwise=False),
}
