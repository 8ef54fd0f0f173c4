"""How each Keras backend runs a function for timing: compiled forward, forward+backward, sync.

* TensorFlow: a ``tf.function`` (no XLA) of the forward, and one of a ``GradientTape``
  forward+backward with a given upstream gradient. Each call hands one element of its result
  to the host with ``.numpy()``, which waits for the whole result (a full ``.numpy()`` would
  add the same host copy of the tensor to every candidate and pull every ratio toward 1).
* JAX: ``jax.jit`` of the forward and of the vjp applied to a cotangent; ``block_until_ready``.
* PyTorch: eager forward and ``torch.autograd.grad`` with ``grad_outputs``;
  ``torch.cuda.synchronize()`` on CUDA.

The upstream gradient is cast to the output's dtype (a no-op where they agree).

`saved_bytes` is what the backward pass keeps: on JAX the residuals of ``jax.vjp(f, x)`` (the
leaves of the returned vjp function), on PyTorch the tensors saved for backward
(``torch.autograd.graph.saved_tensors_hooks``, each storage counted once), on TensorFlow the
full-size forward tensors that the ops depending on the upstream gradient read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import keras
import numpy as np

#: ``run(*tensors)``: one call of a compiled function, returning when its result is ready.
Runner = Callable[..., None]


class Harness:
    """Backend-independent helpers; one subclass per backend."""

    backend = ""

    def tensor(self, array: np.ndarray, dtype: str):
        return keras.ops.convert_to_tensor(array.astype(np.float32), dtype=dtype)

    def forward(self, fn: Callable) -> Runner:
        raise NotImplementedError

    def forward_backward(self, fn: Callable) -> Runner:
        raise NotImplementedError

    def saved_bytes(self, fn: Callable, x) -> int | None:
        return None


class TensorFlowHarness(Harness):
    backend = "tensorflow"

    def forward(self, fn):
        import tensorflow as tf

        @tf.function(jit_compile=False)
        def run(x):
            y = fn(x)
            return y, _first_element(y)

        def call(x):
            run(x)[1].numpy()

        return call

    def forward_backward(self, fn):
        import tensorflow as tf

        @tf.function(jit_compile=False)
        def run(x, upstream):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = fn(x)
            dx = tape.gradient(y, x, output_gradients=tf.cast(upstream, y.dtype))
            # y is fetched too: in training the next layer reads it, so it must be computed
            # (a backward that recomputes from x would otherwise let TF prune the forward).
            return dx, _first_element(y) + tf.cast(_first_element(dx), y.dtype)

        def call(x, upstream):
            run(x, upstream)[1].numpy()

        return call

    def saved_bytes(self, fn, x):
        """Bytes of the full-size forward tensors that the backward graph reads.

        The backward is every op that depends on the upstream gradient; what it reads from
        the rest of the graph (the forward) is what the tape keeps.
        """
        import tensorflow as tf

        @tf.function(autograph=False)
        def forward_backward(v, upstream):
            with tf.GradientTape() as tape:
                tape.watch(v)
                y = fn(v)
            return tape.gradient(y, v, output_gradients=upstream)

        spec = tf.TensorSpec(x.shape, x.dtype)
        graph = forward_backward.get_concrete_function(spec, spec).graph
        backward = {graph.inputs[1].op.name}
        kept = {}
        for op in graph.get_operations():  # in creation order: inputs before their readers
            if any(t.op.name in backward for t in op.inputs):
                backward.add(op.name)
                kept.update({t.name: t for t in op.inputs if t.op.name not in backward})
        size = x.shape.num_elements()
        return sum(
            t.shape.num_elements() * t.dtype.size for t in kept.values()
            if t.shape.is_fully_defined() and t.shape.num_elements() == size
        )  # fmt: skip


def _first_element(y):
    import tensorflow as tf

    return tf.reshape(y, [-1])[:1]


class JaxHarness(Harness):
    backend = "jax"

    def forward(self, fn):
        import jax

        compiled = jax.jit(fn)

        def call(x):
            compiled(x).block_until_ready()

        return call

    def forward_backward(self, fn):
        import jax

        def backward(x, upstream):
            y, vjp_fn = jax.vjp(fn, x)
            return y, vjp_fn(upstream.astype(y.dtype))[0]  # y too: XLA would drop it unused

        compiled = jax.jit(backward)

        def call(x, upstream):
            jax.block_until_ready(compiled(x, upstream))

        return call

    def saved_bytes(self, fn, x):
        import jax

        _, vjp_fn = jax.vjp(fn, x)
        return int(sum(leaf.nbytes for leaf in jax.tree_util.tree_leaves(vjp_fn)))


class TorchHarness(Harness):
    backend = "torch"

    def forward(self, fn):
        def run(x):
            fn(x)
            _synchronize(x)

        return run

    def forward_backward(self, fn):
        import torch

        def run(x, upstream):
            leaf = x.detach().requires_grad_()
            y = fn(leaf)
            torch.autograd.grad(y, leaf, grad_outputs=upstream.to(y.dtype))
            _synchronize(x)

        return run

    def saved_bytes(self, fn, x):
        import torch

        storages: dict[int, int] = {}

        def pack(tensor):
            storage = tensor.untyped_storage()
            storages[storage.data_ptr()] = storage.nbytes()
            return tensor

        leaf = x.detach().requires_grad_()
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
            fn(leaf)
        return int(sum(storages.values()))


def _synchronize(x) -> None:
    if x.device.type == "cuda":
        import torch

        torch.cuda.synchronize(x.device)


_HARNESSES = {h.backend: h for h in (TensorFlowHarness, JaxHarness, TorchHarness)}


@functools.cache
def current() -> Harness:
    """The harness of the current Keras backend."""
    backend = keras.backend.backend()
    if backend not in _HARNESSES:
        raise ValueError(f"actlab bench supports tensorflow, jax and torch, not {backend!r}")
    return _HARNESSES[backend]()
