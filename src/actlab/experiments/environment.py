"""What a run ran on: backend, library versions and machine, stored with every run."""

from __future__ import annotations

import functools
import importlib.metadata
import os
import platform
import sys

import keras

_BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


@functools.cache
def describe() -> dict[str, object]:
    """Backend, versions and machine, as a JSON-ready dict."""
    backend = keras.backend.backend()
    return {
        "backend": backend,
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
