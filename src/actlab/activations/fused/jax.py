"""JAX: one jitted kernel whose backward recomputes the forward from the input.

Inside a jitted training step XLA fuses the expression already; ``jax.checkpoint`` stops it
from keeping the intermediates for the backward pass, and ``jax.jit`` fuses calls made
outside a jitted step too.
"""

from __future__ import annotations

from collections.abc import Callable

import jax


def compile_kernel(f: Callable) -> Callable:
    """``f`` jitted, with a backward that keeps only its input."""
    return jax.jit(jax.checkpoint(f))
