"""Speed of activations: `run_ops` (one large tensor) and `run_models` (training steps).

>>> from actlab import bench
>>> result = bench.run_ops(["tanhexp", "gelu"], size=1_000_000)
>>> result.write("benchmarks/results")      # ops-<backend>.json and .md
"""

from actlab.bench.models import run_models
from actlab.bench.ops import DTYPES, run_ops
from actlab.bench.results import BenchResult

__all__ = ["DTYPES", "BenchResult", "run_models", "run_ops"]
