"""PyTorch: a compiled forward and a compiled backward, tied by an autograd.Function.

Eager PyTorch launches one kernel per operation and keeps their outputs for autograd.
``torch.compile`` (Inductor) fuses the forward into one loop; the backward, the vector-Jacobian
product of the same expression (``torch.func.vjp``), is compiled into another that recomputes
the forward from the input, which is all the Function keeps.

The path is opt-in (`fused.torch_compile`). Compiling costs seconds per activation, so
tensors under `fused.torch_min_elements` values (unit tests, tiny layers) stay eager. Before
its first use each kernel is checked against the eager form on a probe grid, and one that
disagrees stays eager: Inductor's vectorised ``expm1`` on the CPU, for one, is off by 1% near
0, which the catalog does not accept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from actlab.activations import fused

#: Catalog entries that PyTorch computes with a kernel of its own, forward and backward: the
#: same function (checked against the portable form on the catalog grid), one pass each way.
NATIVE: dict[str, Callable] = {
    "silu": F.silu,
    "elu": lambda x, alpha=1.0: F.elu(x, alpha),
    "celu": lambda x, alpha=1.0: F.celu(x, alpha),
    "selu": F.selu,
    "mish": F.mish,
    "softsign": F.softsign,
}

_PROBE_RTOL = 1e-5
_PROBE = np.concatenate([-np.logspace(4, -6, 512), [0.0], np.logspace(-6, 4, 511)])


def compile_kernel(f: Callable) -> Callable:
    """``f`` as one compiled kernel forward and one backward, where that keeps it exact."""

    @functools.cache
    def compiled(device) -> Callable | None:
        """The compiled form, built on first use; None where it disagrees with `f`."""
        _allow_many_compiled_activations()
        apply = _compiled_function(f).apply
        return apply if _agrees(apply, f, device) else None

    def kernel(x):
        if not fused.torch_compile or x.numel() < fused.torch_min_elements:
            return f(x)
        apply = compiled(x.device)
        return f(x) if apply is None else apply(x)

    return kernel


def _compiled_function(f: Callable) -> type[torch.autograd.Function]:
    """An autograd.Function running `f` and its vector-Jacobian product, both compiled."""
    forward = torch.compile(f, dynamic=True)
    backward = torch.compile(lambda x, upstream: torch.func.vjp(f, x)[1](upstream)[0],
                             dynamic=True)  # fmt: skip

    class Fused(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return forward(x)

        @staticmethod
        def backward(ctx, upstream):
            (x,) = ctx.saved_tensors
            return backward(x, upstream)

    return Fused


@functools.cache
def _allow_many_compiled_activations() -> None:
    """Raise Dynamo's recompile limit, once, when the first kernel is compiled (not at import).

    Every activation goes through the same wrapper function, and Dynamo counts compiled
    variants per code object: its default limit (8) would send all but eight back to eager.
    """
    torch._dynamo.config.recompile_limit = max(torch._dynamo.config.recompile_limit, 1024)


def _agrees(compiled: Callable, f: Callable, device) -> bool:
    """Whether `compiled` gives `f`'s values and gradients on the probe grid (float32)."""
    try:
        values = [_value_and_grad(g, device) for g in (compiled, f)]
    except Exception:  # a function the compiler cannot take runs eagerly
        return False
    tiny = float(np.finfo(np.float32).tiny)
    return all(
        np.allclose(a, b, rtol=_PROBE_RTOL, atol=tiny, equal_nan=True)
        for a, b in zip(*values, strict=True)
    )


def _value_and_grad(g: Callable, device) -> tuple[np.ndarray, np.ndarray]:
    x = torch.tensor(_PROBE, dtype=torch.float32, device=device, requires_grad=True)
    y = g(x)
    (grad,) = torch.autograd.grad(y, x, torch.ones_like(y))
    return y.detach().cpu().numpy(), grad.cpu().numpy()
