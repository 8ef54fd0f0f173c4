"""Further bounded, sigmoid-shaped activations."""

from __future__ import annotations
