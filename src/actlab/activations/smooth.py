"""Smooth rectifiers: softplus and its algebraic and log-domain relatives."""

from __future__ import annotations
