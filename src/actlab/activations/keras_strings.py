"""Keras' table of activation strings, which actlab extends on import.

Keras 3 resolves ``Dense(activation="name")`` only against ``ALL_OBJECTS_DICT`` in
``keras.src.activations``; there is no public hook. This module is the one place that touches
it, and `tests/activations/test_keras_integration.py` fails loudly if a Keras release moves it.
"""

from __future__ import annotations

from collections.abc import Callable

from keras.src import activations as _keras_activations

_TABLE: dict[str, Callable] = _keras_activations.ALL_OBJECTS_DICT

#: Names Keras defined before actlab touched the table; they keep Keras' meaning as strings.
KERAS_NAMES: frozenset[str] = frozenset(_TABLE)

_added: set[str] = set()


def add(name: str, fn: Callable) -> bool:
    """Make ``activation=name`` resolve to `fn`, unless Keras defines `name` itself."""
    if name in KERAS_NAMES:
        return False
    _TABLE[name] = fn
    _added.add(name)
    return True


def remove(name: str) -> None:
    """Undo `add` (names Keras defines are never touched)."""
    if name in _added:
        del _TABLE[name]
        _added.discard(name)


def added() -> frozenset[str]:
    """Names actlab has put into Keras' table."""
    return frozenset(_added)


def keras_defines(name: str) -> bool:
    return name in KERAS_NAMES
