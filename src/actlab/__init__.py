"""actlab: try, compare and tune neural-network activation functions on Keras 3."""

import os

# Hide TensorFlow's INFO start-up lines (CPU features); warnings and errors still show.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

from actlab import activations

__version__ = "0.1.0"
__all__ = ["__version__", "activations"]
