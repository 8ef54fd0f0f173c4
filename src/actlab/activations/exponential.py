"""Exponential-linear units: ELU and its descendants."""

from __future__ import annotations
