"""Learnable activations: layers with trainable weights (PReLU, FReLU, ACON, PAU ...).

The family is split by kind; importing this module registers all of them:
`learnable_rectified` (prelu, flexible_relu, srelu, aplu, pelu), `learnable_gated`
(swish_beta, acon_c, dice), `learnable_context` (frelu, meta_acon) and `learnable_smooth`
(pau, soft_exponential, snake_learnable). Their shared machinery is in `learnable_base`.
"""

from __future__ import annotations

from actlab.activations import (  # noqa: F401
    learnable_context,
    learnable_gated,
    learnable_rectified,
    learnable_smooth,
)
