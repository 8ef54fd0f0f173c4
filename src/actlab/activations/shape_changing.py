"""Activations that change the shape of their input: gated linear units, CReLU, maxout."""

from __future__ import annotations
