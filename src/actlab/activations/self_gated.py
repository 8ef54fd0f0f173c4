"""Self-gated activations x * gate(x): SiLU, GELU, Mish, TanhExp and relatives."""

from __future__ import annotations
