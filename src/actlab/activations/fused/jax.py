"""JAX: one jitted kernel whose backward recomputes the forward from the input.

Inside a jitted training step XLA fuses the expression already; ``jax.checkpoint`` stops it
from keeping the intermediates for the backward pass, and ``jax.jit`` fuses calls made
outside a jitted step too. The kernel is traced with the XLA spellings that JAX's XLA keeps
exact (`fused.xla.JAX_SPELLINGS`: atan as a polynomial, where XLA's own is a library call
per value).
"""

from __future__ import annotations

from collections.abc import Callable

import jax

from actlab.activations.fused import xla


def compile_kernel(f: Callable) -> Callable:
    """``f`` jitted, with a backward that keeps only its input."""

    def spelled(x):
        with xla.tracing_kernel(xla.JAX_SPELLINGS):
            return f(x)

    return jax.jit(jax.checkpoint(spelled))
