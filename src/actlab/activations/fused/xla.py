"""XLA on a CPU (TensorFlow's fused kernels): 512-bit vectors where the CPU has them, and
vector code for sin, cos and atan.

XLA's CPU compiler emits 256-bit vector code by default, even on a CPU with AVX-512. An
activation's fused kernel is bound by its exp, tanh, erf or log polynomials, not by memory,
and with 512-bit vectors it runs up to 1.5x faster (`actlab bench ops`: tanhexp 2.2x -> 1.4x
ReLU's forward+backward on TensorFlow; in one run of `cifar10_small_cnn`'s training step
1.25x -> 1.04x).

XLA reads ``XLA_FLAGS`` once per process, at its first compilation, so the flag is set when
the catalog loads on TensorFlow (not on JAX, whose XLA miscompiled atan at that width); a
process that compiled with XLA before importing actlab keeps its width. A width already chosen
in ``XLA_FLAGS`` is left as it is: ``--xla_cpu_prefer_vector_width=256`` there restores XLA's
default.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VECTOR_WIDTH_FLAG = "--xla_cpu_prefer_vector_width"
WIDE = 512

_CPUINFO = Path("/proc/cpuinfo")


def cpu_has_avx512(cpuinfo: Path = _CPUINFO) -> bool:
    """Whether the CPU reports AVX-512 (``avx512f``); False where /proc/cpuinfo is missing."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return False
    return any(line.startswith("flags") and "avx512f" in line.split() for line in text.splitlines())


def prefer_wide_vectors(
    environ: MutableMapping[str, str] = os.environ, *, avx512: bool | None = None
) -> bool:
    """Add ``--xla_cpu_prefer_vector_width=512`` to ``XLA_FLAGS`` on an AVX-512 CPU.

    Returns whether it added the flag: not when the CPU lacks AVX-512 or ``XLA_FLAGS`` already
    names a vector width.
    """
    flags = environ.get("XLA_FLAGS", "")
    if VECTOR_WIDTH_FLAG in flags:
        return False
    if not (cpu_has_avx512() if avx512 is None else avx512):
        return False
    environ["XLA_FLAGS"] = f"{flags} {VECTOR_WIDTH_FLAG}={WIDE}".strip()
    return True


# -- Spellings for XLA kernels -------------------------------------------------------------
#
# XLA's CPU code computes sin, cos and atan with calls to the scalar C library, one value at a
# time (its IR holds ``llvm.sin.v16f32``, unrolled into 16 calls): 6-30x ReLU's time, and its
# own log1p in 256-bit vectors only. While one of the catalog's kernels is traced, the
# building blocks of `numerics` named in its trace's `spellings` are written for XLA instead
# (`fused.trig`, `numerics.log1p`). sin's and cos's range reduction is exact only up to
# `trig.REDUCTION_LIMIT`; a kernel records the arguments it gives them, and its caller takes
# the library's kernel for an input that gives a larger one.

#: TensorFlow's kernels: every spelling.
ALL_SPELLINGS = frozenset({"log1p", "softplus", "sin", "cos", "arctan"})
#: JAX's: atan only. Its XLA folds ``(1 + w) - 1`` to ``w``, which log1p's correction needs,
#: and with sin's polynomial (and a float32 range reduction, since replaced by a float64 one
#: not tried on JAX) snake(alpha=0.3)'s slope at x = 1e4 came out 4e-4 off (the library's:
#: within 1e-6).
JAX_SPELLINGS = frozenset({"arctan"})


@dataclass
class KernelTrace:
    """What the tracing of one XLA kernel spells for XLA, and what it used."""

    spellings: frozenset[str] = ALL_SPELLINGS
    #: The arguments of its polynomials that are exact only up to trig.REDUCTION_LIMIT.
    limited_arguments: list[Any] = field(default_factory=list)


_TRACE: contextvars.ContextVar[KernelTrace | None] = contextvars.ContextVar(
    "actlab_xla_kernel_trace", default=None
)


@contextmanager
def tracing_kernel(spellings: frozenset[str] = ALL_SPELLINGS) -> Iterator[KernelTrace]:
    """While an XLA kernel is traced: the building blocks in `spellings` take their XLA
    spellings."""
    trace = KernelTrace(spellings)
    token = _TRACE.set(trace)
    try:
        yield trace
    finally:
        _TRACE.reset(token)


def kernel_trace() -> KernelTrace | None:
    """The trace of the XLA kernel being traced now, or None outside one."""
    return _TRACE.get()
