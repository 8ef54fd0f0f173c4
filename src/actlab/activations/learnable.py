"""Learnable activations: layers with trainable weights (PReLU, FReLU, ACON, PAU ...)."""

from __future__ import annotations
