"""What a run ran on: backend, device, dtype policy, versions and machine, stored with every
run."""

from __future__ import annotations

import functools
import importlib.metadata
import os
import platform
import sys

import keras

_BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def describe() -> dict[str, object]:
    """Backend, device, dtype policy, versions and machine, as a JSON-ready dict.

    ``device`` is what the backend computes on, e.g. ``"gpu: NVIDIA H200"`` or ``"cpu: <the
    processor>"``; ``dtype_policy`` is Keras' global policy now (``"float32"``,
    ``"mixed_bfloat16"``...).
    """
    return {**_fixed(), "dtype_policy": keras.config.dtype_policy().name}


def xla_flags() -> str | None:
    """``XLA_FLAGS`` on the backends that compile with XLA (TensorFlow's fused kernels, JAX),
    e.g. the vector width the catalog asks for on TensorFlow (`activations.fused.xla`); None
    elsewhere."""
    from actlab.activations.fused import XLA_BACKENDS

    if keras.backend.backend() not in XLA_BACKENDS:
        return None
    return os.environ.get("XLA_FLAGS", "")


def identity() -> dict[str, str]:
    """What makes runs comparable in one table: the backend and the dtype policy now."""
    return {"backend": keras.backend.backend(), "dtype_policy": keras.config.dtype_policy().name}


def name_suffix(env: dict[str, str]) -> str:
    """``"{jax}"``, ``"{tensorflow,mixed_float16}"``: what a comparison's name can add to
    say its environment (the dtype policy when not float32)."""
    policy = "" if env["dtype_policy"] == "float32" else f",{env['dtype_policy']}"
    return f"{{{env['backend']}{policy}}}"


def text(env: dict[str, str]) -> str:
    """``"jax (float32)"``."""
    return f"{env.get('backend', '?')} ({env.get('dtype_policy', '?')})"


@functools.cache
def device() -> str:
    """The device the backend trains on: its first GPU when it sees one, else the CPU."""
    backend = keras.backend.backend()
    gpu = {"tensorflow": _tensorflow_gpu, "jax": _jax_gpu, "torch": _torch_gpu}.get(backend)
    name = gpu() if gpu is not None else None
    return f"gpu: {name}" if name else f"cpu: {_processor()}"


def _tensorflow_gpu() -> str | None:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return None
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)


def _jax_gpu() -> str | None:
    import jax

    first = jax.devices()[0]
    return None if first.platform == "cpu" else first.device_kind


def _torch_gpu() -> str | None:
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


@functools.cache
def _fixed() -> dict[str, object]:
    backend = keras.backend.backend()
    return {
        "backend": backend,
        "device": device(),
        "xla_flags": xla_flags(),
        "versions": {
            "python": platform.python_version(),
            "actlab": _version("actlab"),
            "keras": keras.__version__,
            backend: _backend_version(backend),
            "numpy": _version("numpy"),
        },
        "machine": {
            "platform": platform.platform(),
            "processor": _processor(),
            "cpus": os.cpu_count(),
            "python_executable": sys.executable,
        },
    }


def _backend_version(backend: str) -> str:
    package = _BACKEND_PACKAGES.get(backend, backend)
    for name in (package, f"{package}-cpu"):
        version = _version(name)
        if version != "unknown":
            return version
    return "unknown"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _processor() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
