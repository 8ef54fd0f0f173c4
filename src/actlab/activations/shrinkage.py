"""Shrinkage activations: soft, hard and tanh shrink."""

from __future__ import annotations
