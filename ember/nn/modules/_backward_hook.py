"""Full backward hooks of Modules: identity nodes around a module's inputs and outputs catch their gradients."""
from __future__ import annotations

from ..._tensor import Tensor
from ...autograd.function import Function
from ...ops.creation import zeros


class _Identity(Function):
    """Passes tensors through unchanged; its node is where the module's gradients are intercepted."""

    @staticmethod
    def forward(ctx, *args):
        outs = tuple(a.view_as(a) for a in args)
        ctx.mark_non_differentiable(*[o for o, need in zip(outs, ctx.needs_input_grad) if not need])
        ctx.metas = [(a.shape, a.dtype) for a in args]
        return outs

    @staticmethod
    def backward(ctx, *grads):
        # Like PyTorch, tensors without gradient get zeros in grad_input (None in grad_output: pre-hooks run first).
        return tuple(g if g is not None else zeros(shape, dtype=dtype) for g, (shape, dtype) in zip(grads, ctx.metas))


def _wrap_tensors(values, on_node):
    """Send every tensor among ``values`` through one identity node when any of them requires grad and call
    ``on_node(node)``. Returns the new values and the positions of the tensors (None when nothing was wrapped)."""
    is_seq = isinstance(values, (tuple, list))
    items = list(values) if is_seq else [values]
    idx = [i for i, v in enumerate(items) if isinstance(v, Tensor)]
    if not any(items[i].requires_grad for i in idx):
        return values, None
    outs = _Identity.apply(*[items[i] for i in idx])
    outs = outs if isinstance(outs, tuple) else (outs,)
    on_node(next(o.grad_fn for o in outs if o.grad_fn is not None))
    for i, o in zip(idx, outs):
        items[i] = o
    if not is_seq:
        return items[0], idx
    return (type(values)(items) if not hasattr(values, '_fields') else type(values)(*items)), idx


def _pack(idx, grads, n: int) -> tuple:
    """One entry per positional value (``n`` of them): the gradients at the tensors' positions, else None."""
    out = [None] * n
    for i, g in zip(idx or (), grads):
        out[i] = g
    return tuple(out)


class BackwardHook:
    """Calls a module's backward pre-hooks with ``grad_output`` and its backward hooks with
    ``(grad_input, grad_output)`` during backward; both hold one entry per positional input/output (None for
    non-tensors and tensors without gradient), like PyTorch."""

    def __init__(self, module):
        self.module = module
        self.grad_outputs = None
        self.input_idx = self.output_idx = None
        self.n_inputs = self.n_outputs = 0

    def setup_input(self, args: tuple) -> tuple:
        self.n_inputs = len(args)
        new, self.input_idx = _wrap_tensors(args, lambda node: node.register_hook(self._on_input_grads))
        return new

    def setup_output(self, result):
        self.n_outputs = len(result) if isinstance(result, (tuple, list)) else 1
        new, self.output_idx = _wrap_tensors(result, lambda node: node.register_prehook(self._on_output_grads))
        return new

    def _on_output_grads(self, grad_outputs):
        full = _pack(self.output_idx, grad_outputs, self.n_outputs)
        for hook in list(self.module._backward_pre_hooks.values()):
            r = hook(self.module, full)
            if r is not None:
                full = tuple(r) if isinstance(r, (tuple, list)) else (r,)
                if len(full) != self.n_outputs:
                    raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, got "
                                       f"{len(full)}, but expected {self.n_outputs}")
        self.grad_outputs = full
        if self.input_idx is None:
            for hook in list(self.module._backward_hooks.values()):
                r = hook(self.module, _pack(None, (), self.n_inputs), full)
                if r is not None and not all(g is None for g in r):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                       "return None or None for all gradients.")
        return tuple(full[i] for i in self.output_idx)

    def _on_input_grads(self, grad_inputs, grad_outputs):
        full = _pack(self.input_idx, grad_inputs, self.n_inputs)
        for hook in list(self.module._backward_hooks.values()):
            r = hook(self.module, full, self.grad_outputs)
            if r is not None:
                full = tuple(r) if isinstance(r, (tuple, list)) else (r,)
                if len(full) != self.n_inputs:
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(full)}, "
                                       f"but expected {self.n_inputs}")
        return tuple(full[i] for i in self.input_idx)
