"""Activations with a periodic component: Snake, GCU, sine."""

from __future__ import annotations
