"""XLA's CPU vector width: 512 bits on an AVX-512 CPU, the user's own choice left alone; sin
in vector code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from actlab.activations.fused import xla

ROOT = Path(__file__).resolve().parents[2]
WIDTH = "--xla_cpu_prefer_vector_width"


def test_adds_the_width_on_an_avx512_cpu():
    environ: dict[str, str] = {}
    assert xla.prefer_wide_vectors(environ, avx512=True)
    assert environ["XLA_FLAGS"] == f"{WIDTH}=512"


def test_keeps_the_users_other_flags():
    environ = {"XLA_FLAGS": "--xla_dump_to=/tmp/x"}
    xla.prefer_wide_vectors(environ, avx512=True)
    assert environ["XLA_FLAGS"] == f"--xla_dump_to=/tmp/x {WIDTH}=512"


def test_leaves_a_width_the_user_chose():
    environ = {"XLA_FLAGS": f"{WIDTH}=256"}
    assert not xla.prefer_wide_vectors(environ, avx512=True)
    assert environ["XLA_FLAGS"] == f"{WIDTH}=256"


def test_does_nothing_without_avx512():
    environ: dict[str, str] = {}
    assert not xla.prefer_wide_vectors(environ, avx512=False)
    assert "XLA_FLAGS" not in environ


def test_reads_avx512_from_cpuinfo(tmp_path):
    with_it, without = tmp_path / "with", tmp_path / "without"
    with_it.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512bw\n")
    without.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512_fake\n")
    assert xla.cpu_has_avx512(with_it)
    assert not xla.cpu_has_avx512(without)
    assert not xla.cpu_has_avx512(tmp_path / "missing")


@pytest.mark.all_backends
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_fused_kernels_are_compiled_with_the_width(tmp_path, backend):
    """The catalog's fused tanhexp, compiled by XLA in a fresh process: on TensorFlow its LLVM
    IR (dumped by XLA itself) has 16-float vectors on an AVX-512 CPU; the flag is not added
    elsewhere, nor on JAX."""
    script = (
        "import os, numpy as np, keras\n"
        "from actlab import activations\n"
        "x = keras.ops.convert_to_tensor(np.linspace(-3, 3, 4096, dtype='float32'))\n"
        "np.asarray(activations.get('tanhexp')(x))\n"
        "print(os.environ['XLA_FLAGS'])\n"
    )
    dump = tmp_path / "dump"
    env = {**os.environ, "KERAS_BACKEND": backend, "XLA_FLAGS": f"--xla_dump_to={dump}"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    flags = done.stdout.strip().splitlines()[-1]
    ir = "".join(path.read_text() for path in dump.glob("*tanh*.ir-with-opt.ll"))
    assert ir, f"XLA dumped no optimized IR for tanhexp in {dump}"
    if backend == "tensorflow" and xla.cpu_has_avx512():
        assert flags == f"--xla_dump_to={dump} {WIDTH}=512"
        assert "<16 x float>" in ir
    else:
        assert flags == f"--xla_dump_to={dump}"
        assert "<16 x float>" not in ir


@pytest.mark.all_backends
def test_sin_in_a_fused_kernel_is_vector_code_below_the_limit_and_the_library_above(tmp_path):
    """TensorFlow: XLA's own sin is a library call per value (``llvm.sin`` in its IR). The
    fused snake's kernel for a tensor within `trig.REDUCTION_LIMIT` has none; the one for a
    tensor beyond it is the library's."""
    script = (
        "import numpy as np, keras\n"
        "from actlab import activations\n"
        "snake = activations.get('snake')\n"
        "x = np.linspace(-3, 3, 4096, dtype='float32')\n"
        "np.asarray(snake(keras.ops.convert_to_tensor(x)))\n"
        "x[0] = 1e7\n"
        "np.asarray(snake(keras.ops.convert_to_tensor(x)))\n"
    )
    dump = tmp_path / "dump"
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "XLA_FLAGS": f"--xla_dump_to={dump}"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules: dict[str, str] = {}
    for path in dump.glob("*actlab_fused_forward*.ir-with-opt.ll"):
        module = path.name.split(".")[0]
        modules[module] = modules.get(module, "") + path.read_text()
    assert sorted("llvm.sin" in ir for ir in modules.values()) == [False, True]
