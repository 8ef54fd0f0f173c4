"""actlab: try, compare and tune neural-network activation functions on Keras 3."""

from actlab import activations

__version__ = "0.1.0"
__all__ = ["__version__", "activations"]
